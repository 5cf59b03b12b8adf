"""/healthz reports each dependency and answers 503 when one fails."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": True, "cache": True, "channel_layer": True},
    }


def test_healthz_is_503_when_the_cache_fails(client, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "set", broken)
    monkeypatch.setattr(cache, "probe", broken, raising=False)  # the Redis cache probes directly
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] is False
    assert response.json()["checks"]["database"] is True


def test_healthz_is_503_when_the_channel_layer_fails(client, monkeypatch):
    import community.views

    monkeypatch.setattr(community.views, "get_channel_layer", lambda: None)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"] is False
