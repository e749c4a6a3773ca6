from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from pantau.audit.services import audit_record, diff, snapshot
from pantau.organisations import (
    admin_audit,  # noqa: F401  (registers the audit trail's admin)
)
from pantau.organisations.admin_base import AuditedAdmin, PemdaScopedAdminMixin, admin_pemda_ids
from pantau.organisations.models import Membership, Opd, Pemda, Wilayah
from pantau.organisations.services import PEMDA_SUPERUSER_FIELDS, pemda_create, pemda_update

User = get_user_model()


@admin.register(Pemda)
class PemdaAdmin(AuditedAdmin):
    list_display = ["kode", "nama", "domain_publik", "zona_waktu", "hari_batas_laporan", "aktif"]
    search_fields = ["kode", "nama"]

    def get_readonly_fields(self, request, obj=None):
        # The host selects whose catalogue is served and the code names the region: a pemda
        # admin who could change them could take over another pemda's portal.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += sorted(PEMDA_SUPERUSER_FIELDS)
        return readonly

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        """Through the services, like every other path: the superuser check on host and code,
        the audit event, and the hand-off (host map, roll-ups after a threshold change)."""
        fields = {name: getattr(obj, name) for name in form.changed_data}
        if not change:
            created = pemda_create(
                actor=request.user, kode=obj.kode, nama=obj.nama, zona_waktu=obj.zona_waktu
            )
            rest = {k: v for k, v in fields.items() if k not in ("kode", "nama", "zona_waktu")}
            saved = pemda_update(actor=request.user, pemda=created, **rest) if rest else created
        else:
            saved = pemda_update(actor=request.user, pemda=obj, **fields) if fields else obj
        obj.pk = saved.pk
        obj.refresh_from_db()


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
    # The user and OPD are chosen among the people and OPDs of the admin's own pemdas only
    # (PemdaScopedAdminMixin): a membership never joins a person or OPD of another pemda.
    raw_id_fields = ["user", "opd"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from pantau.organisations.access import forget_scope

        forget_scope(obj.user)


# Django registers its own user admin, which lists every account of the install.
if admin.site.is_registered(User):
    admin.site.unregister(User)

USER_SUPERUSER_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")
NOT_AUDITED = {"password", "last_login"}


@admin.register(User)
class PantauUserAdmin(PemdaScopedAdminMixin, UserAdmin):
    """Accounts: a pemda admin reaches the people of their own pemdas only (never a
    superuser), and may not change anyone's rights; a superuser manages every account.
    Every save is audited (never the password hash)."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [*USER_SUPERUSER_FIELDS, "last_login", "date_joined"]
        return readonly

    def has_add_permission(self, request):
        # A new account belongs to no pemda yet: only a superuser creates one and gives it
        # its first role.
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        # Someone who also holds a role in another pemda is changed (password, name, active)
        # only by a superuser: a pemda admin who could reset that password would enter the
        # other pemda as them.
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser:
            return True
        mine = admin_pemda_ids(request.user)
        return not Membership.objects.filter(user=obj).exclude(pemda__in=mine).exists()

    def _audit(self, request, obj, before, action):
        after = {k: v for k, v in snapshot(obj).items() if k not in NOT_AUDITED}
        changes = diff(before, after)
        if before is not None and not changes:
            return
        audit_record(actor=request.user, action=action, obj=obj, changes=changes)

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            before = {
                k: v
                for k, v in snapshot(User.objects.get(pk=obj.pk)).items()
                if k not in NOT_AUDITED
            }
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            self._audit(
                request, obj, before, "user.update.admin" if change else "user.create.admin"
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(actor=request.user, action="user.delete.admin", obj=obj)
            super().delete_model(request, obj)


# The admin speaks of Pantau, not of Django (its pages are for the pemda's Diskominfo).
admin.site.site_header = _("Administrasi Pantau")
admin.site.site_title = _("Administrasi Pantau")
admin.site.index_title = _("Data referensi dan pengaturan")


# Second factors are managed on Pantau's own pages only (decision 0027): django-otp's device
# admin would show every person's secret key to anyone holding its view right, across pemdas.
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
