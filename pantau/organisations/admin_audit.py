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

    # The recorded change may hold rahasia values, which the audit viewer (/audit/) shows only to
    # those entitled (selectors_audit): a pemda admin in the Django admin sees who did what to
    # which object, never the values.
    def get_exclude(self, request, obj=None):
        hidden = ["changes"] if not request.user.is_superuser else []
        return [*(super().get_exclude(request, obj) or []), *hidden]

    # The trail is read-only everywhere, the admin included.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
