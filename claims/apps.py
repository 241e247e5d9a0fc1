from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

# What editors manage in the admin: the rating scale, partners' webhooks (and
# their delivery log), and claimants' names.
EDITOR_PERMISSIONS = (
    "add_rating",
    "change_rating",
    "view_rating",
    "add_webhook",
    "change_webhook",
    "delete_webhook",
    "view_webhook",
    "view_webhookdelivery",
    "change_claimant",
    "view_claimant",
)


def grant_editor_permissions(sender: AppConfig, **kwargs: Any) -> None:
    # After every migrate, because permissions only exist once post_migrate
    # has created them.
    from django.contrib.auth.models import Group, Permission

    from claims.workflow import EDITORS_GROUP

    editors, _ = Group.objects.using(kwargs.get("using", "default")).get_or_create(name=EDITORS_GROUP)
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="claims", codename__in=EDITOR_PERMISSIONS)
    )


class ClaimsConfig(AppConfig):
    name = "claims"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(grant_editor_permissions, sender=self)
        # The models announce waiting jobs on a signal; the task modules send
        # them. Imported here so every process (web, worker, shell) connects
        # them: the wiring sits at the top, where it may import any layer.
        from claims.accounts import audit, two_factor  # noqa: F401
        from claims.desk import time_zones  # noqa: F401
        from claims.mail import notifications as notification_mail  # noqa: F401
        from claims.mail import tasks as mail_tasks  # noqa: F401
        from claims.monitoring import tasks as monitoring_tasks  # noqa: F401
        from claims.partners import tasks as partner_tasks  # noqa: F401
        from claims.sources import tasks as source_tasks  # noqa: F401
        from claims.webhooks import tasks as webhook_tasks  # noqa: F401
