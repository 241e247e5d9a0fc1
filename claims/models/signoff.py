"""What the sign-off rules (claims.workflow.rules) read of a claim: who
researched or wrote it, who approved it since it was last submitted, who
declared a conflict, what its evidence amounts to, and the desk policy.

Each is read once per claim object (one query each) and kept until the claim
logs something or is read again: a claim page asks every rule of every
action, and must not ask the database each time. Also the two things people
do for sign-off that are not transitions: declaring a conflict of interest
and checking a quote by hand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tld import get_fld

from claims import workflow
from claims.models.policy import Conflict, DeskPolicy
from claims.models.sources import Evidence, Source

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models.claims import Claim

# What makes someone a researcher of a claim, whatever the assignment says now.
RESEARCH_DEEDS = ("start", "evidence_added", "evidence_removed", "submit", "quote_hand_checked")
# ... and a writer of its verdict.
WRITING_DEEDS = ("verdict_saved",)
DEEDS = (*RESEARCH_DEEDS, *WRITING_DEEDS, "approve", "conflict_declared")


@dataclass(frozen=True)
class Declared:
    """A conflict of interest as the claim page shows it."""

    person_id: int
    name: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class Deeds:
    """Who did what on a claim, from its activity log (one query): the
    log is the record of what people did, whatever the claim's fields say now."""

    researchers: frozenset[int]
    writers: frozenset[int]
    approvals: tuple[int, ...]  # actors of each approval since the last submit, in order
    conflicts: tuple[Declared, ...]
    names: dict[int, str]


@dataclass(frozen=True)
class EvidenceFacts:
    pieces: int  # every piece, sourced or not
    sourced: int  # pieces citing a page or naming an offline source
    sites: frozenset[str]
    fetched: int  # cited pages the desk fetched and stored
    quotes_to_check: int  # quotes not found in their source that nobody checked by hand


def site_of(url: str) -> str:
    """The registered domain of a cited URL (news.bbc.co.uk and www.bbc.co.uk
    are one site, bbc.co.uk), or its host when it has none (an address, localhost)."""
    return get_fld(url, fail_silently=True) or (urlsplit(url).hostname or url).lower()


def _facts(rows: Iterable[tuple[Any, ...]]) -> EvidenceFacts:
    pieces = sourced = fetched = to_check = 0
    sites = set()
    for url, status, offline, quote, check, hand_checked_at in rows:
        pieces += 1
        if url:
            sourced += 1
            sites.add(site_of(url))
            fetched += status == Source.Status.FETCHED
            to_check += bool(quote.strip()) and check == Evidence.QuoteCheck.NOT_FOUND and hand_checked_at is None
        elif offline.strip():
            sourced += 1
            sites.add(f"offline:{offline.strip().casefold()}")
    return EvidenceFacts(pieces, sourced, frozenset(sites), fetched, to_check)


class SignOff:
    """Mixed into Claim."""

    @cached_property
    def policy(self) -> DeskPolicy:
        """The desk policy, read with the claim when its query carried it
        (`DeskPolicy.as_annotation()`), else now."""
        if "desk_policy" in self.__dict__:
            return DeskPolicy.from_annotation(self.__dict__["desk_policy"])
        return DeskPolicy.current()

    @cached_property
    def deeds(self: Claim) -> Deeds:
        rows = self.activities.filter(action__in=DEEDS, actor__isnull=False).order_by("pk")
        researchers, writers, approvals, conflicts, names = set(), set(), [], [], {}
        fields = ("actor_id", "action", "note", "created_at", "actor__first_name", "actor__last_name")
        for actor, action, note, at, first, last, username in rows.values_list(*fields, "actor__username"):
            names[actor] = f"{first} {last}".strip() or username
            if action == "submit":
                approvals = []  # a new round of review: approvals count again
            if action in RESEARCH_DEEDS:
                researchers.add(actor)
            elif action in WRITING_DEEDS:
                writers.add(actor)
            elif action == "approve":
                approvals.append(actor)
            elif action == "conflict_declared":
                conflicts.append(Declared(actor, names[actor], note, at))
        return Deeds(frozenset(researchers), frozenset(writers), tuple(approvals), tuple(conflicts), names)

    @property
    def contributors(self) -> frozenset[int]:
        """Whoever researched the claim or wrote its draft verdict: never its
        reviewer or approver."""
        return self.deeds.researchers | self.deeds.writers

    @property
    def conflicted(self) -> frozenset[int]:
        """Who declared a conflict of interest on it (read from the log, in
        the same query as the deeds; the Conflict rows hold the same)."""
        return frozenset(conflict.person_id for conflict in self.deeds.conflicts)

    @property
    def approvers(self) -> list[int]:
        """The distinct eligible people who approved it since it was last
        submitted, in order."""
        ineligible = self.contributors | self.conflicted
        return list(dict.fromkeys(pk for pk in self.deeds.approvals if pk not in ineligible))

    @property
    def approvals_needed(self) -> int:
        return self.policy.approvals_needed

    @property
    def approver_names(self) -> list[str]:
        return [self.deeds.names[pk] for pk in self.approvers]

    @cached_property
    def evidence_facts(self: Claim) -> EvidenceFacts:
        rows = self.evidence.values_list(
            "source__url", "source__status", "offline_source", "quote", "quote_check", "hand_checked_at"
        )
        return _facts(rows)

    def know_evidence(self, evidence: Iterable[Evidence]) -> None:
        """The claim's evidence (with sources), read already: the rules use it
        rather than asking again."""
        self.__dict__["evidence_facts"] = _facts(
            (
                item.source.url if item.source_id else None,
                item.source.status if item.source_id else None,
                item.offline_source,
                item.quote,
                item.quote_check,
                item.hand_checked_at,
            )
            for item in evidence
        )

    def forget_signoff(self) -> None:
        """Read who did what, the conflicts and the evidence again next time."""
        for name in ("deeds", "evidence_facts", "policy", "desk_policy"):
            self.__dict__.pop(name, None)

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self.forget_signoff()

    # --- Sign-off that is not a transition.

    def declare_conflict(self: Claim, *, by: AbstractBaseUser, reason: str) -> Conflict:
        """`by` declares a conflict of interest on this claim; from now on
        they take no action on it."""
        error = workflow.comment_refusal(self, by)
        if error:
            raise error
        if not reason.strip():
            raise workflow.GuardFailed(_("Say why, in the reason."))
        try:
            with transaction.atomic():
                conflict = Conflict.objects.create(claim=self, person=by, reason=reason.strip())
                self.log(by, "conflict_declared", note=conflict.reason)
        except IntegrityError:
            raise workflow.StaleState(_("You already declared a conflict of interest on this claim.")) from None
        return conflict

    def check_quote_by_hand(self: Claim, *, by: AbstractBaseUser, evidence_id: int, reason: str) -> Evidence:
        """`by` vouches for a quote the worker did not find in its source,
        saying why; `submit` then lets it through."""
        with transaction.atomic():
            claim = self._locked_for(by, workflow.research_refusal)
            evidence = claim.evidence.select_related("source").filter(pk=evidence_id).first()
            if evidence is None:
                raise workflow.StaleState(_("That piece of evidence was removed."))
            if not evidence.quote_missing:
                raise workflow.StaleState(
                    _("This quote is “%(check)s”: only a quote not found in its source is checked by hand.")
                    % {"check": evidence.get_quote_check_display().lower()}
                )
            if evidence.hand_checked_at is not None:
                raise workflow.StaleState(
                    _("%(name)s already checked this quote by hand.")
                    % {"name": workflow.display_name(evidence.hand_checked_by)}
                )
            if not reason.strip():
                raise workflow.GuardFailed(_("Say how you checked the quote, in the reason."))
            evidence.hand_checked_by = by
            evidence.hand_checked_at = timezone.now()
            evidence.hand_check_reason = reason.strip()
            evidence.save(update_fields=["hand_checked_by", "hand_checked_at", "hand_check_reason"])
            claim.log(by, "quote_hand_checked", note=f"{evidence.describe()}: {evidence.hand_check_reason}")
        self.forget_signoff()
        return evidence
