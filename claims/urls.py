from __future__ import annotations

from django.urls import path

from claims import views

app_name = "desk"

urlpatterns = [
    path("", views.my_queue, name="my_queue"),
    path("claims/", views.team_queue, name="team_queue"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/act/<slug:action>/", views.claim_transition, name="claim_transition"),
    path("claims/<int:pk>/evidence/", views.claim_evidence, name="claim_evidence"),
    path(
        "claims/<int:pk>/evidence/<int:evidence_pk>/remove/",
        views.claim_evidence_remove,
        name="claim_evidence_remove",
    ),
    path("claims/<int:pk>/evidence/<int:evidence_pk>/", views.evidence_item, name="evidence_item"),
    path("claims/<int:pk>/evidence/<int:evidence_pk>/refetch/", views.evidence_refetch, name="evidence_refetch"),
    path("sources/<int:pk>/", views.source_detail, name="source"),
    path("sources/<int:pk>/snapshot/", views.source_snapshot, name="source_snapshot"),
    path("claims/<int:pk>/verdict/", views.claim_verdict, name="claim_verdict"),
    path("claims/<int:pk>/comment/", views.claim_comment, name="claim_comment"),
    path("claimants/", views.claimant_list, name="claimants"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/new/", views.article_new, name="article_new"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/refetch/", views.article_refetch, name="article_refetch"),
]
