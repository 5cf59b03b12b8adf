"""The one websocket consumer: a member's own events plus the topics a page subscribes to."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from community import events, live

MAX_TOPICS = 60


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Protocol: the browser sends {"subscribe": ["idea.12", "board.3"]}; the server answers
    each allowed topic with snapshot events, then pushes events as they happen. Topics the
    viewer may not see are refused silently (no hint that they exist)."""

    async def connect(self):
        self.user = self.scope.get("user")
        self.groups_joined = set()
        await self.accept()
        if self.user is not None and self.user.is_authenticated:
            await self.join(live.member_group(self.user.pk))
            await self.send_json(await database_sync_to_async(events.notification_state)(self.user.pk))

    async def join(self, group):
        if group not in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.add(group)

    async def receive_json(self, content, **kwargs):
        topics = content.get("subscribe") if isinstance(content, dict) else None
        if not isinstance(topics, list):
            await self.send_json({"type": "error", "message": 'Send {"subscribe": [topics]}.'})
            return
        for topic in topics[:MAX_TOPICS]:
            if not isinstance(topic, str) or len(self.groups_joined) >= MAX_TOPICS:
                continue
            resolved = await database_sync_to_async(live.resolve)(self.user, topic)
            if resolved is None:
                continue
            group, snapshot = resolved
            await self.join(group)
            for message in snapshot:
                await self.send_json(message)

    async def live_event(self, event):
        await self.send_json(event["message"])

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
