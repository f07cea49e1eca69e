from django.contrib import admin

from teams.admin import NoDelete

from .models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["name", "sector", "location"]
    list_filter = ["sector", "location"]
    search_fields = ["name"]
