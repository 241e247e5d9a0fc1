"""Checked by others? finds partners' verdicts the way checked before? finds
claims (0023): by the query's rarest words, through a GIN full-text index on
the words of each external verdict's claim, whose ANALYZE statistics say how
common each word is. It replaces the GiST trigram index of 0021.
PostgreSQL only; SQLite scores its candidates in Python."""

from django.db import migrations

WORDS = (
    "CREATE INDEX IF NOT EXISTS external_verdict_words "
    "ON claims_externalverdict USING gin (to_tsvector('simple'::regconfig, claim_text))"
)
GIST = (
    "CREATE INDEX IF NOT EXISTS external_verdict_text_trgm_gist "
    "ON claims_externalverdict USING gist (claim_text gist_trgm_ops(siglen=512))"
)


def to_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WORDS)
        schema_editor.execute("DROP INDEX IF EXISTS external_verdict_text_trgm_gist")
        schema_editor.execute("ANALYZE claims_externalverdict")


def to_gist(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIST)
        schema_editor.execute("DROP INDEX IF EXISTS external_verdict_words")


class Migration(migrations.Migration):
    dependencies = [("claims", "0024_similar_open_queue_count")]

    operations = [migrations.RunPython(to_words, to_gist)]
