"""The project's URLs with a bare view in front: `HttpResponse("ok")` at /bench-bare/, so it
pays the same middleware as every page and is the yardstick bench/board.py divides by."""

from django.http import HttpResponse
from django.urls import path

from community.urls import handler500  # noqa: F401  (the project's error view stays in use)
from community.urls import urlpatterns as project_urlpatterns


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench-bare/", bare, name="bench_bare"), *project_urlpatterns]
