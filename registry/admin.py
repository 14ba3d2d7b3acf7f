from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from audit.admin import HistoryAdmin
from registry.models import Authority, CalendarDay, School, SchoolClass, Semester, TransferWindow, User

admin.site.site_header = _("Xueji administration")
admin.site.site_title = _("Xueji")


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Read-only as to sign-in and roles: disabling, the administrator flag and roles are changed on the staff
    pages (registry.accounts.staff), where the rules (officer's reach, the last administrator) hold and every
    change is audited. Raw permissions and groups are not used by Xueji and cannot be edited here."""

    fieldsets = [(None, {"fields": ["full_name", "phone", "password_changed_at"]}), *UserAdmin.fieldsets]
    readonly_fields = [
        "password_changed_at",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "last_login",
        "date_joined",
    ]
    list_display = ["username", "full_name", "is_active", "is_superuser", "last_login", "password_changed_at"]


@admin.register(Authority)
class AuthorityAdmin(HistoryAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(School)
class SchoolAdmin(HistoryAdmin):
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
