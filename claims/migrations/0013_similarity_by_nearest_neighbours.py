"""Checked before? by nearest neighbours: a GiST trigram index, which hands
back the claims closest to a text first, replaces the GIN one, which found
every claim sharing enough trigrams and left them all to be ranked (hundreds
of milliseconds when thousands of claims read alike). PostgreSQL only."""

from django.db import migrations

GIST = "CREATE INDEX IF NOT EXISTS claim_text_trgm_gist ON claims_claim USING gist (text gist_trgm_ops(siglen=512))"
GIN = "CREATE INDEX IF NOT EXISTS claim_text_trgm ON claims_claim USING gin (text gin_trgm_ops)"


def to_gist(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIST)
        schema_editor.execute("DROP INDEX IF EXISTS claim_text_trgm")


def to_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN)
        schema_editor.execute("DROP INDEX IF EXISTS claim_text_trgm_gist")


class Migration(migrations.Migration):
    dependencies = [("claims", "0012_indexes_for_every_list_order")]

    operations = [migrations.RunPython(to_gist, to_gin)]
