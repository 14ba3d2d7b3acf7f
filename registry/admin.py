from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from audit.admin import HistoryAdmin
from registry import events
from registry.models import Authority, CalendarDay, School, SchoolClass, Semester, TransferWindow, User
from registry.roles import Role

admin.site.site_header = _("Xueji administration")
admin.site.site_title = _("Xueji")


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    fieldsets = [(None, {"fields": ["full_name", "password_changed_at"]}), *UserAdmin.fieldsets]
    readonly_fields = ["password_changed_at"]
    list_display = ["username", "full_name", "is_active", "is_superuser", "last_login", "password_changed_at"]

    def save_model(self, request, obj, form, change):
        """Making or unmaking an administrator here is a role change like grant_role's, and audited so."""
        was_superuser = change and form.initial.get("is_superuser", False)
        super().save_model(request, obj, form, change)
        if obj.is_superuser and not was_superuser:
            events.role_granted(actor=request.user, user=obj, role=Role.ADMINISTRATOR, scope=None)
        elif was_superuser and not obj.is_superuser:
            events.role_revoked(actor=request.user, user=obj, role=Role.ADMINISTRATOR, scope=None)


@admin.register(Authority)
class AuthorityAdmin(HistoryAdmin, GuardedModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(School)
class SchoolAdmin(HistoryAdmin, GuardedModelAdmin):
    list_display = ["code", "name", "stage", "ownership", "authority", "class_size_cap"]
    list_filter = ["stage", "ownership", "authority"]
    search_fields = ["code", "name"]


@admin.register(SchoolClass)
class SchoolClassAdmin(HistoryAdmin):
    list_display = ["__str__", "school", "entry_year", "homeroom_teacher"]
    list_filter = ["school", "grade"]


class TransferWindowInline(admin.TabularInline):
    model = TransferWindow
    extra = 0


@admin.register(Semester)
class SemesterAdmin(HistoryAdmin):
    list_display = ["__str__", "starts_on", "ends_on"]
    inlines = [TransferWindowInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(HistoryAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
