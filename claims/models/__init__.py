"""The models, one module per concept; import them from here.

- `claims`: Claim, the workflow under the row lock
- `claim_queries`: its queues, search and reader visibility
- `claim_indexes`: its indexes, one for each list's order and count
- `claim_counts`: how many claims in each state, and each claimant's standing verdicts, kept by triggers
- `activity`: the append-only log
- `articles`: Article and Claimant
- `verdicts`: Rating and Verdict, and what "current verdict" means
- `sources`: Source (a row-held fetch job) and Evidence
- `webhooks`: Webhook and WebhookDelivery (a row-held delivery job)
- `jobs`: the row-held job mechanism both share
- `stored_copies`: the fetched bytes in media storage, written whole
- `suggestions`: readers' suggestions and their triage
- `security`: the append-only log of log-ins and refusals
- `notifications`: what a person on the desk must know, and its email
- `people`: each person's own settings (time zone, which emails)
- `policy`: the desk policy (what sign-off means) and declared conflicts
- `signoff`: what the sign-off rules read of a claim (mixed into Claim)
- `desk_stats`: the editor's dashboard in numbers (import the module)
- `repeats`: published claims said again in the news, and what editors decided
- `outlets`: watched outlets, the entries seen there, the sentences spotted in them
- `partners`: other fact-checkers' sources and their imported verdicts

Models import no tasks, no HTTP and no ClaimReview: they record what jobs did
and announce work on `jobs.jobs_waiting`; claims.sources and claims.webhooks
do it."""

from claims.models.activity import ACTIVITY_LABELS, Activity
from claims.models.articles import (
    Article,
    ArticleQuerySet,
    Claimant,
    ClaimantQuerySet,
    SentenceClaim,
    claimant_key,
)
from claims.models.claim_counts import ClaimantCount, ClaimCount, ClaimFlow
from claims.models.claim_queries import ClaimQuerySet
from claims.models.claims import Claim
from claims.models.notifications import Notification, NotificationQuerySet
from claims.models.outlets import NewsSentence, Outlet, OutletEntry
from claims.models.partners import ExternalVerdict, PartnerSource
from claims.models.people import Profile
from claims.models.policy import Conflict, DeskPolicy
from claims.models.repeats import Repeat, RepeatQuerySet
from claims.models.security import SecurityEvent
from claims.models.sources import Evidence, Source, SourceQuerySet, normalize_url
from claims.models.stored_copies import store_snapshot
from claims.models.suggestions import Suggestion, SuggestionQuerySet
from claims.models.verdicts import Rating, Verdict, VerdictQuerySet
from claims.models.webhooks import Webhook, WebhookDelivery, WebhookDeliveryQuerySet

__all__ = [
    "ACTIVITY_LABELS",
    "Activity",
    "Article",
    "ArticleQuerySet",
    "Claim",
    "ClaimCount",
    "ClaimFlow",
    "ClaimQuerySet",
    "Claimant",
    "ClaimantCount",
    "ClaimantQuerySet",
    "Conflict",
    "DeskPolicy",
    "Evidence",
    "ExternalVerdict",
    "NewsSentence",
    "Notification",
    "NotificationQuerySet",
    "Outlet",
    "OutletEntry",
    "PartnerSource",
    "Profile",
    "Rating",
    "Repeat",
    "RepeatQuerySet",
    "SecurityEvent",
    "SentenceClaim",
    "Source",
    "SourceQuerySet",
    "Suggestion",
    "SuggestionQuerySet",
    "Verdict",
    "VerdictQuerySet",
    "Webhook",
    "WebhookDelivery",
    "WebhookDeliveryQuerySet",
    "claimant_key",
    "normalize_url",
    "store_snapshot",
]
