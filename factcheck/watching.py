"""Settings for watching the news, read from the environment: monitored
outlets (claims/monitoring), repeats of our verdicts found in them
(claims/monitoring/repeats.py) and other fact-checkers' verdicts
(claims/partners). factcheck.settings takes every name here, and adds the
tasks' routes and beat entries to Celery's."""

from __future__ import annotations

from factcheck.env import env, envbool

# Repeats of checked claims (claims/monitoring/repeats.py): a spotted
# sentence of an article is matched against the verdicts that stand.
# How alike (trigram similarity, 0-1) it must be: stricter than "checked
# before?", since a match raises an alert.
REPEAT_MATCH_THRESHOLD = env.float("REPEAT_MATCH_THRESHOLD", default=0.4)
# And what share of the verdict's content words (numbers and common words
# left out, compared by trigrams) the sentence must carry: the same figures
# about something else are not a repeat.
REPEAT_CONTENT_SHARE = env.float("REPEAT_CONTENT_SHARE", default=0.5)
# The alert rules: a match at least this alike alerts the editors (a weaker
# one is only listed under Repeats), and the claim's researcher too if on.
REPEAT_ALERT_MIN_SCORE = env.float("REPEAT_ALERT_MIN_SCORE", default=0.45)
REPEAT_ALERT_RESEARCHER = envbool("REPEAT_ALERT_RESEARCHER", True)
# The batch: sentences spotted below this score (0-100) are not matched, nor
# more than the best REPEAT_MAX_SENTENCES of an article; each sentence may
# repeat up to REPEAT_MATCHES_PER_SENTENCE verdicts.
REPEAT_MIN_SPOTTING_SCORE = env.int("REPEAT_MIN_SPOTTING_SCORE", default=20)
REPEAT_MAX_SENTENCES = env.int("REPEAT_MAX_SENTENCES", default=100)
REPEAT_MATCHES_PER_SENTENCE = env.int("REPEAT_MATCHES_PER_SENTENCE", default=3)

# Watched outlets (claims/monitoring): polling intervals editors may choose
# (minutes), the backoff's cap (minutes) and the failures in a row after
# which an outlet is flagged and no longer polled; entries read per poll; how
# long a poll holds its outlet (seconds) before another may take it; spotted
# sentences stored from a story (its best, from NEWS_MIN_SCORE up), and
# stories spotted per job.
OUTLET_MIN_INTERVAL = env.int("OUTLET_MIN_INTERVAL", default=5)
OUTLET_MAX_INTERVAL = env.int("OUTLET_MAX_INTERVAL", default=24 * 60)
OUTLET_DEFAULT_INTERVAL = env.int("OUTLET_DEFAULT_INTERVAL", default=15)
OUTLET_MAX_BACKOFF = env.int("OUTLET_MAX_BACKOFF", default=24 * 60)
OUTLET_FLAG_AFTER = env.int("OUTLET_FLAG_AFTER", default=5)
OUTLET_MAX_ENTRIES = env.int("OUTLET_MAX_ENTRIES", default=100)
OUTLET_POLL_LEASE = env.int("OUTLET_POLL_LEASE", default=600)
OUTLET_POLLS_PER_BEAT = env.int("OUTLET_POLLS_PER_BEAT", default=500)
NEWS_MIN_SCORE = env.int("NEWS_MIN_SCORE", default=50)
NEWS_SENTENCES_PER_ARTICLE = env.int("NEWS_SENTENCES_PER_ARTICLE", default=10)
NEWS_SPOT_BATCH = env.int("NEWS_SPOT_BATCH", default=20)
# A sitemap index: its newest sitemaps read at each poll.
OUTLET_SITEMAPS_PER_INDEX = env.int("OUTLET_SITEMAPS_PER_INDEX", default=2)
# An RSS or Atom feed listing more entries is refused before feedparser reads
# it: feedparser takes about a second per few thousand entries.
OUTLET_MAX_FEED_ITEMS = env.int("OUTLET_MAX_FEED_ITEMS", default=1_000)
# Other fact-checkers' verdicts (claims/partners/): what one refresh reads at
# most, so a hostile or runaway source costs a bounded amount.
PARTNER_MAX_FEED_PAGES = env.int("PARTNER_MAX_FEED_PAGES", default=20)
PARTNER_MAX_PAGE_URLS = env.int("PARTNER_MAX_PAGE_URLS", default=50)
PARTNER_MAX_ENTRIES = env.int("PARTNER_MAX_ENTRIES", default=5_000)
# Google Fact Check Tools claim search, asked when a claim is created; off
# while the key is empty. The endpoint is a setting so tests use a stand-in.
GOOGLE_FACTCHECK_API_KEY = env.str("GOOGLE_FACTCHECK_API_KEY", default="")
GOOGLE_FACTCHECK_ENDPOINT = env.str(
    "GOOGLE_FACTCHECK_ENDPOINT", default="https://factchecktools.googleapis.com/v1alpha1/claims:search"
)
GOOGLE_FACTCHECK_CACHE_SECONDS = env.int("GOOGLE_FACTCHECK_CACHE_SECONDS", default=24 * 3600)
GOOGLE_FACTCHECK_TIMEOUT = env.float("GOOGLE_FACTCHECK_TIMEOUT", default=5.0)
# How often beat looks for partner sources due a refresh (each has its own period).
PARTNER_REFRESH_CHECK_SECONDS = env.float("PARTNER_REFRESH_CHECK_SECONDS", default=300.0)

# Polls and partners' refreshes talk to other sites: the fetch queue.
WATCHING_TASK_ROUTES = {
    "claims.monitoring.tasks.poll_outlet": {"queue": "fetch"},
    "claims.monitoring.tasks.spot_news": {"queue": "celery"},
    "claims.monitoring.tasks.poll_due_outlets": {"queue": "celery"},
    "claims.partners.tasks.refresh_partner": {"queue": "fetch"},
    "claims.partners.tasks.ask_google_factcheck": {"queue": "fetch"},
}
WATCHING_BEAT_SCHEDULE = {
    "poll-due-outlets": {"task": "claims.monitoring.tasks.poll_due_outlets", "schedule": 60.0},
    "refresh-partners": {"task": "claims.partners.tasks.refresh_partners", "schedule": PARTNER_REFRESH_CHECK_SECONDS},
}
