"""The public site, at the root: verdicts, their feeds and bundles, claimants,
stored copies of cited sources, the JSON and the sitemap."""

from __future__ import annotations

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.http import require_safe

from claims.public import feeds, suggest
from claims.public import views as public_views
from claims.public.sitemaps import section as sitemap_section
from claims.public.sitemaps import sitemaps
from claims.public.views import conditional_on_public

app_name = "public"

urlpatterns = [
    path("verdicts/", public_views.verdict_list, name="verdicts"),
    path("verdicts.json", public_views.verdicts_json, name="verdicts_json"),
    # Before the verdict pattern; claim slugs end in a random tail, so none is "feed".
    path("verdicts/feed/", feeds.rss, name="feed"),
    path("verdicts/atom/", feeds.atom, name="atom"),
    path("verdicts/<slug:slug>/", public_views.verdict_detail, name="verdict"),
    path("verdicts/<slug:slug>/v/<int:version>/", public_views.verdict_version, name="verdict_version"),
    path("verdicts/<slug:slug>/bundle.zip", public_views.verdict_bundle, name="bundle"),
    path("claimants/<slug:slug>/", public_views.claimant_detail, name="claimant"),
    path("sources/<int:pk>/snapshot/", public_views.source_snapshot, name="snapshot"),
    path("ratings.css", public_views.rating_styles, name="rating_styles"),
    path("suggest/", suggest.suggest, name="suggest"),
    path("suggest/thanks/", suggest.suggest_thanks, name="suggest_thanks"),
    # An index, so the verdicts' sitemap can grow past 50,000 pages (?p=2...).
    path(
        "sitemap.xml",
        require_safe(conditional_on_public(sitemap_views.index)),
        {"sitemaps": sitemaps, "sitemap_url_name": "public:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        require_safe(conditional_on_public(sitemap_section)),
        name="sitemap_section",
    ),
]
