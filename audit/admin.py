from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

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


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history pages only show: a past version can be read but not saved back
    (simple_history hides its "Revert" button under SIMPLE_HISTORY_REVERT_DISABLED, yet still accepts the
    POST). History rows themselves have no admin: they are never edited through the app."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
