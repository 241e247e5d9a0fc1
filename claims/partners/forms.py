"""The editors' form to add a partner source: every address checked by the
guard as it is typed, so a private or malformed one is refused at the form,
with the guard's own words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.models import PartnerSource
from claims.sources.guard import BlockedURL, check_url

# A week at most between refreshes; at least an hour, so a partner is not asked too often.
MAX_REFRESH_HOURS = 24 * 7


class PartnerSourceForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (PartnerSource.Kind.VERDICTS_JSON, PartnerSource.Kind.VERDICTS_JSON.label),
            (PartnerSource.Kind.CLAIMREVIEW_PAGES, PartnerSource.Kind.CLAIMREVIEW_PAGES.label),
        ],
    )
    urls = forms.CharField(
        label=_("Addresses"),
        help_text=_("The feed's first page, or each page with ClaimReview markup, one a line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    refresh_hours = forms.IntegerField(
        label=_("Refresh every (hours)"), min_value=1, max_value=MAX_REFRESH_HOURS, initial=24
    )

    class Meta:
        model = PartnerSource
        fields = ["name", "kind", "urls", "refresh_hours"]
        labels = {"name": _("Name")}

    def clean_urls(self) -> str:
        urls = [line.strip() for line in self.cleaned_data["urls"].splitlines() if line.strip()]
        if not urls:
            raise forms.ValidationError(gettext("Give at least one address."))
        if len(urls) > settings.PARTNER_MAX_PAGE_URLS:
            too_many = gettext("At most %(limit)d addresses a source; split them into several sources.")
            raise forms.ValidationError(too_many % {"limit": settings.PARTNER_MAX_PAGE_URLS})
        for url in urls:
            try:
                check_url(url)
            except BlockedURL as refused:
                raise forms.ValidationError(f"{url[:100]}: {refused}", code="refused") from None
        return "\n".join(urls)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        urls = cleaned.get("urls", "")
        if cleaned.get("kind") == PartnerSource.Kind.VERDICTS_JSON and "\n" in urls:
            self.add_error("urls", gettext("A feed has one address: its first page (the others are followed)."))
        return cleaned
