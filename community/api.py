"""REST API for members' own notifications, and the schema's scope (our /api/ only)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from community import queries, services
from community.api_auth import ScopePermission
from community.api_base import StrictSerializer
from community.api_common import refusals
from community.inputs import MAX_ID
from community.models import Notification


def public_api_only(endpoints, **kwargs):
    """drf-spectacular hook: describe our API, not the Wagtail admin's internal one."""
    return [e for e in endpoints if e[0].startswith("/api/")]


def service_answer(call, fields=("url", "events")):
    """Run a service for an API view through community.api_common.refusals: NotAllowed is a 403
    with its words, a ValidationError a 400 under the field its code names."""
    with refusals(fields=fields):
        return call()


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]


class ReadSerializer(StrictSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, max_length=500
    )


class StateSerializer(serializers.Serializer):
    unread = serializers.IntegerField()
    version = serializers.IntegerField()


@extend_schema(tags=["notifications"])
class NotificationList(generics.ListAPIView):
    """The signed-in member's notifications, newest first."""

    serializer_class = NotificationSerializer
    permission_classes = [ScopePermission, IsAuthenticated]

    def get_queryset(self):
        return queries.notifications_for(self.request.user)


notification_list = NotificationList.as_view()


@extend_schema(request=ReadSerializer, responses=StateSerializer, tags=["notifications"])
@api_view(["POST"])
@permission_classes([ScopePermission, IsAuthenticated])
def notification_read(request):
    data = ReadSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    services.mark_notifications_read(request.user, ids=data.validated_data.get("ids"))
    unread, version = queries.notification_state(request.user.pk)
    return Response({"unread": unread, "version": version})


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([])
def not_found(request):
    """Any /api/ address no endpoint answers: the API's JSON 404, not the site's HTML page."""
    raise NotFound()
