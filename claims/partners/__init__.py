"""Other fact-checkers' verdicts: importing partners' ClaimReviews and matching
a claim against them.

- `reviews`: a ClaimReview object (from JSON or JSON-LD) to a checked entry
- `importing`: fetch a partner source through the guard and store its reviews
- `google`: Google Fact Check Tools claim search, asked per new claim
- `matching`: external verdicts like a text, by our own trigram measure
- `forms`: the editors' form to add a source
- `tasks`: the thin Celery tasks (beat refresh, refresh now, on-create query)
"""
