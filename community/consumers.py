"""The one websocket consumer: a member's own events plus the topics a page subscribes to."""

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community import events, live, rules, visibility

logger = logging.getLogger(__name__)

MAX_TOPICS = 60


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Protocol: the browser sends {"subscribe": ["idea.12", "board.3"]}; the server answers
    each allowed topic with snapshot events, then pushes events as they happen. Topics the
    viewer may not see are refused silently (no hint that they exist); a frame or topic that
    is not the protocol gets {"type": "error"} and the socket stays open."""

    async def connect(self):
        self.user = self.scope.get("user") or AnonymousUser()
        self.groups_joined = set()
        # Staff who still owe their TOTP are anonymous here, as every page but their account
        # pages refuses them: the socket serves what any visitor sees and nothing more, and
        # live.js keeps working on the MFA set-up page (a refused socket would reconnect forever).
        if self.user.is_authenticated and await database_sync_to_async(rules.needs_mfa_setup)(self.user):
            self.user = AnonymousUser()
        await self.accept()
        if self.user.is_authenticated:
            await self.join(live.member_group(self.user.pk))
            await self.send_json(await database_sync_to_async(events.notification_state)(self.user.pk))

    async def join(self, group):
        if group not in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.add(group)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # The parent raises on a binary frame or bad JSON, which closes the socket; JSON nested
        # thousands deep raises RecursionError.
        if text_data is None:
            await self._send_error(_("Send text frames with JSON, not binary data."))
            return
        try:
            content = await self.decode_json(text_data)
        except (ValueError, RecursionError):
            await self._send_error(_("That frame is not JSON."))
            return
        await self.receive_json(content, **kwargs)

    async def receive_json(self, content, **kwargs):
        topics = content.get("subscribe") if isinstance(content, dict) else None
        if not isinstance(topics, list):
            await self._send_error(_('Send {"subscribe": [topics]}.'))
            return
        malformed = 0
        for topic in topics[:MAX_TOPICS]:
            if live.parse_topic(topic) is None:
                malformed += 1
            elif len(self.groups_joined) < MAX_TOPICS:
                await self._subscribe(topic)
        if malformed:
            await self._send_error(
                ngettext(
                    'Topics are strings such as "idea.12"; %(count)s was not.',
                    'Topics are strings such as "idea.12"; %(count)s were not.',
                    malformed,
                )
                % {"count": malformed}
            )

    # Helpers start with "_": Channels never dispatches a channel-layer message type to them.
    async def _subscribe(self, topic):
        try:
            resolved = await database_sync_to_async(self._resolve)(topic)
        except Exception:  # one topic's failure must not close the socket for the others
            logger.exception("Could not resolve live topic %r", topic)
            await self._send_error(_("Could not subscribe to that topic. Try again later."))
            return
        if resolved is None:
            return
        group, snapshot = resolved
        await self.join(group)
        for message in snapshot:
            await self.send_json(message)

    def _resolve(self, topic):
        # Page passwords given in this browser's session open the pages' topics too, as on the site.
        token = visibility.remember_passwords(self.scope.get("session"))
        try:
            return live.resolve(self.user, topic)
        finally:
            visibility.forget_passwords(token)

    async def _send_error(self, message):
        await self.send_json({"type": "error", "message": str(message)})

    async def live_event(self, event):
        await self.send_json(event["message"])

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
