"""How often a state goes with a publication date, as statistics of their own:
the public lists filter on both (`state` and `published_at IS NOT NULL`),
which PostgreSQL otherwise takes for independent. That put the public claims
at a third of the 600,000 of a million, and a search then read its matches
against a bitmap of every public claim (58 ms) instead of alone (19 ms)."""

from django.db import migrations

CREATE = "CREATE STATISTICS IF NOT EXISTS claim_state_published (mcv) ON state, published_at FROM claims_claim"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute("ANALYZE claims_claim")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS claim_state_published")


class Migration(migrations.Migration):
    dependencies = [("claims", "0032_claims_keep_their_first_submission")]

    operations = [migrations.RunPython(create, drop)]
