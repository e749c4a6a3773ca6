from django.contrib import admin

from pantau.organisations import admin_audit  # noqa: F401  (registers the audit trail's admin)
from pantau.organisations.admin_base import AuditedAdmin
from pantau.organisations.models import Membership, Opd, Pemda, Wilayah


@admin.register(Pemda)
class PemdaAdmin(AuditedAdmin):
    tenant_field = "pk"
    list_display = ["kode", "nama", "zona_waktu", "hari_batas_laporan", "aktif"]
    search_fields = ["kode", "nama"]


@admin.register(Wilayah)
class WilayahAdmin(AuditedAdmin):
    list_display = ["kode", "nama", "tingkat", "jenis", "induk", "pemda"]
    list_filter = [("pemda", admin.RelatedOnlyFieldListFilter), "tingkat", "jenis"]
    search_fields = ["kode", "nama"]
    raw_id_fields = ["induk"]


@admin.register(Opd)
class OpdAdmin(AuditedAdmin):
    list_display = ["kode", "nama", "singkatan", "jenis", "kepala_nama", "aktif", "pemda"]
    list_filter = [("pemda", admin.RelatedOnlyFieldListFilter), "jenis", "aktif"]
    search_fields = ["kode", "nama", "singkatan"]
    raw_id_fields = ["wilayah"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "role", "jabatan", "opd", "pemda"]
    list_filter = [("pemda", admin.RelatedOnlyFieldListFilter), "role"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "jabatan",
        "opd__nama",
    ]
    raw_id_fields = ["user", "opd"]
