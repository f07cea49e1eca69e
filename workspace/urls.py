from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from teams.accounts.urls import password_reset_urlpatterns
from teams.notify.views import LoginView, switch_language

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="teams:my_teams"), name="home"),
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says. To the unhashed name (collectstatic
    # keeps it beside the hashed copy): a permanent redirect must stay valid after the next release.
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg", permanent=True)),
    path("login/", LoginView.as_view(), name="login"),  # the person's language follows them
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    *password_reset_urlpatterns,
    path("i18n/setlang/", switch_language, name="set_language"),  # Django's, remembering the choice
    path("admin/", admin.site.urls),
    path("api/", include("teams.api.urls")),
    path("", include("teams.urls")),
    path("", include("teams.board.urls")),
    path("", include("teams.discussion.urls")),
    path("", include("teams.review.urls")),
    path("", include("teams.notify.urls")),
    path("", include("teams.accounts.urls")),
    path("", include("teams.dataexport.urls")),
    path("", include("teams.api.pages")),  # the account page's API tokens section
    path("", include("teams.contributions.urls")),
    path("", include("teams.direct.urls")),
    path("", include("teams.people.urls")),
    path("", include("teams.invitations.urls")),
    path("", include("teams.search.urls")),
    path("", include("teams.audit.urls")),
    path("", include("teams.privacy.urls")),
    path("", include("teams.erasure.urls")),
    path("", include("teams.webhooks.urls")),
    path("", include("teams.calendar.urls")),
]

handler400 = "workspace.errors.bad_request"
