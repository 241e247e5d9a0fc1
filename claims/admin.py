from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from claims.models import (
    Activity,
    Article,
    Claim,
    Claimant,
    Evidence,
    Rating,
    SecurityEvent,
    Source,
    Verdict,
    Webhook,
    WebhookDelivery,
)
from claims.sources.fields import FetchableURLField
from claims.webhooks.forms import WebhookForm


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("label", "order", "value", "colour", "retired")
    list_editable = ("order", "value", "colour", "retired")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Verdicts keep their rating for ever: retire a rating instead.
        return False


class ArticleAdminForm(forms.ModelForm):
    url = FetchableURLField(required=False)

    class Meta:
        model = Article
        fields = ("title", "outlet", "url", "author", "published_on", "body", "source", "created_by", "created_at")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    raw_id_fields = ("source", "created_by")
    list_display = ("title", "outlet", "published_on", "created_at")
    search_fields = ("title", "outlet", "url")


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("text", "claimant", "state", "assignee", "priority", "due_on")
    list_select_related = ("assignee",)
    list_filter = ("state", "priority")
    search_fields = ("text", "claimant", "slug")
    raw_id_fields = ("article", "created_by")
    # The workflow changes state, with its checks and its log; not a form.
    readonly_fields = (
        "state",
        "assignee",
        "reviewer",
        "revision",
        "slug",
        "claimant",
        "speaker",
        "published_at",
        "retracted_at",
        "retraction_note",
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A claim's log is kept for ever: reject or retract it instead.
        return False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("url", "status", "http_status", "fetched_at", "attempts")
    list_filter = ("status",)
    search_fields = ("url", "title")


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("claim", "source", "stance", "quote_check", "created_at")
    list_select_related = ("claim", "source")
    raw_id_fields = ("claim", "source", "added_by")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ("claim", "version", "rating", "published_at")
    list_select_related = ("claim", "rating")


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("claim", "actor", "action", "from_state", "to_state", "created_at")
    list_select_related = ("claim", "actor")
    list_filter = ("action",)


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    """Superusers only: it holds people's addresses."""

    list_display = ("created_at", "kind", "username", "ip_address", "method", "path", "note")
    list_filter = ("kind",)
    search_fields = ("username", "ip_address", "path")
    date_hierarchy = "created_at"


@admin.register(Claimant)
class ClaimantAdmin(admin.ModelAdmin):
    list_display = ("name", "merged_into", "created_at")
    list_select_related = ("merged_into",)
    search_fields = ("name", "key")
    readonly_fields = ("key", "merged_into")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The delivery log, paginated and filtered by webhook (an inline on the
    webhook's page would list every delivery it ever had)."""

    list_display = ("event", "webhook", "claim", "status", "http_status", "attempts", "created_at", "delivered_at")
    list_filter = ("status", "event", "webhook")
    list_select_related = ("webhook", "claim")


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ("url", "description", "active", "created_at")
    readonly_fields = ("secret", "deliveries")

    @admin.display(description="Deliveries")
    def deliveries(self, webhook: Webhook) -> str:
        if webhook.pk is None:
            return "—"
        url = reverse("admin:claims_webhookdelivery_changelist") + f"?webhook__id__exact={webhook.pk}"
        return format_html('<a href="{}">The delivery log</a>', url)

    def save_model(self, request: HttpRequest, obj: Webhook, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
