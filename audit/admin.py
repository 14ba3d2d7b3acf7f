from django.contrib import admin

from audit.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, so the admin can list events but never add, change or delete."""

    list_display = ["id", "occurred_at", "action", "actor_name", "target_repr"]
    list_filter = ["action"]
    search_fields = ["actor_name", "target_repr", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
