from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="teams:my_teams"), name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("teams.urls")),
    path("", include("teams.board.urls")),
    path("", include("teams.discussion.urls")),
    path("", include("teams.review.urls")),
    path("", include("teams.notify.urls")),
]
