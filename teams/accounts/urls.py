from django.contrib.auth import views as auth_views
from django.urls import path

from . import people_admin, reset, views

app_name = "accounts"
urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/name/", views.change_name, name="name"),
    path("account/email/", views.change_email, name="email"),
    path("account/email/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("account/password/", views.change_password, name="password"),
    path("account/language/", views.change_language, name="language"),
    path("account/people/", people_admin.people, name="people"),
    path("account/people/<int:user_id>/active/", people_admin.set_active, name="set_active"),
]

# Django's names, outside the namespace: its views and templates reverse them so.
password_reset_urlpatterns = [
    path("password/reset/", reset.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", reset.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", reset.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
