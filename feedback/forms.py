"""HTML forms for beta programmes and feedback. The services validate and decide; the forms only
shape the input and keep what the member typed when a service refuses it."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from community.inputs import parse_id
from community.models import Team
from feedback.models import Source, Status, Tag, Thread, Touchpoint
from feedback.pages import BetaProgramPage

MARKDOWN_HINT = _("Markdown works: **bold**, *italic*, - lists, > quotes and [links](https://…).")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ScreenshotsField(forms.FileField):
    """Several files in one input; the service checks each by its content."""

    widget = MultipleFileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [f for f in files if f]


def _device_field(programme, *, required: bool):
    devices = programme.device_list
    if devices:
        return forms.ChoiceField(label=_("Your device"), required=required,
                                 choices=[("", "—"), *[(d, d) for d in devices]])
    return None


class EnrolForm(forms.Form):
    """Join (open or invited) or apply (with a reason): which fields show depends on the programme."""

    reason = forms.CharField(
        label=_("Why do you want to join?"), strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("How would you use it? What do you hope it fixes?")}),
    )
    consent = forms.BooleanField(label=_("I accept these terms"), required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        device = _device_field(programme, required=True)
        if device is not None:
            self.fields["device"] = device
        if programme.enrolment != programme.Enrolment.APPLY:
            del self.fields["reason"]
        if not programme.consent_text:  # the terms themselves are shown above the form
            del self.fields["consent"]


class ThreadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=Thread.Kind.choices, widget=forms.RadioSelect,
                             initial=Thread.Kind.BUG)
    title = forms.CharField(label=_("Title"), strip=False, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    body = forms.CharField(
        label=_("Description"), required=False, strip=False, help_text=MARKDOWN_HINT,
        widget=forms.Textarea(attrs={"rows": 7, "placeholder": _("What did you do, what happened, what did you expect?")}),
    )
    device = forms.CharField(label=_("Device"), required=False,
                             help_text=_("For bug reports: the phone, tablet or TV box you used."),
                             widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("e.g. Pixel 8, Apple TV 4K")}))
    app_version = forms.CharField(label=_("App version"), required=False,
                                  help_text=_("For bug reports: shown under Settings → About."))
    screenshots = ScreenshotsField(
        label=_("Screenshots"), required=False,
        help_text=_("Up to 4 images (PNG, JPEG, WebP or GIF), 5 MB each. Only this beta's members and our team see them."),
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Topics"), required=False, queryset=Tag.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Pick what fits; we add topics from your words too."),
    )
    language = forms.ChoiceField(label=_("Written in"), required=False,
                                 choices=[("", _("Detect from the text")), *settings.LANGUAGES])

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = Tag.objects.filter(offered=True).order_by("slug")
        self.fields["tags"].label_from_instance = lambda tag: tag.name
        device = _device_field(programme, required=False)
        if device is not None:
            device.label, device.help_text = _("Device"), self.fields["device"].help_text
            self.fields["device"] = device


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), strip=False, help_text=MARKDOWN_HINT,
                           widget=forms.Textarea(attrs={"rows": 4}))


class NoteForm(forms.Form):
    body = forms.CharField(label=_("New internal note"), strip=False, widget=forms.Textarea(attrs={"rows": 3}))


class ItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    response = forms.CharField(
        label=_("Answer to the customer"), required=False, strip=False,
        help_text=_("Required when you resolve or decline: the customer reads it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(code, label) for code, label in Status.choices if item.can_move_to(code)]


class IdsField(forms.ModelMultipleChoiceField):
    """Chosen rows by id: anything that is not an id within 64 bits ("²", 99999999999999999999) is
    a form error before it reaches the database (SQLite overflows on it)."""

    def _check_values(self, value):
        from community.inputs import parse_id

        for pk in value if isinstance(value, (list, tuple)) else ():
            if parse_id(pk) is None:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})
        return super()._check_values(value)


class ItemTagsForm(forms.Form):
    tags = IdsField(label=_("Tags"), required=False, queryset=Tag.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = Tag.objects.order_by("slug")
        self.fields["tags"].label_from_instance = lambda tag: tag.name


class WaveForm(forms.Form):
    size = forms.IntegerField(label=_("Admit the next"), min_value=1, max_value=10_000, initial=10)


# --- Routing ---------------------------------------------------------------------------------------


class IdChoiceField(forms.ModelChoiceField):
    """A select of rows by id: "²", "-1" or a number past 64 bits is an invalid choice before it
    reaches the database (where SQLite would overflow)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        if any(parse_id(pk) is None for pk in value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": next(pk for pk in value if parse_id(pk) is None)})
        return super()._check_values(value)


def _any(label):
    return [("", label)]


class RoutingRuleForm(forms.Form):
    """What a routing rule matches and where it sends it. Empty criteria are ignored; a rule needs
    at least one (the service says so). Every criterion filled must match."""

    name = forms.CharField(label=_("Name"), strip=False, help_text=_("Staff see it in each decision: “Invoice questions”."),
                           widget=forms.TextInput(attrs={"maxlength": 80, "autocomplete": "off"}))
    team = IdChoiceField(label=_("Send to the team"), queryset=Team.objects.none(), empty_label="—")
    tags = IdMultipleChoiceField(label=_("Tags"), required=False, queryset=Tag.objects.none(),
                                 widget=forms.CheckboxSelectMultiple,
                                 help_text=_("Matches an item with any of these tags."))
    keywords = forms.CharField(
        label=_("Keywords"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line. Matches when any of them occurs, in any of its word forms."),
    )
    source = forms.ChoiceField(label=_("Source"), required=False, choices=_any(_("Any source")) + Source.choices)
    programme = IdChoiceField(label=_("Beta programme"), required=False, queryset=BetaProgramPage.objects.none(),
                              empty_label=_("Any beta programme"))
    touchpoint = IdChoiceField(label=_("Touchpoint"), required=False, queryset=Touchpoint.objects.none(),
                               empty_label=_("Any touchpoint"))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_any(_("Any kind")) + Thread.Kind.choices)
    language = forms.ChoiceField(label=_("Language"), required=False,
                                 choices=_any(_("Any language")) + list(settings.LANGUAGES))
    active = forms.BooleanField(label=_("Active: route new feedback by this rule"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("name")
        self.fields["tags"].queryset = Tag.objects.order_by("slug")
        self.fields["tags"].label_from_instance = lambda tag: tag.name
        self.fields["programme"].queryset = BetaProgramPage.objects.order_by("title")
        self.fields["touchpoint"].queryset = Touchpoint.objects.order_by("name")

    @classmethod
    def initial_of(cls, rule) -> dict:
        return {"name": rule.name, "team": rule.team_id, "tags": [t.pk for t in rule.tags.all()],
                "keywords": rule.keywords, "source": rule.source, "programme": rule.programme_id,
                "touchpoint": rule.touchpoint_id, "kind": rule.kind, "language": rule.language, "active": rule.active}

    def rule_fields(self) -> dict:
        """The valid form as the keyword arguments of feedback.routing_services (save, try): what
        the rules page and the REST API both pass."""
        data = dict(self.cleaned_data)
        data["tags"] = list(data.get("tags") or [])
        return data


class RerouteForm(forms.Form):
    team = IdChoiceField(label=_("Give it to the team"), queryset=Team.objects.none(), empty_label="—")
    note = forms.CharField(label=_("Why"), required=False, strip=False,
                           help_text=_("Kept with the routing history, for staff only."),
                           widget=forms.TextInput(attrs={"maxlength": 500}))
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.order_by("name")
        self.fields["team"].queryset = teams.exclude(pk=item.team_id) if item is not None and item.team_id else teams
        if item is not None and not self.is_bound:
            self.initial["version"] = item.version

    def clean_version(self):
        # The version the person saw; a tampered one only loses them the conflict check.
        return parse_id(self.cleaned_data.get("version"))


class ReapplyForm(forms.Form):
    override_manual = forms.BooleanField(
        label=_("Override manual choices"), required=False,
        help_text=_("Also move feedback that someone re-routed by hand."),
    )

# --- The team inbox ------------------------------------------------------------------------------


class InboxStatusForm(ItemStatusForm):
    """The status form of the inbox's item view: who signs the answer, and the version the person
    saw (a change made meanwhile by a colleague is named, never overwritten)."""

    show_name = forms.BooleanField(
        label=_("Show my name with the team's"), required=False,
        help_text=_("Off: the customer sees the team's name only."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**62)


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**62)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        self.fields["assignee"].choices = [("", _("Nobody")), *[(pk, m.public_name) for pk, m in self.members.items()]]

    def clean_assignee(self):
        return self.members.get(self.cleaned_data["assignee"])


class WatchersForm(forms.Form):
    watchers = IdsField(
        label=_("Watching teams"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text=_("They read this feedback and write internal notes; only the owning team answers."),
    )

    def __init__(self, *args, item, **kwargs):
        from community.models import Team

        super().__init__(*args, **kwargs)
        queryset = Team.objects.order_by("name")
        if item.team_id:
            queryset = queryset.exclude(pk=item.team_id)
        self.fields["watchers"].queryset = queryset


class BulkForm(forms.Form):
    """The inbox's bulk actions on the ticked rows (values "<id>.<version>")."""

    ACTIONS = [("assign", _("Assign")), ("acknowledge", _("Acknowledge")), ("tag", _("Add tag"))]
    MAX_ITEMS = 200

    action = forms.ChoiceField(label=_("With the selected"), choices=ACTIONS)
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    tag = forms.ModelChoiceField(label=_("Tag"), required=False, queryset=Tag.objects.order_by("slug"),
                                 to_field_name="slug", empty_label=_("Which tag?"))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        self.fields["assignee"].choices = [("", _("Nobody")), *[(pk, m.public_name) for pk, m in self.members.items()]]
        self.fields["tag"].label_from_instance = lambda tag: tag.name
        self.picked = self._picked(self.data.getlist("item") if hasattr(self.data, "getlist") else [])

    @classmethod
    def _picked(cls, values) -> dict:
        """{item id: version seen}; malformed values are dropped, never an error."""
        from community.inputs import parse_id

        picked = {}
        for value in values[: cls.MAX_ITEMS]:
            pk, _dot, version = str(value).partition(".")
            pk, version = parse_id(pk), parse_id(version)
            if pk and version:
                picked[pk] = version
        return picked

    def clean(self):
        data = super().clean()
        if not self.picked:
            raise forms.ValidationError(_("Tick the feedback you want to change first."))
        if data.get("action") == "tag" and not data.get("tag"):
            self.add_error("tag", _("Choose the tag to add."))
        data["assignee"] = self.members.get(data.get("assignee") or "")
        return data
