"""The desk, under /desk/ (login)."""

from __future__ import annotations

from django.urls import path

from claims.desk.views import articles, claimants, claims, dashboard, queues, sources, suggestions

app_name = "desk"

urlpatterns = [
    path("", queues.my_queue, name="my_queue"),
    path("claims/", queues.team_queue, name="team_queue"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("claims/new/", claims.claim_new, name="claim_new"),
    path("claims/similar/", claims.similar_claims, name="similar_claims"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim"),
    path("claims/<int:pk>/act/<slug:action>/", claims.claim_transition, name="claim_transition"),
    path("claims/<int:pk>/evidence/", claims.claim_evidence, name="claim_evidence"),
    path(
        "claims/<int:pk>/evidence/<int:evidence_pk>/remove/",
        claims.claim_evidence_remove,
        name="claim_evidence_remove",
    ),
    path("claims/<int:pk>/evidence/<int:evidence_pk>/", claims.evidence_item, name="evidence_item"),
    path("claims/<int:pk>/evidence/<int:evidence_pk>/refetch/", claims.evidence_refetch, name="evidence_refetch"),
    path("claims/<int:pk>/verdict/", claims.claim_verdict, name="claim_verdict"),
    path("claims/<int:pk>/comment/", claims.claim_comment, name="claim_comment"),
    path("claims/<int:pk>/activity/", claims.claim_activity, name="claim_activity"),
    path("sources/<int:pk>/", sources.source_detail, name="source"),
    path("sources/<int:pk>/snapshot/", sources.source_snapshot, name="source_snapshot"),
    path("claimants/", claimants.claimant_list, name="claimants"),
    path("suggestions/", suggestions.suggestion_list, name="suggestions"),
    path("suggestions/<int:pk>/<slug:action>/", suggestions.suggestion_act, name="suggestion_act"),
    path("articles/", articles.article_list, name="article_list"),
    path("articles/new/", articles.article_new, name="article_new"),
    path("articles/<int:pk>/", articles.article_detail, name="article"),
    path("articles/<int:pk>/refetch/", articles.article_refetch, name="article_refetch"),
    path("articles/<int:pk>/sentences/<int:start>/", articles.article_sentence, name="article_sentence"),
    path(
        "articles/<int:pk>/sentences/<int:start>/claim/",
        articles.article_sentence_claim,
        name="article_sentence_claim",
    ),
]
