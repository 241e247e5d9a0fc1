from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

# Log in, log out and change a password; resetting one by email only when
# email is configured (settings.PASSWORD_RESET_BY_EMAIL).
account_urls = [
    pattern for pattern in auth_urls.urlpatterns if settings.PASSWORD_RESET_BY_EMAIL or "reset" not in pattern.name
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="desk:my_queue", permanent=False)),
    # Browsers ask for /favicon.ico whatever the page links; a temporary
    # redirect, as the static name changes with its hash on each deploy.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=False)),
    path("desk/", include("claims.desk.urls")),
    path("", include("claims.public.urls")),
    path("accounts/", include(account_urls)),
    path("accounts/", include("claims.accounts.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "factcheck.errors.bad_request"
handler403 = "factcheck.errors.permission_denied"
handler404 = "factcheck.errors.page_not_found"
handler500 = "factcheck.errors.server_error"
