"""Admin of the reference data: the NAF sectors (the company form's sector picker searches
them, `autocomplete_fields`)."""

from django.contrib import admin

from .models import Sector


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "label_fr", "label_en", "section"]
    list_filter = [("section", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "label_fr", "label_en"]
    list_select_related = ["section"]
