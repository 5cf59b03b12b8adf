"""Webhook pages and API (included from community/urls.py)."""

from django.urls import path

from community.webhooks import api, views

urlpatterns = [
    path("teams/<id:pk>/webhooks/", views.team_webhooks, name="webhooks_team"),
    path("teams/<id:pk>/webhooks/new/", views.endpoint_new, name="webhook_new"),
    path("webhooks/<id:pk>/", views.endpoint_detail, name="webhook_endpoint"),
    path("webhooks/<id:pk>/edit/", views.endpoint_edit, name="webhook_edit"),
    path("webhooks/<id:pk>/rotate/", views.endpoint_rotate, name="webhook_rotate"),
    path("webhooks/<id:pk>/toggle/", views.endpoint_toggle, name="webhook_toggle"),
    path("webhooks/<id:pk>/delete/", views.endpoint_delete, name="webhook_delete"),
    path("webhooks/deliveries/<id:pk>/resend/", views.delivery_resend, name="webhook_resend"),
    path("api/v1/teams/<id:pk>/webhooks/", api.TeamEndpoints.as_view(), name="api_team_webhooks"),
    path("api/v1/webhooks/<id:pk>/", api.EndpointDetail.as_view(), name="api_webhook"),
    path("api/v1/webhooks/<id:pk>/rotate-secret/", api.rotate_secret, name="api_webhook_rotate"),
    path("api/v1/webhooks/<id:pk>/deliveries/", api.EndpointDeliveries.as_view(), name="api_webhook_deliveries"),
    path("api/v1/webhook-deliveries/<id:pk>/redeliver/", api.redeliver, name="api_webhook_redeliver"),
]
