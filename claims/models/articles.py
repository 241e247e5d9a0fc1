"""Where claims appeared (articles), the sentences claims were made from, and
who made them (claimants)."""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from claims.intake import Spotting, clean, spot
from claims.models import claim_counts
from claims.models.article_edits import ArticleEdits
from claims.models.sources import Source

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models.claims import Claim

# Spotting runs each time an article's page is drawn rather than being stored:
# it scores about 6,000 sentences a second (bench/spotting_bench.py), a news
# story in a few milliseconds, and a stored copy would go stale whenever the
# scorer improves. A long speech transcript runs to about 100,000 characters
# (0.15 s); past that, the rest of a paste is shown as it came, unscored.
SPOTTING_MAX_CHARS = 100_000


class ArticleQuerySet(models.QuerySet):
    def add(self, *, by: AbstractBaseUser, **fields: Any) -> Article:
        """A new article. Given a URL, its page is fetched through the same
        guarded worker as cited sources, and what the desk left blank is filled
        from it once extracted (at once, if a claim already cited that page);
        until then an untitled article goes by its URL."""
        url = fields.get("url", "")
        if url and not fields.get("title"):
            fields["title"] = url[:300]
        if "body" in fields:
            # Cleaned on the way in; the text as given is kept, so what
            # cleaning dropped can be shown and nothing is lost.
            fields["original_body"] = fields["body"]
            fields["body"] = clean(fields["body"]).text
        with transaction.atomic():  # the fetch job is sent once the article points at its source
            article = self.create(created_by=by, source=Source.for_url(url) if url else None, **fields)
        if article.source is not None and article.source.extracted_at is not None:
            article.fill_from_page()
        return article


class Article(ArticleEdits, models.Model):
    """Where claims appeared: a news story, transcript or post."""

    title = models.CharField(max_length=300)
    outlet = models.CharField(max_length=200, blank=True)
    # Which addresses are accepted is the guard's rule (claims.sources), asked by the forms.
    url = models.CharField(max_length=2000, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    body = models.TextField(blank=True, help_text="The text, cleaned of the web page around it.")
    # Blank on articles from before cleaning: their `body` is the text as given.
    original_body = models.TextField(
        blank=True,
        help_text="The text as it came in, before cleaning: pasted by the desk, or extracted from the page.",
    )
    source = models.ForeignKey(
        "Source",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="The article's URL, fetched and extracted like a cited source.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(default=0, help_text="Counts edits, so a form from before one is stale.")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("desk:article", args=[self.pk])

    @property
    def awaits_page(self) -> bool:
        """Its URL is still being fetched or extracted."""
        return self.source is not None and not self.source.is_settled

    def fill_from_page(self) -> None:
        """Fill the fields left blank (the title, while it is still the URL it
        was given) from the extracted page; never what a person typed."""
        page = self.source
        found = {
            "title": page.title[:300] if self.title in ("", self.url[:300]) else "",
            "outlet": page.site_name[:200] if not self.outlet else "",
            "author": page.author[:200] if not self.author else "",
            "published_on": page.published_on if self.published_on is None else None,
        }
        if not self.body and not self.original_body:
            found.update(original_body=page.text, body=clean(page.text).text)
        changed = [name for name, value in found.items() if value]
        for name in changed:
            setattr(self, name, found[name])
        if changed:
            self.save(update_fields=changed)

    def spotting(self) -> Spotting:
        """Its sentences scored for check-worthiness, best first.

        Read from the text as it came in, cleaning included, so the dropped
        lines are numbered as the desk pasted them and an article from before
        cleaning is cleaned the same way when shown. For one added since, the
        text the offsets refer to is its `body` (the same cleaning of the
        same text)."""
        return spot(self.spotted_and_unscored()[0])

    def spotted_and_unscored(self) -> tuple[str, str]:
        """The text as given, cut in two: what spotting reads (up to
        SPOTTING_MAX_CHARS, ending on a line) and the rest, unscored."""
        given = self.original_body or self.body
        if len(given) <= SPOTTING_MAX_CHARS:
            return given, ""
        cut = given.rfind("\n", 0, SPOTTING_MAX_CHARS) + 1 or SPOTTING_MAX_CHARS
        return given[:cut], given[cut:]

    def claims_from_sentences(self) -> dict[int, SentenceClaim]:
        """The claims made from its sentences, by where the sentence starts;
        one query, however many."""
        # "article" too: the related manager sets it on each row from its id.
        made = self.sentence_claims.select_related("claim").only(
            "article", "start", "sentence", "claim", "claim__slug", "claim__text", "claim__claimant"
        )
        return {link.start: link for link in made}

    def claim_sentence(self, *, by: AbstractBaseUser, start: int, sentence: str, **fields: Any) -> Claim:
        """A claim (through Claim.objects.add: same activity log) made from
        the spotted sentence at `start`, which must still read `sentence` and
        have no claim made from it yet; `fields` are the claim's, edited."""
        with transaction.atomic():
            # The article's lock makes two checkers clicking the same sentence
            # take turns: the second is told, and nothing is written twice.
            locked = Article.objects.select_for_update().get(pk=self.pk)
            current = next((c for c in locked.spotting().candidates if c.start == start), None)
            if current is None or current.sentence != sentence:
                raise SentenceRefused(
                    gettext("The article's text changed since this form was drawn: reload the page and try again.")
                )
            if locked.sentence_claims.filter(start=start).exists():
                raise SentenceRefused(gettext("A claim was already made from this sentence."))
            claim = _claims().add(by=by, article=locked, **fields)
            SentenceClaim.objects.create(article=locked, start=start, sentence=sentence, claim=claim)
        return claim


class SentenceRefused(Exception):
    """A claim cannot be made from that sentence; `message` says why, for the desk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SentenceClaim(models.Model):
    """The claim made from a spotted sentence of an article, so its page shows
    the sentence as done, whatever the claim's text became once edited."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sentence_claims")
    start = models.PositiveIntegerField(help_text="Where the sentence starts in the article's cleaned text.")
    sentence = models.TextField(help_text="The sentence as the desk saw it.")
    claim = models.OneToOneField("Claim", on_delete=models.CASCADE, related_name="from_sentence")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "start"], name="one_claim_per_spotted_sentence")]

    def __str__(self) -> str:
        return self.sentence[:80]


def claimant_key(name: str) -> str:
    """The spelling-insensitive key of a speaker's name: case, spacing and
    punctuation do not make two people. Titles do ("Lt Gen Asim Bajwa" vs
    "Asim Bajwa"): an editor merges those, because only a person can tell."""
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def _claims() -> Any:
    # Claim is defined beside, in claims.models.claims, which imports this module.
    return apps.get_model("claims", "Claim").objects


class ClaimantQuerySet(models.QuerySet):
    def with_page_flag(self) -> ClaimantQuerySet:
        """Each claimant with `has_page`: whether a verdict of theirs stands
        (kept by PostgreSQL's triggers: claims.models.claim_counts)."""
        return self.annotate(has_page=claim_counts.has_page())


class Claimant(models.Model):
    """Who said it, normalized, so one person's record can be read in one place."""

    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="aliases")
    was_public = models.BooleanField(
        default=False,
        help_text="Had a public page when it was merged away: only then does its address redirect to the survivor's.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClaimantQuerySet.as_manager()

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:claimant", args=[self.slug])

    @property
    def has_public_page(self) -> bool:
        """A verdict of theirs stands. Someone whose claims are all on the desk,
        or all retracted, gets no page about them."""
        return claim_counts.standing_of(self.pk) > 0

    @classmethod
    def for_name(cls, name: str) -> Claimant | None:
        key = claimant_key(name)
        if not key:
            return None
        claimant, _ = cls.objects.get_or_create(
            key=key,
            defaults={"name": name.strip(), "slug": f"{slugify(name)[:100] or 'claimant'}-{secrets.token_hex(2)}"},
        )
        # A merged name keeps its row (so it is recognised next time) and
        # points at the person it was merged into.
        return claimant.merged_into or claimant

    def merge_into(self, target: Claimant) -> int:
        """Fold this claimant into `target`; returns how many claims moved."""
        with transaction.atomic():
            # Re-read both under lock: two editors merging A into B and B into A
            # at once must not make a cycle.
            locked = {c.pk: c for c in Claimant.objects.select_for_update().filter(pk__in=[self.pk, target.pk])}
            if target.pk == self.pk or locked[target.pk].merged_into_id or locked[self.pk].merged_into_id:
                raise ValueError(gettext("Merge two claimants that have not themselves been merged."))
            # A spelling readers never saw must not redirect: that would tell
            # them the desk is looking into someone of that name.
            self.was_public = self.has_public_page
            # Touching updated_at moves the public pages' Last-Modified too.
            moved = self.claims.update(speaker=target, updated_at=timezone.now())
            Claimant.objects.filter(merged_into=self).update(merged_into=target)
            self.merged_into = target
            self.save(update_fields=["merged_into", "was_public"])
        return moved
