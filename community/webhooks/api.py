"""REST API for a team's webhooks, for its staff: the same services and rules as the pages.

An endpoint or delivery of a team the caller does not manage is a 404 like a missing id; a
team's list answers the rule's words (403) to other staff.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from community.api import service_answer
from community.models import Team, WebhookDelivery, WebhookEndpoint
from community.webhooks import services
from community.webhooks.addresses import URL_MAX
from community.webhooks.events import EVENTS
from community.webhooks.rules import check_can_manage_webhooks


def _endpoint(request, pk) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.manageable_by(request.user).select_related("team").filter(pk=pk).first()
    if endpoint is None:
        raise NotFound(_("There is no such webhook endpoint."))
    return endpoint


class EndpointSerializer(serializers.ModelSerializer):
    url = serializers.CharField(max_length=URL_MAX)
    events = serializers.ListField(child=serializers.ChoiceField(choices=list(EVENTS)), max_length=len(EVENTS))
    secret = serializers.CharField(read_only=True, help_text="Signs every delivery; shown to the team's staff.")

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "team", "url", "events", "secret", "active", "disabled_reason", "consecutive_failures",
                  "created_at"]
        read_only_fields = ["team", "active", "disabled_reason", "consecutive_failures", "created_at"]


class EndpointUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=URL_MAX, required=False)
    events = serializers.ListField(child=serializers.ChoiceField(choices=list(EVENTS)), max_length=len(EVENTS),
                                   required=False)
    active = serializers.BooleanField(required=False)


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = ["id", "uuid", "event", "event_id", "manual", "status", "attempts", "response_code", "response_ms",
                  "error", "next_attempt_at", "created_at", "updated_at", "payload"]


class TeamEndpoints(generics.GenericAPIView):
    """A team's webhook endpoints (GET) and registering one (POST)."""

    permission_classes = [IsAuthenticated]
    serializer_class = EndpointSerializer
    pagination_class = None

    def _team(self, pk) -> Team:
        team = get_object_or_404(Team, pk=pk)
        service_answer(lambda: check_can_manage_webhooks(self.request.user, team))
        return team

    def get(self, request, pk):
        team = self._team(pk)
        return Response(EndpointSerializer(team.webhook_endpoints.all(), many=True).data)

    def post(self, request, pk):
        team = self._team(pk)
        data = EndpointSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = service_answer(lambda: services.create_endpoint(
            team=team, by=request.user, url=data.validated_data["url"], events=data.validated_data["events"]))
        return Response(EndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class EndpointDetail(generics.GenericAPIView):
    """One endpoint: read, change (url, events, active) or delete."""

    permission_classes = [IsAuthenticated]
    serializer_class = EndpointSerializer

    def get(self, request, pk):
        return Response(EndpointSerializer(_endpoint(request, pk)).data)

    @extend_schema(request=EndpointUpdateSerializer, responses=EndpointSerializer)
    def patch(self, request, pk):
        endpoint = _endpoint(request, pk)
        data = EndpointUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = data.validated_data

        def change():
            services.update_endpoint(endpoint=endpoint, by=request.user, url=changes.get("url"),
                                     events=changes.get("events"))
            if changes.get("active") is True and not endpoint.active:
                services.enable_endpoint(endpoint=endpoint, by=request.user)
            elif changes.get("active") is False and endpoint.active:
                services.disable_endpoint(endpoint=endpoint, by=request.user)

        service_answer(change)
        return Response(EndpointSerializer(endpoint).data)

    def delete(self, request, pk):
        endpoint = _endpoint(request, pk)
        service_answer(lambda: services.delete_endpoint(endpoint=endpoint, by=request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointDeliveries(generics.ListAPIView):
    """An endpoint's delivery log, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = DeliverySerializer

    def get_queryset(self):
        endpoint = _endpoint(self.request, self.kwargs["pk"])
        return endpoint.deliveries.order_by("-created_at", "-id")


@extend_schema(request=None, responses=EndpointSerializer)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def rotate_secret(request, pk):
    endpoint = _endpoint(request, pk)
    service_answer(lambda: services.rotate_secret(endpoint=endpoint, by=request.user))
    return Response(EndpointSerializer(endpoint).data)


@extend_schema(request=None, responses=DeliverySerializer)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def redeliver(request, pk):
    original = (
        WebhookDelivery.objects.filter(endpoint__in=WebhookEndpoint.objects.manageable_by(request.user))
        .select_related("endpoint__team").filter(pk=pk).first()
    )
    if original is None:
        raise NotFound(_("There is no such delivery."))
    copy = service_answer(lambda: services.redeliver(original=original, by=request.user))
    copy.refresh_from_db()
    return Response(DeliverySerializer(copy).data, status=status.HTTP_201_CREATED)
