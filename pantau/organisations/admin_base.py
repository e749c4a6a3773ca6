"""Django admin for reference data: every save and delete is audited, and a staff user who is
not a superuser (a pemda admin) reaches only the pemdas where they are `admin`: lists, change
forms, history pages, actions, the choices of every foreign-key field, raw-id labels and
lookups, autocomplete and the user admin (docs/security.md, "Tenants and the pemda admin")."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction

from pantau.audit.services import audit_record, save_audited, snapshot


def admin_pemda_ids(user) -> set[int]:
    from pantau.organisations.access import scope_for
    from pantau.organisations.choices import Role

    return {pemda for pemda, role in scope_for(user).roles.items() if role == Role.ADMIN}


def admin_rows(model, user, queryset: models.QuerySet | None = None) -> models.QuerySet:
    """The rows of `model` that a staff user reaches in the admin. A superuser reaches all;
    anyone else: their own pemdas, the rows those pemdas own (a `pemda` column), and the
    people who hold a role in them (never a superuser); national reference data (no pemda
    column: nomenclature, funding sources, topics, groups) as it is."""
    from pantau.organisations.models import Membership, Pemda

    qs = model._default_manager.all() if queryset is None else queryset
    if user.is_superuser:
        return qs
    pemdas = admin_pemda_ids(user)
    if model is Pemda:
        return qs.filter(pk__in=pemdas)
    if model is get_user_model():
        members = Membership.objects.filter(pemda__in=pemdas).values("user_id")
        return qs.filter(pk__in=members, is_superuser=False)
    if any(f.name == "pemda" for f in model._meta.get_fields()):
        return qs.filter(pemda__in=pemdas)
    return qs


class ScopedRawIdWidget(widgets.ForeignKeyRawIdWidget):
    """Django's raw-id widget names the chosen object by reading the whole table; this one
    reads only the rows the form field offers, so a typed-in id of another pemda shows no
    name (and the field refuses it)."""

    queryset: models.QuerySet | None = None

    def label_and_url_for_value(self, value):
        if self.queryset is None:
            return "", ""
        key = self.rel.get_related_field().name
        try:
            self.queryset.get(**{key: value})
        except (ValueError, TypeError, ValidationError, self.rel.model.DoesNotExist):
            return "", ""
        return super().label_and_url_for_value(value)


class PemdaScopedAdminMixin:
    """Limits what a pemda admin reaches through a ModelAdmin (see `admin_rows`)."""

    def get_queryset(self, request):
        return admin_rows(self.model, request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.raw_id_fields and "widget" not in kwargs:
            kwargs["widget"] = ScopedRawIdWidget(
                db_field.remote_field, self.admin_site, using=kwargs.get("using")
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is None:
            return field
        field.queryset = admin_rows(db_field.remote_field.model, request.user, field.queryset)
        if isinstance(field.widget, ScopedRawIdWidget):
            field.widget.queryset = field.queryset
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None:
            field.queryset = admin_rows(db_field.remote_field.model, request.user, field.queryset)
        return field


class AuditedAdmin(PemdaScopedAdminMixin, admin.ModelAdmin):
    def _action(self, verb: str) -> str:
        return f"{self.model._meta.model_name}.{verb}.admin"

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
