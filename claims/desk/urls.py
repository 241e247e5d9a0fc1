"""The desk, under /desk/ (login)."""

from __future__ import annotations

from django.urls import path

from claims.desk.views import (
    articles,
    claimants,
    claims,
    dashboard,
    editing,
    exports,
    notifications,
    partners,
    people,
    policy,
    queues,
    sources,
    suggestions,
)

app_name = "desk"

urlpatterns = [
    path("", queues.my_queue, name="my_queue"),
    path("claims/", queues.team_queue, name="team_queue"),
    path("claims/bulk/", queues.team_queue_bulk, name="team_queue_bulk"),
    path("claims/export.csv", exports.team_queue_csv, name="team_queue_csv"),
    path("verdicts.csv", exports.published_csv, name="published_csv"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("claims/new/", claims.claim_new, name="claim_new"),
    path("claims/similar/", claims.similar_claims, name="similar_claims"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim"),
    path("claims/<int:pk>/edit/", editing.claim_edit, name="claim_edit"),
    path("claims/<int:pk>/evidence/<int:evidence_pk>/edit/", editing.evidence_edit, name="evidence_edit"),
    path("claims/<int:pk>/act/<slug:action>/", claims.claim_transition, name="claim_transition"),
    path("claims/<int:pk>/evidence/", claims.claim_evidence, name="claim_evidence"),
    path(
        "claims/<int:pk>/evidence/<int:evidence_pk>/remove/",
        claims.claim_evidence_remove,
        name="claim_evidence_remove",
    ),
    path("claims/<int:pk>/evidence/<int:evidence_pk>/", claims.evidence_item, name="evidence_item"),
    path("claims/<int:pk>/evidence/<int:evidence_pk>/refetch/", claims.evidence_refetch, name="evidence_refetch"),
    path(
        "claims/<int:pk>/evidence/<int:evidence_pk>/hand-check/",
        claims.evidence_hand_check,
        name="evidence_hand_check",
    ),
    path("claims/<int:pk>/conflict/", claims.claim_conflict, name="claim_conflict"),
    path("settings/", policy.desk_settings, name="settings"),
    path("claims/<int:pk>/verdict/", claims.claim_verdict, name="claim_verdict"),
    path("claims/<int:pk>/comment/", claims.claim_comment, name="claim_comment"),
    path("claims/<int:pk>/activity/", claims.claim_activity, name="claim_activity"),
    path("sources/<int:pk>/", sources.source_detail, name="source"),
    path("sources/<int:pk>/snapshot/", sources.source_snapshot, name="source_snapshot"),
    path("claimants/", claimants.claimant_list, name="claimants"),
    path("suggestions/", suggestions.suggestion_list, name="suggestions"),
    path("suggestions/<int:pk>/<slug:action>/", suggestions.suggestion_act, name="suggestion_act"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/count/", notifications.notification_count, name="notification_count"),
    path("notifications/read/", notifications.notification_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path("me/", people.me, name="me"),
    path("people/<str:username>/", people.person, name="person"),
    path("articles/", articles.article_list, name="article_list"),
    path("articles/new/", articles.article_new, name="article_new"),
    path("articles/<int:pk>/", articles.article_detail, name="article"),
    path("articles/<int:pk>/edit/", editing.article_edit, name="article_edit"),
    path("articles/<int:pk>/refetch/", articles.article_refetch, name="article_refetch"),
    path("articles/<int:pk>/sentences/<int:start>/", articles.article_sentence, name="article_sentence"),
    path(
        "articles/<int:pk>/sentences/<int:start>/claim/",
        articles.article_sentence_claim,
        name="article_sentence_claim",
    ),
    path("partners/", partners.partner_list, name="partners"),
    path("partners/<int:pk>/refresh/", partners.partner_refresh, name="partner_refresh"),
    path("partners/<int:pk>/delete/", partners.partner_delete, name="partner_delete"),
]
