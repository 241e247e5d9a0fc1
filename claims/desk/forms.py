"""The desk's forms: input limits and wording for people; the rules they feed
live in the models and the workflow."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims import workflow
from claims.desk.widgets import PlainSelect
from claims.models import Article, Claim, Claimant, DeskPolicy, Evidence, Notification, Profile, Rating
from claims.models.people import validate_time_zone
from claims.params import MAX_ID
from claims.search_matches import Search
from claims.sources.fields import FetchableURLField

# A long speech transcript runs to about 100,000 characters; anything much
# larger is a paste gone wrong and would make every page that shows it slow.
MAX_BODY_CHARS = 200_000
MAX_CLAIM_CHARS = 2_000
MAX_NOTE_CHARS = 10_000
MAX_EXPLANATION_CHARS = 20_000


def desk_users() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(
            Q(groups__name__in=[workflow.CHECKERS_GROUP, workflow.EDITORS_GROUP]) | Q(is_superuser=True),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    widget = PlainSelect

    def label_from_instance(self, obj: Any) -> str:
        return workflow.display_name(obj)

    def offer(self, people: Iterable[Any]) -> None:
        """List these people (read once for all the page's forms) rather than
        reading the queryset again. A post still validates against the
        queryset."""
        self.choices = [("", self.empty_label), *((person.pk, self.label_from_instance(person)) for person in people)]


def _max_chars(value: str, limit: int, what: str) -> str:
    if len(value) > limit:
        raise forms.ValidationError(
            gettext("%(what)s is %(length)s characters long; the limit is %(limit)s.")
            % {"what": what, "length": f"{len(value):,}", "limit": f"{limit:,}"}
        )
    return value


def _not_in_past(value: Any) -> Any:
    if value and value < timezone.localdate():
        raise forms.ValidationError(gettext("The due date is in the past."))
    return value


def _not_in_future(value: Any) -> Any:
    if value and value > timezone.localdate():
        raise forms.ValidationError(gettext("The publication date is in the future."))
    return value


class ArticleForm(forms.ModelForm):
    url = FetchableURLField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = gettext("Leave it blank to take it from the page at the URL.")
        # Kept exactly as pasted (the model keeps it beside the cleaned text).
        self.fields["body"].strip = False

    class Meta:
        model = Article
        fields = ("title", "outlet", "url", "author", "published_on", "body")
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "body": forms.Textarea(attrs={"rows": 12}),
        }
        labels = {"published_on": _("Published on"), "body": _("Text")}
        help_texts = {
            "body": _(
                "Paste the story, transcript or post, or give its URL: a worker fetches the page and fills in "
                "what you leave blank. Lines of the web page around the story (adverts, share buttons) are set aside; "
                "the article's page lists them."
            )
        }

    def clean_body(self) -> str:
        return _max_chars(self.cleaned_data["body"], MAX_BODY_CHARS, _("The text"))

    def clean_published_on(self) -> Any:
        return _not_in_future(self.cleaned_data["published_on"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("title") and not cleaned.get("url") and "url" not in self.errors:
            self.add_error("title", gettext("Give a title, or the article's URL to take it from the page."))
        return cleaned


class ClaimForm(forms.ModelForm):
    class Meta:
        model = Claim
        fields = ("text", "claimant", "article", "priority", "due_on")
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "due_on": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"text": _("Claim, as said"), "claimant": _("Who said it"), "due_on": _("Due on")}

    def __init__(self, *args: Any, article: Article | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if article is not None:
            # Added from the article's own page: the article is given.
            del self.fields["article"]
        else:
            # The most recent articles only: an older one adds its claims from
            # its own page, so the drop-down stays small at any size.
            recent = Article.objects.order_by("-created_at", "-pk").values("pk")[: settings.DESK_RECENT_LIMIT]
            self.fields["article"].queryset = (
                Article.objects.filter(pk__in=recent).only("pk", "title").order_by("-created_at")
            )
            self.fields["article"].help_text = gettext(
                "Recent articles; for an older one, add the claim from its page."
            )
            self.fields["article"].required = False

    def clean_text(self) -> str:
        return _max_chars(self.cleaned_data["text"].strip(), MAX_CLAIM_CHARS, _("The claim"))

    def clean_due_on(self) -> Any:
        return _not_in_past(self.cleaned_data["due_on"])


class SentenceClaimForm(ClaimForm):
    """A claim from a spotted sentence of the article: the claim form, with
    the sentence the page showed sent back, so a form drawn from another text
    of the article is refused rather than saved against the wrong sentence."""

    # Not required: a form without it is refused by the model as stale, with
    # that message, instead of as an error on a field nobody can see.
    sentence = forms.CharField(widget=forms.HiddenInput, strip=False, required=False)

    def claim_fields(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "sentence"}


class EvidenceForm(forms.ModelForm):
    url = FetchableURLField(required=False, help_text=_("A web page or PDF to cite."))

    class Meta:
        model = Evidence
        fields = ("url", "offline_source", "quote", "note", "stance")
        widgets = {"quote": forms.Textarea(attrs={"rows": 3}), "note": forms.Textarea(attrs={"rows": 2})}
        labels = {"offline_source": _("Or an offline source"), "quote": _("Quoted passage")}

    def clean_quote(self) -> str:
        return _max_chars(self.cleaned_data["quote"], MAX_NOTE_CHARS, _("The quote"))

    def clean_note(self) -> str:
        return _max_chars(self.cleaned_data["note"], MAX_NOTE_CHARS, _("The note"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("url") and not data.get("offline_source", "").strip() and "url" not in self.errors:
            raise forms.ValidationError(
                gettext("Give a URL or describe the offline source (an interview, a document).")
            )
        return data


class VerdictForm(forms.Form):
    rating = forms.ModelChoiceField(
        queryset=Rating.objects.filter(retired=False),
        error_messages={"invalid_choice": _("Choose a rating from the scale.")},
        widget=PlainSelect,  # on the claim page, twice when a correction is offered
    )
    summary = forms.CharField(max_length=300, help_text=_("One sentence a reader sees first."))
    explanation = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_explanation(self) -> str:
        return _max_chars(self.cleaned_data["explanation"], MAX_EXPLANATION_CHARS, _("The explanation"))


class CommentForm(forms.Form):
    text = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 2}))

    def clean_text(self) -> str:
        return _max_chars(self.cleaned_data["text"], MAX_NOTE_CHARS, _("The comment"))


class TransitionForm(forms.Form):
    """Any action: the state the page showed (to catch stale pages), a note,
    and for some actions a person."""

    state = forms.ChoiceField(choices=workflow.State.choices, widget=forms.HiddenInput)
    revision = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    person = PersonChoiceField(queryset=desk_users(), required=False)
    original = forms.IntegerField(
        label=_("Duplicate of claim number"), required=False, min_value=1, max_value=MAX_ID, widget=forms.NumberInput
    )

    def clean_note(self) -> str:
        return _max_chars(self.cleaned_data["note"], MAX_NOTE_CHARS, _("The note"))

    def offer_people(self, people: list[Any] | None, unfit: Iterable[int] = ()) -> list[Any]:
        """Offer these people (read once per page for all its forms) but the
        `unfit` the action would refuse (the claim's researchers as its
        reviewer, anyone who declared a conflict); the list, read now if not
        given. A post still validates against the queryset, and the workflow
        refuses the unfit."""
        people = list(self.fields["person"].queryset) if people is None else people
        unfit = frozenset(unfit)
        self.fields["person"].offer(person for person in people if person.pk not in unfit)
        return people

    def clean_original(self) -> Claim | None:
        number = self.cleaned_data["original"]
        if number is None:
            return None
        original = Claim.objects.filter(pk=number).first()
        if original is None:
            raise forms.ValidationError(gettext("There is no claim number %(number)s.") % {"number": number})
        return original

    def params(self) -> workflow.Params:
        return workflow.Params(
            note=self.cleaned_data["note"].strip(),
            person=self.cleaned_data["person"],
            original=self.cleaned_data["original"],
        )


class CorrectionForm(TransitionForm):
    """The `correct` action also carries the new verdict version."""

    rating = VerdictForm.base_fields["rating"]
    summary = VerdictForm.base_fields["summary"]
    explanation = VerdictForm.base_fields["explanation"]

    def params(self) -> workflow.Params:
        verdict = {key: self.cleaned_data[key] for key in ("rating", "summary", "explanation")}
        return workflow.Params(note=self.cleaned_data["note"].strip(), verdict=verdict)


class ReasonForm(forms.Form):
    """Why: a conflict of interest declared, a quote checked by hand."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reason(self) -> str:
        return _max_chars(self.cleaned_data["reason"], MAX_NOTE_CHARS, _("The reason"))


class DeskPolicyForm(forms.ModelForm):
    class Meta:
        model = DeskPolicy
        fields = DeskPolicy.EDITABLE


# Searches become LIKE patterns, which SQLite refuses past 50,000 bytes (a
# pasted page in the search box answered 500); the public search keeps as many.
MAX_SEARCH_CHARS = 200


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_SEARCH_CHARS)
    # A search looks in every state (a claim published last year is what
    # someone searches for); the queue itself is the open work.
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Any open state (any state when searching)")), *workflow.State.choices],
        required=False,
        widget=PlainSelect,
    )
    assignee = PersonChoiceField(label=_("Assignee"), queryset=desk_users(), required=False, empty_label=_("Anyone"))
    claimant = forms.CharField(label=_("Claimant"), required=False, max_length=MAX_SEARCH_CHARS)
    # An id, not a drop-down of every article: the article page links here.
    article = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", _("Any")), *Claim.Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=PlainSelect,
    )
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[("", _("Priority, then due date")), ("demand", _("Most asked for by readers"))],
        required=False,
        widget=PlainSelect,
    )

    def search(self, claims: Any) -> Search | None:
        """The list's search for its text, None with no text."""
        self.is_valid()
        q = (getattr(self, "cleaned_data", {}).get("q") or "").strip()
        return Search(self.listed(claims), q) if q else None

    def counted_states(self) -> list[str] | None:
        """The states the list holds when nothing else filters it (its count
        is kept: claims.models.claim_counts); None when something does."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if any(data.get(name) for name in self.fields if name not in ("state", "sort")):
            return None
        return [data["state"]] if data.get("state") else list(workflow.OPEN_STATES)

    def filter(self, claims: Any) -> Any:
        """Apply the filters that are valid; an invalid one shows its error and
        is left out, rather than dropping every filter."""
        search = self.search(claims)
        return search.found if search else self.listed(claims)

    def listed(self, claims: Any) -> Any:
        """Every valid filter but the search text, in the list's order."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # unbound: no filters
        if data.get("state"):
            claims = claims.filter(state=data["state"])
        elif not (data.get("q") or "").strip():
            claims = claims.open()
        if data.get("assignee"):
            claims = claims.filter(assignee=data["assignee"])
        if data.get("claimant"):
            claims = claims.filter(claimant__icontains=data["claimant"])
        if data.get("article"):
            claims = claims.filter(article_id=data["article"])
        if data.get("priority"):
            claims = claims.filter(priority=data["priority"])
        if data.get("overdue"):
            claims = claims.overdue()
        return claims.by_demand() if data.get("sort") == "demand" else claims.queue_order()


class ClaimantMergeForm(forms.Form):
    merge = forms.ModelChoiceField(queryset=Claimant.objects.filter(merged_into=None), label="Merge")
    into = forms.ModelChoiceField(queryset=Claimant.objects.filter(merged_into=None), label="into")

    def __init__(self, *args: Any, offered: Iterable[Claimant] = (), **kwargs: Any) -> None:
        """`offered`: the claimants the drop-downs list (the page of the list
        the editor is on, a search narrows it); any unmerged one validates."""
        super().__init__(*args, **kwargs)
        choices = [("", "---------"), *((c.pk, str(c)) for c in offered)]
        self.fields["merge"].choices = self.fields["into"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("merge") and data.get("merge") == data.get("into"):
            raise forms.ValidationError(gettext("Choose two different claimants."))
        return data


class AttachSuggestionForm(forms.Form):
    claim = forms.IntegerField(label=_("Claim number"), min_value=1, max_value=MAX_ID)

    def clean_claim(self) -> Claim:
        number = self.cleaned_data["claim"]
        claim = Claim.objects.filter(pk=number).first()
        if claim is None:
            raise forms.ValidationError(gettext("There is no claim number %(number)s.") % {"number": number})
        return claim


class DismissSuggestionForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), required=False, max_length=300)


class ProfileForm(forms.Form):
    """A person's own settings: their time zone, and the emails they get."""

    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        required=False,
        help_text=_("Dates on the desk show in this zone. Leave it empty for the desk's own."),
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    emails = forms.MultipleChoiceField(
        label=_("Email me when"),
        choices=Notification.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every notification shows under the bell; these also come by email."),
    )

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        validate_time_zone(value)
        return value

    @classmethod
    def for_profile(cls, profile: Profile, data: Any = None) -> ProfileForm:
        initial = {
            "time_zone": profile.time_zone,
            "emails": [kind for kind in Notification.Kind.values if profile.wants_email(kind)],
        }
        return cls(data, initial=initial)

    def save_to(self, profile: Profile) -> Profile:
        profile.time_zone = self.cleaned_data["time_zone"]
        wanted = set(self.cleaned_data["emails"])
        profile.email_off = [kind for kind in Notification.Kind.values if kind not in wanted]
        profile.save()
        return profile


class OutletForm(forms.Form):
    """An outlet to watch (editors): its feed's or sitemap's address, a name
    and how often to poll it."""

    name = forms.CharField(max_length=200, label=_("Name"))
    url = FetchableURLField(label=_("Feed or sitemap URL"), help_text=_("An RSS, Atom or JSON Feed, or a sitemap."))
    every = forms.IntegerField(
        label=_("Poll every (minutes)"),
        initial=settings.OUTLET_DEFAULT_INTERVAL,
        min_value=settings.OUTLET_MIN_INTERVAL,
        max_value=settings.OUTLET_MAX_INTERVAL,
    )
