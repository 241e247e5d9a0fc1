from __future__ import annotations

from django.db import migrations

from claims.defaults import ensure_defaults


def create(apps, schema_editor):
    ensure_defaults(apps.get_model("claims", "Rating"), apps.get_model("auth", "Group"))


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
