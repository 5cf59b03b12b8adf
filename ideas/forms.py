"""HTML forms for idea boards. They check input with the services' own check_* functions, so a
rule's wording exists once; the services validate again when they write."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.inputs import parse_id
from ideas import services

MARKDOWN_HINT = _("Markdown works: **bold**, *italic*, - lists, > quotes and [links](https://…).")


def _textarea(rows: int, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def _empty_message(check, **kwargs) -> str:
    """What a service check says about empty input, so a required field says the same words."""
    try:
        check("", **kwargs)
    except ValidationError as error:
        return error.messages[0]
    return ""


def _require_like(field, check, **kwargs) -> None:
    field.error_messages["required"] = _empty_message(check, **kwargs)


def _language_field() -> forms.ChoiceField:
    """What a member's text is written in: detected when left empty, correctable by the author."""
    return forms.ChoiceField(
        label=_("Written in"),
        required=False,
        choices=[("", _("Detect from the text")), *settings.LANGUAGES],
        help_text=_("Readers filter ideas by language, and screen readers pronounce your text in it."),
    )


class IdeaForm(forms.Form):
    """Post or edit an idea. `confirmed` is set once the member has seen similar ideas."""

    title = forms.CharField(
        label=_("Title"),
        # No maxlength attribute: a browser would cut a pasted title silently; the check says why.
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "true"}),
        strip=False,
    )
    body = forms.CharField(
        label=_("Description"),
        required=False,
        help_text=MARKDOWN_HINT,
        widget=_textarea(8, placeholder=_("What would it change for you? When would you use it?")),
        strip=False,
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    language = _language_field()
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        _require_like(self.fields["title"], services.check_title)
        # Formatted here, per request: a lazy string formatted at import would stay in English.
        self.fields["title"].help_text = gettext(
            "One sentence that says what you would like, in %(min)s–%(max)s characters."
        ) % {"min": services.TITLE_MIN, "max": services.TITLE_MAX}
        tags = board.offered_tags.all()
        if tags:
            self.fields["tags"].queryset = tags
        else:
            del self.fields["tags"]

    def clean_title(self):
        return services.check_title(self.cleaned_data["title"])

    def clean_body(self):
        return services.check_text(self.cleaned_data["body"], maximum=services.BODY_MAX, required=False)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), help_text=MARKDOWN_HINT, widget=_textarea(4), strip=False)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require_like(
            self.fields["body"],
            services.check_text,
            maximum=services.COMMENT_MAX,
            required=True,
            what=_("a comment"),
        )

    def clean_body(self):
        return services.check_text(
            self.cleaned_data["body"], maximum=services.COMMENT_MAX, required=True, what=_("a comment")
        )


class CommentEditForm(CommentForm):
    """Editing a comment also lets its author correct the language it was detected in."""

    language = _language_field()


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it withdrawn?"),
        required=False,
        help_text=_("Shown on the idea and sent to its author, voters and followers. Staff must give a reason."),
        widget=_textarea(3),
    )

    def clean_reason(self):
        return services.check_text(self.cleaned_data["reason"], maximum=services.RESPONSE_MAX, required=False)


def _response(required: bool, label, help_text=""):
    return forms.CharField(
        label=label, required=required, help_text=help_text or MARKDOWN_HINT, widget=_textarea(4), strip=False
    )


def _check_response(value: str, *, required: bool, what) -> str:
    return services.check_text(
        value, maximum=services.RESPONSE_MAX, required=required, minimum=services.RESPONSE_MIN, what=what
    )


class StatusForm(forms.Form):
    """Staff move an idea; the choices are the statuses the workflow allows from here."""

    status = forms.ChoiceField(label=_("New status"))
    response = _response(True, _("Public response"), _("Everyone who voted or follows the idea gets it."))
    show_name = forms.BooleanField(
        label=_("Show my name with the team's"), required=False,
        help_text=_("Off: the customer sees the team's name only."),
    )

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        _require_like(self.fields["response"], _check_response, required=True, what=_("a response"))
        self.statuses = {s.slug: s for s in statuses}
        self.fields["status"].choices = [(s.slug, s.label) for s in statuses]

    def clean_response(self):
        return _check_response(self.cleaned_data["response"], required=True, what=_("a response"))

    def clean_status(self):
        return self.statuses[self.cleaned_data["status"]]


IDEA_REFERENCE = re.compile(r"(?:^|/idea/)(\d+)(?:[/-]|$)")


class MergeForm(forms.Form):
    target = forms.CharField(
        label=_("Merge into idea"),
        help_text=_("The number or the link of the idea this one duplicates."),
        max_length=500,
    )
    response = _response(False, _("Message to voters"), _("Optional. Their votes move to the other idea."))

    def clean_target(self):
        """The idea the reference names; the merge rule then decides whether it may be the target."""
        from ideas.queries import get_idea

        match = IDEA_REFERENCE.search(self.cleaned_data["target"].strip())
        number = parse_id(match.group(1)) if match else None
        if number is None:
            raise ValidationError(_("Enter the idea's number (like 42) or its link."))
        target = get_idea(number)
        if target is None:
            raise ValidationError(_("There is no idea number %(n)s.") % {"n": number})
        return target

    def clean_response(self):
        return _check_response(self.cleaned_data["response"], required=False, what=_("a response"))


class RejectForm(forms.Form):
    response = _response(True, _("Reason for the author"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require_like(self.fields["response"], _check_response, required=True, what=_("a reason"))

    def clean_response(self):
        return _check_response(self.cleaned_data["response"], required=True, what=_("a reason"))


class VoteForForm(forms.Form):
    """A vote staff record for a customer who asked for the idea by phone, in a shop or chat."""

    CHANNELS = [
        ("phone", _("Phone call")),
        ("shop", _("Shop visit")),
        ("chat", _("Chat")),
        ("email", _("E-mail")),
        ("other", _("Other")),
    ]
    email = forms.EmailField(label=_("Customer's e-mail address"))
    via = forms.ChoiceField(label=_("Where they asked"), choices=CHANNELS)
