"""Django admin for feedback: a read-only back room for superusers (staff work in the Wagtail
admin and on the site, through the services)."""

from django.contrib import admin

from community.admin import ReadOnlyAdmin
from feedback.models import FeedbackItem, Membership, TagChange, Thread, TouchpointAnswer


@admin.register(FeedbackItem)
class FeedbackItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "source", "status", "created_at")
    list_filter = ("source", "status")


@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "programme", "created_at")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("member", "programme", "state", "created_at")
    list_filter = ("state",)


@admin.register(TouchpointAnswer)
class TouchpointAnswerAdmin(ReadOnlyAdmin):
    list_display = ("touchpoint", "score", "created_at")


@admin.register(TagChange)
class TagChangeAdmin(ReadOnlyAdmin):
    list_display = ("item", "tag", "action", "by", "rule_name", "created_at")
