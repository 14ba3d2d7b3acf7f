from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from registry.accounts import language, session_keeping
from registry.notifications import views as notification_views
from registry.organisation import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(extra_context={"password_max_age_days": settings.PASSWORD_MAX_AGE_DAYS}),
        name="password_change",
    ),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/", include("registry.accounts.urls")),
    path("staff/", include("registry.accounts.staff.urls")),
    path("schools/<str:code>/", views.school_detail, name="school_detail"),
    path("schools/<str:code>/classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("authorities/<int:pk>/", views.authority_detail, name="authority_detail"),
    path("semesters/", views.semester_list, name="semester_list"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", notification_views.notification_read, name="notification_read"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notifications_read_all"),
    path("notifications/settings/", notification_views.notification_settings, name="notification_settings"),
    path("pupils/", include("students.urls")),
    path("", include("students.rollcheck.urls")),
    path("", include("students.school_numbers.urls")),
    path("", include("students.national.urls")),
    path("", include("students.problems.urls")),
    path("", include("transfers.urls")),
    path("", include("transfers.national.urls")),
    path("statistics/", include("reports.statistics.urls")),
    path("", include("archives.printing.urls")),
    path("", include("archives.urls")),
    path("", include("audit.urls")),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("accounts/session/keep-alive/", session_keeping.keep_alive, name="session_keep_alive"),
    path("admin/", admin.site.urls),
]
