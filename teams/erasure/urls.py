from django.urls import path

from . import views

app_name = "erasure"
urlpatterns = [
    path("account/people/<int:user_id>/erase/", views.erase, name="erase"),
]
