"""Websocket URLs: one live connection per browser tab carries every topic."""

from django.urls import path

from community.consumers import LiveConsumer

websocket_urlpatterns = [path("ws/live/", LiveConsumer.as_asgi())]
