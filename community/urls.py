"""URL root: site pages, accounts, admins, API, and Wagtail's page tree last."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from community import api, views
from ideas import views as ideas_views

# Both admin logins go through allauth's rate-limited (and MFA-aware) login.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)


class AdminLoginRedirect(RedirectView):
    pattern_name = "account_login"
    query_string = True


# A database outage before the view (loading the session or the member) is a 503 page too.
handler500 = "community.unavailable.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/login/", AdminLoginRedirect.as_view(), name="wagtailadmin_login_redirect"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("members/me/", views.profile, name="member_profile"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<id:pk>/", views.notification_open, name="notification_open"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript_catalog"),
    path("api/v1/notifications/", api.notification_list, name="api_notifications"),
    path("api/v1/notifications/read/", api.notification_read, name="api_notifications_read"),
    path("", include("ideas.urls")),
    path("", include("ideas.polls.urls")),
    path("", include("feedback.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Open idea boards skip Wagtail's routing queries (ideas/pagecache.py); every other page, and
# every other Wagtail URL (matched first), is Wagtail's.
urlpatterns += [pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"]
urlpatterns.append(re_path(r"^((?:[\w\-]+/)+)$", ideas_views.serve_page))
urlpatterns.append(path("", include(wagtail_urls)))
