"""Checked before? finds its candidates by the query's rarest words: a GIN
full-text index on the words of a claim's text (the 'simple' configuration:
no stemming, no stop words, figures kept), whose ANALYZE statistics also say
how common each word is. It replaces the GiST trigram index of 0013, which a
nearest-neighbour scan read at length (163 ms at a million claims, and 10,000
pages cold). PostgreSQL only; SQLite scores its candidates in Python."""

from django.db import migrations

WORDS = "CREATE INDEX IF NOT EXISTS claim_text_words ON claims_claim USING gin (to_tsvector('simple'::regconfig, text))"
GIST = "CREATE INDEX IF NOT EXISTS claim_text_trgm_gist ON claims_claim USING gist (text gist_trgm_ops(siglen=512))"


def to_words(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WORDS)
        schema_editor.execute("DROP INDEX IF EXISTS claim_text_trgm_gist")
        schema_editor.execute("ANALYZE claims_claim")  # the words' frequencies, read by claims.models.similar


def to_gist(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIST)
        schema_editor.execute("DROP INDEX IF EXISTS claim_text_words")


class Migration(migrations.Migration):
    dependencies = [("claims", "0022_deskperf_indexes")]

    operations = [migrations.RunPython(to_words, to_gist)]
