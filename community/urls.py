"""URL root: site pages, accounts, admins, API, and Wagtail's page tree last."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from community import api, api_customers, customer_views, token_views, views
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
    path("members/me/api-tokens/", token_views.api_tokens, name="api_tokens"),
    path("members/me/api-tokens/<id:pk>/revoke/", token_views.api_token_revoke, name="api_token_revoke"),
    path("staff/api-tokens/", token_views.staff_api_tokens, name="staff_api_tokens"),
    path("staff/api-tokens/<id:pk>/revoke/", token_views.staff_api_token_revoke, name="staff_api_token_revoke"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<id:pk>/", views.notification_open, name="notification_open"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript_catalog"),
    path("staff/customers/", customer_views.customer_search, name="customer_search"),
    path("staff/customers/<id:pk>/", customer_views.customer_panel, name="customer_panel"),
    path("api/v1/notifications/", api.notification_list, name="api_notifications"),
    path("api/v1/notifications/read/", api.notification_read, name="api_notifications_read"),
    path("api/v1/customers/", api_customers.CustomerSearch.as_view(), name="api_customers"),
    path("api/v1/customers/<id:pk>/", api_customers.CustomerDetail.as_view(), name="api_customer"),
    path("api/v1/customers/<id:pk>/timeline/", api_customers.CustomerTimeline.as_view(), name="api_customer_timeline"),
    path("", include("community.webhooks.urls")),
    path("", include("ideas.urls")),
    path("", include("ideas.polls.urls")),
    path("", include("feedback.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The docs load Swagger UI from our static files; the split view serves its start-up
    # script as a file, so the page needs no inline script (CSP).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api_schema", template_name="community/api_docs.html"),
        name="api_docs",
    ),
    # Last of /api/: an address no endpoint answers is the API's JSON 404, not an HTML page.
    re_path(r"^api/", api.not_found),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Open idea boards skip Wagtail's routing queries (ideas/pagecache.py); every other page, and
# every other Wagtail URL (matched first), is Wagtail's.
urlpatterns += [pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"]
urlpatterns.append(re_path(r"^((?:[\w\-]+/)+)$", ideas_views.serve_page))
urlpatterns.append(path("", include(wagtail_urls)))
