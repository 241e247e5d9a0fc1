"""Demo users and demo data from the sample article. Safe to run again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from claims import workflow
from claims.models import Article, Claim, Evidence, Rating

SAMPLE = Path(__file__).resolve().parents[2] / "demo" / "pakistan-army-report-card.txt"
DEMO_PASSWORD = "factcheck-demo"  # noqa: S105 (demo users only, listed in the README)
USERS = [
    # username, first name, last name, group (None: superuser)
    ("checker", "Ayesha", "Khan", workflow.CHECKERS_GROUP),
    ("checker2", "Tom", "Baker", workflow.CHECKERS_GROUP),
    ("editor", "Maria", "Lopez", workflow.EDITORS_GROUP),  # staff: manages the scale and webhooks in the admin
    ("admin", "Admin", "", None),
]
CLAIMANT = "Lt Gen Asim Bajwa"
DEMO_NOTE = "Demo data: this verdict shows how the workflow looks; it is not a real fact-check."


class Command(BaseCommand):
    help = "Create demo users (password: factcheck-demo) and demo claims from the sample article. Idempotent."
    # Claims in every state: published (and corrected), retracted, in review,
    # researching, assigned, submitted and rejected.

    def handle(self, *args: Any, **options: Any) -> None:
        users = self.make_users()
        if Article.objects.filter(title=self.sample_title()).exists():
            self.stdout.write("Demo data already loaded.")
            return
        with transaction.atomic():
            self.make_claims(users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded. Log in as checker, checker2, editor or admin with password {DEMO_PASSWORD}."
            )
        )

    def make_users(self) -> dict[str, Any]:
        User = get_user_model()
        users = {}
        for username, first, last, group in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "is_staff": group != workflow.CHECKERS_GROUP,
                    "is_superuser": group is None,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if group:
                user.groups.add(Group.objects.get(name=group))
            users[username] = user
        return users

    def sample_title(self) -> str:
        return "No Good or Bad Taliban for Us: Pakistan Army"

    def make_claims(self, users: dict[str, Any]) -> None:
        checker, checker2, editor = users["checker"], users["checker2"], users["editor"]
        # Through the desk's own path: the paste is cleaned, the original kept.
        article = Article.objects.add(
            by=checker,
            title=self.sample_title(),
            outlet="Sample news story",
            body=SAMPLE.read_text(encoding="utf-8"),
        )

        sentences = article.spotting().candidates

        def claim(text: str, words: str, claimant: str = CLAIMANT, priority: int = Claim.Priority.NORMAL) -> Claim:
            """Made from the article's sentence with `words` in it, as a checker does from its page."""
            said = next(c for c in sentences if words in c.sentence)
            return article.claim_sentence(
                by=checker, start=said.start, sentence=said.sentence, text=text, claimant=claimant, priority=priority
            )

        def act(c: Claim, action: str, by: Any, **params: Any) -> Claim:
            return c.transition(action, by=by, expected_state=None, params=workflow.Params(**params))

        def submit_research(
            c: Claim, by: Any, rating: str, summary: str, *, source: str, quote: str, reviewer: Any = None
        ) -> None:
            """Take the claim, research it (one piece of evidence, a draft verdict) and submit it."""
            act(c, "take", by)
            act(c, "start", by)
            c.add_evidence(
                by=by, offline_source=source, quote=quote, note="Demo evidence.", stance=Evidence.Stance.CONTEXT
            )
            c.save_draft_verdict(
                by=by, rating=Rating.objects.get(label=rating), summary=summary, explanation=DEMO_NOTE, based_on=None
            )
            act(c, "submit", by, person=reviewer)

        # Published, then corrected.
        arrests = claim(
            "Pakistani authorities have so far arrested 309 people associated with Islamic State.",
            "arrested 309 people",
            priority=1,
        )
        submit_research(
            arrests,
            checker,
            "Unproven",
            "The army gave no list or court records for the 309 arrests.",
            source="Army spokesman's press conference (recording)",
            quote="Pakistani authorities have so far arrested 309 people associated with Islamic State",
        )
        act(arrests, "approve", checker2)
        act(arrests, "publish", editor)
        act(
            arrests,
            "correct",
            editor,
            note="The first version said the army gave no figures at all; it gave a total but no records.",
            verdict={
                "rating": Rating.objects.get(label="Unproven"),
                "summary": "The army gave a total of 309 arrests but no list, charges or court records to check it.",
                "explanation": DEMO_NOTE,
            },
        )

        # Published, then retracted.
        quetta = claim(
            "A suicide bombing at a hospital in Quetta killed more than 70 people.",
            "killed more than 70 people",
            claimant="The article (reporting)",
        )
        submit_research(
            quetta,
            checker2,
            "True",
            "Casualty figures reported at the time put the toll above 70.",
            source="Hospital and provincial government statements at the time",
            quote="killed more than 70 people",
        )
        act(quetta, "approve", checker)
        act(quetta, "publish", editor)
        act(quetta, "retract", editor, note="Demo: retracted to show how a retraction notice looks to readers.")

        # In review, waiting for checker2.
        foreigners = claim(
            "About 25 of those captured were foreigners, including Afghans and some Syrians.",
            "about 25 were foreigners",
        )
        submit_research(
            foreigners,
            checker,
            "Unproven",
            "No independent record of the nationalities of those arrested.",
            source="Army spokesman's press conference (recording)",
            quote="about 25 were foreigners including Afghans and some Syrians",
            reviewer=checker2,
        )

        # Researching.
        killed = claim("More than 3,500 militants have been killed in the operation.", "3,500", priority=1)
        act(killed, "assign", checker, person=checker2)
        act(killed, "start", checker2)
        killed.comment(by=checker2, text="Looking for the army's own monthly tallies to compare.")

        # Assigned, not started.
        soldiers = claim("516 soldiers have been killed in the operation.", "516 soldiers")
        act(soldiers, "assign", editor, person=checker)

        # Submitted, waiting for triage.
        claim("We have paid $106.9 billion (on) this war.", "$106.9 billion", priority=1)
        claim(
            "In July the United States refused to release $300 million in military disbursements to Pakistan.",
            "$300 million",
            claimant="The article (reporting)",
        )

        # Rejected: an opinion, not a checkable statement.
        opinion = claim("There is no concept of good or bad Taliban.", "no concept of good or bad Taliban")
        act(opinion, "reject", checker, note="A statement of policy, not a checkable fact.")
