"""The audit trail in the admin, read-only, limited to the pemdas the staff user administers
(here, not in `audit`, because the limit is organisations' scope: decision 0018)."""

from django.contrib import admin

from pantau.audit.models import AuditEvent
from pantau.organisations.admin_base import PemdaScopedAdminMixin


@admin.register(AuditEvent)
class AuditEventAdmin(PemdaScopedAdminMixin, admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_repr", "pemda", "opd"]
    list_filter = ["action", "object_type", ("pemda", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["pemda", "opd"]

    search_fields = ["actor_label", "object_repr", "action"]
    date_hierarchy = "at"

    # The trail is read-only everywhere, the admin included.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
