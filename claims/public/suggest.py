"""Readers suggest a claim to check: one form, protected without any third
party: a honeypot field, a limit per address, size limits, and the link
checked by the same guard as every URL the desk cites."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from claims import limits
from claims.models import Suggestion
from claims.sources.fields import FetchableURLField


class SuggestionForm(forms.ModelForm):
    text = forms.CharField(
        label=_("The claim, as it was said"),
        max_length=settings.SUGGESTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    url = FetchableURLField(label=_("Link (optional)"), required=False)
    why = forms.CharField(
        label=_("Why does it matter? (optional)"),
        required=False,
        max_length=settings.SUGGESTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # A field people never see (the stylesheet hides it, the keyboard skips
    # it, its label says to leave it): bots fill in every field.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Suggestion
        fields = ("text", "appeared", "url", "why", "email")
        labels = {"appeared": _("Where did it appear? (optional)"), "email": _("Your email (optional)")}
        help_texts = {
            "appeared": _("A newspaper, a speech, a post, a video…"),
            "email": _("Only to tell you when we publish a verdict; then we delete it. Never shown to anyone."),
        }

    @property
    def is_a_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


@require_http_methods(["GET", "POST"])
def suggest(request: HttpRequest) -> HttpResponse:
    form = SuggestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if limits.over_limit(request, "suggest"):
            form.add_error(None, limits.refusal("suggest"))
            status = 429
        elif form.is_valid():
            # A bot is thanked like anyone else, and nothing is kept.
            if not form.is_a_bot:
                form.save()
            return redirect("public:suggest_thanks")
        else:
            status = 422
    return render(request, "public/suggest.html", {**_site(), "form": form}, status=status)


@require_safe
def suggest_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "public/suggest_thanks.html", _site())


def _site() -> dict[str, str]:
    return {"organization_name": settings.ORGANIZATION_NAME, "organization_url": settings.ORGANIZATION_URL}
