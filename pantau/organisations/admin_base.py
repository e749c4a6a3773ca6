"""Django admin for reference data: every save and delete is audited, and tenant-owned rows are
limited to the pemdas where the staff user is `admin` (superusers see everything)."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction

from pantau.audit.services import audit_record, save_audited, snapshot


def admin_pemda_ids(user) -> set[int]:
    from pantau.organisations.access import scope_for
    from pantau.organisations.choices import Role

    return {pemda for pemda, role in scope_for(user).roles.items() if role == Role.ADMIN}


class AuditedAdmin(admin.ModelAdmin):
    tenant_field: str | None = "pemda"

    def _action(self, verb: str) -> str:
        return f"{self.model._meta.model_name}.{verb}.admin"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.tenant_field and not request.user.is_superuser:
            qs = qs.filter(**{f"{self.tenant_field}__in": admin_pemda_ids(request.user)})
        return qs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "pemda" and not request.user.is_superuser:
            field.queryset = field.queryset.filter(pk__in=admin_pemda_ids(request.user))
        return field

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        with transaction.atomic():
            save_audited(
                actor=request.user,
                obj=obj,
                action=self._action("update" if change else "create"),
                before=before,
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=self._action("delete"),
                obj=obj,
                changes={k: [v, None] for k, v in snapshot(obj).items()},
            )
            obj.delete()

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
