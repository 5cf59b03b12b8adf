"""The one websocket consumer: a member's own events plus the topics a page subscribes to."""

import asyncio
import logging
import random
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community import events, live, rules, visibility

logger = logging.getLogger(__name__)

MAX_TOPICS = 60
# How often a socket checks that the channel layer still holds its groups (community/live.py,
# "Surviving a channel layer restart"), and joins them again anyway, before they expire.
RESYNC_EVERY = 10.0
RESYNC_EVERY_WHILE_DOWN = 2.0  # once it failed, notice its return soon
REJOIN_EVERY = 3600.0
LAYER_TIMEOUT = 2.0


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Protocol: the browser sends {"subscribe": ["idea.12", "board.3"]}; the server answers
    each allowed topic with snapshot events, then pushes events as they happen. Topics the
    viewer may not see are refused silently (no hint that they exist); a frame or topic that
    is not the protocol gets {"type": "error"} and the socket stays open."""

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:  # however the socket ended, its keeper ends with it
            keeper = getattr(self, "keeper", None)
            if keeper is not None:
                keeper.cancel()

    async def connect(self):
        self.user = self.scope.get("user") or AnonymousUser()
        self.groups_joined = set()
        self.topics = {}  # topic -> its group, resolved again (rules and snapshot) on a resync
        self.layer_ok = True  # False once a join or receive failed: resync when it is back
        self.epoch = live.current_epoch(self.channel_layer)
        self.joined_at = time.monotonic()
        # Staff who still owe their TOTP are anonymous here, as every page but their account
        # pages refuses them: the socket serves what any visitor sees and nothing more, and
        # live.js keeps working on the MFA set-up page (a refused socket would reconnect forever).
        if self.user.is_authenticated and await database_sync_to_async(rules.needs_mfa_setup)(self.user):
            self.user = AnonymousUser()
        await self.accept()
        self.keeper = asyncio.ensure_future(self._keep_groups())
        if self.user.is_authenticated:
            await self.join(live.member_group(self.user.pk))
            await self._send_member_state()

    async def join(self, group):
        if group not in self.groups_joined:
            self.groups_joined.add(group)
            await self._add_to_group(group)

    async def _add_to_group(self, group):
        """Join a group; if the layer is down the socket stays open and joins when it is back."""
        try:
            await asyncio.wait_for(self.channel_layer.group_add(group, self.channel_name), LAYER_TIMEOUT)
        except Exception as exc:
            self.layer_ok = False
            live.layer_outage.failed(exc, "Open pages get no live events until it is back.")

    async def _send_member_state(self):
        await self.send_json(await database_sync_to_async(events.notification_state)(self.user.pk))

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
        self.topics[topic] = group
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
        text = event.get("text")  # encoded once by live.publish_many for every socket
        await (self.send(text_data=text) if text else self.send_json(event["message"]))

    async def disconnect(self, code):
        for group in list(getattr(self, "groups_joined", ())):
            try:
                await asyncio.wait_for(self.channel_layer.group_discard(group, self.channel_name), LAYER_TIMEOUT)
            except Exception:  # the layer is down: its groups expire there on their own
                break

    # --- Surviving a channel layer outage or restart ---------------------------------------------
    # Channels ends the consumer (and the socket) when the layer's receive raises; a Redis restart
    # would close every socket at once, and while Redis is down they could not even connect.
    # Instead the socket stays open, the receive waits for the layer to return, and the keeper
    # joins the groups again and sends fresh snapshots, which repair what was missed.

    @property
    def channel_receive(self):
        return self._receive_from_layer

    @channel_receive.setter
    def channel_receive(self, receive):  # AsyncConsumer.__call__ sets the layer's receive here
        self._layer_receive = receive

    async def _receive_from_layer(self):
        delay = 1.0
        while True:
            try:
                return await self._layer_receive()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.layer_ok = False
                live.layer_outage.failed(exc, "Open pages get no live events until it is back.")
                await asyncio.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(delay * 2, 10.0)

    async def _keep_groups(self):
        while True:
            # Another socket of this worker may have met the outage first (they share one receive).
            down = not self.layer_ok or live.layer_outage.is_down
            pause = RESYNC_EVERY_WHILE_DOWN if down else RESYNC_EVERY
            await asyncio.sleep(pause * random.uniform(0.75, 1.25))
            try:
                await self._check_groups()
            except asyncio.CancelledError:
                raise
            except Exception:  # never let the keeper die: the next round tries again
                logger.warning("Could not resync a live socket", exc_info=True)

    async def _check_groups(self):
        epoch = await live.layer_epoch(self.channel_layer)
        if epoch is None:
            self.layer_ok = False
        elif not self.layer_ok or epoch != self.epoch:
            await self._resync(epoch)
        elif time.monotonic() - self.joined_at > REJOIN_EVERY:  # before the layer expires them
            self.joined_at = time.monotonic()
            for group in list(self.groups_joined):  # a subscribe may add one meanwhile
                await self._add_to_group(group)

    async def _resync(self, epoch):
        """Join every group again and send each topic's current state; a topic the member may
        no longer see is left. Anything failing leaves layer_ok False: the next round retries."""
        self.layer_ok, self.epoch, self.joined_at = True, epoch, time.monotonic()
        for group in list(self.groups_joined):  # a subscribe may add one meanwhile
            await self._add_to_group(group)
        if not self.layer_ok:
            return
        try:
            if self.user.is_authenticated:
                await self._send_member_state()
            for topic, group in list(self.topics.items()):
                resolved = await database_sync_to_async(self._resolve)(topic)
                if resolved is None:
                    del self.topics[topic]
                    self.groups_joined.discard(group)
                    await self.channel_layer.group_discard(group, self.channel_name)
                for message in resolved[1] if resolved else ():
                    await self.send_json(message)
        except Exception:
            self.layer_ok = False
            raise
