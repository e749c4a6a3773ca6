from django.contrib import admin

from pantau.opendata.models import Topik
from pantau.organisations.admin_base import AuditedAdmin


@admin.register(Topik)
class TopikAdmin(AuditedAdmin):
    """Topics of the catalogue (shared by every pemda), each with its DCAT theme."""

    list_display = ["nama", "judul", "tema_eu"]
    search_fields = ["nama", "judul"]
