"""Correcting an article: its title, outlet, URL, author, date and text.

The article's row is locked, then its claims' (the same order as making a
claim from a sentence: article, then claim). Each change is logged old → new
on every claim in the article, since an article has no log of its own; a
changed URL is cited through `Source.for_url` and fetched, as adding does; a
new text is kept as given (`original_body`) beside its cleaned copy, as
adding does. Once one of its claims is public, the edit is a correction of
every published one (see `claims.workflow.editing`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims import workflow
from claims.intake import clean
from claims.models.edit_notes import change_note
from claims.models.sources import Source, normalize_url

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models.articles import Article

ARTICLE_LABELS = {
    "title": gettext_lazy("Title"),
    "outlet": gettext_lazy("Outlet"),
    "url": gettext_lazy("URL"),
    "author": gettext_lazy("Author"),
    "published_on": gettext_lazy("Published on"),
    "body": gettext_lazy("Text"),
}


def _as_given(article: Article, name: str) -> Any:
    """A field as the desk gave it: the text as pasted, not its cleaned copy."""
    if name == "body":
        return article.original_body or article.body
    return getattr(article, name)


def _input(name: str, value: Any) -> Any:
    if name == "published_on":
        return value or None
    value = str(value or "")
    return value if name == "body" else value.strip()  # the text is kept exactly as pasted


class ArticleEdits:
    """What Article inherits to be corrected."""

    def edit(self: Article, *, by: AbstractBaseUser, expected_revision: int | None = None, **changes: Any) -> list[str]:
        """Change these fields (`workflow.editing.ARTICLE_FIELDS`) as `by`; the
        names of those that changed. Once a claim in it is public, pass
        `correction_note` (an editor's, readers see it). Raises a
        `workflow.WorkflowError` and changes nothing when the form is stale,
        the person may not, or the input is wrong."""
        correction_note = str(changes.pop("correction_note", "") or "").strip()
        unknown = set(changes) - set(workflow.editing.ARTICLE_FIELDS)
        if unknown:
            raise TypeError(f"Article.edit() cannot change {', '.join(sorted(unknown))}.")
        wanted = {name: _input(name, value) for name, value in changes.items()}
        claim_model = apps.get_model("claims", "Claim")
        with transaction.atomic():
            article = type(self).objects.select_for_update().get(pk=self.pk)
            if expected_revision is not None and article.revision != expected_revision:
                raise workflow.StaleState(
                    _("This article changed while you were editing it. Nothing was changed; here it is now.")
                )
            claims = list(
                claim_model.objects.filter(article=article)
                .select_related("assignee")
                .select_for_update(of=("self",))
                .order_by("pk")
            )
            changed = [name for name, value in wanted.items() if _as_given(article, name) != value]
            if "url" in changed and normalize_url(wanted["url"] or "x:") == normalize_url(article.url or "x:"):
                changed.remove("url")  # the same address, spelled otherwise
            states = [claim.state for claim in claims]
            refusal = workflow.article_edit_refusal(by, states, correction_note if changed else "unchanged")
            if refusal:
                raise refusal
            if not changed:
                return []
            title = wanted.get("title", article.title)
            if not title and not wanted.get("url", article.url):
                raise workflow.GuardFailed(_("Give a title, or the article's URL to take it from the page."))
            notes = [change_note(ARTICLE_LABELS[name], _as_given(article, name), wanted[name]) for name in changed]
            for name in changed:
                if name == "body":
                    article.original_body = wanted["body"]
                    article.body = clean(wanted["body"]).text
                else:
                    setattr(article, name, wanted[name])
            if "url" in changed:
                article.source = Source.for_url(article.url) if article.url else None
                if not article.title:
                    article.title = article.url[:300]
            article.revision += 1
            article.save()
            label = _("Article “%(title)s”") % {"title": article.title[:80]}
            for claim in claims:
                for note in notes:
                    claim.log(by, "article_edited", note=f"{label}, {note}")
            # Readers' pages of these claims show the article: their freshness moves.
            claim_model.objects.filter(pk__in=[claim.pk for claim in claims]).update(updated_at=timezone.now())
            for claim in claims:
                if workflow.is_correction(claim.state):
                    claim.correct_for_readers(by=by, note=correction_note)
        if "url" in changed and article.source is not None and article.source.extracted_at is not None:
            article.fill_from_page()
        for name in ("title", "outlet", "url", "author", "published_on", "body", "original_body", "source_id"):
            setattr(self, name, getattr(article, name))
        self.revision = article.revision
        return changed
