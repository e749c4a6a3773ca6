from django.contrib import admin

from pantau.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_repr", "pemda", "opd"]
    list_filter = ["action", "object_type", "pemda"]
    search_fields = ["actor_label", "object_repr", "action"]
    date_hierarchy = "at"

    # The trail is read-only everywhere, the admin included.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
