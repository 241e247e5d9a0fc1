"""The admin's form for a partner's webhook."""

from __future__ import annotations

from django import forms

from claims.models import Webhook
from claims.sources.fields import FetchableURLField


class WebhookForm(forms.ModelForm):
    # Deliveries go through the guarded fetcher too; this is the early word.
    url = FetchableURLField()

    class Meta:
        model = Webhook
        fields = ("url", "description", "active")
