from django.contrib import admin

from pantau.organisations.admin_base import AuditedAdmin
from pantau.planning.models import Nomenklatur, SumberDana, TahunAnggaran


@admin.register(Nomenklatur)
class NomenklaturAdmin(AuditedAdmin):
    # national reference, per fiscal year (no pemda column: every admin reads it)
    list_display = ["tahun", "kode", "tingkat", "nama"]
    list_filter = ["tahun", "tingkat"]
    search_fields = ["kode", "nama"]


@admin.register(SumberDana)
class SumberDanaAdmin(AuditedAdmin):
    list_display = ["kode", "nama"]
    search_fields = ["kode", "nama"]


@admin.register(TahunAnggaran)
class TahunAnggaranAdmin(AuditedAdmin):
    list_display = ["tahun", "pemda", "tahap", "tanggal_perubahan"]
    list_filter = [("pemda", admin.RelatedOnlyFieldListFilter), "tahap"]
