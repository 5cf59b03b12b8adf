"""HTML forms for beta programmes and feedback. The services validate and decide; the forms only
shape the input and keep what the member typed when a service refuses it."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from feedback.models import Status, Tag, Thread

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
