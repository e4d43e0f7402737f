"""A small fake Discord on 127.0.0.1: REST under /api/v10 and a gateway websocket.

Payload shapes follow Discord's API documentation (developers/docs: Gateway, Interactions,
Message, Guild, Application). Comments name the fields discord.py 2.7 reads with ``data[...]``
(so a missing one raises KeyError); everything else it reads with ``.get`` and may be omitted.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

TOKEN = "fake-token.for-tests-only"
APP_ID = 900_000_000_000_000_001  # the bot user and its application share this id
GUILD_ID = 900_000_000_000_000_100
CHANNEL_ID = 900_000_000_000_000_200
MEMBER_ID = 900_000_000_000_000_300
HEARTBEAT_MS = 45_000


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    """A user object; discord.py requires id, username, discriminator and avatar."""
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": bot,
    }


BOT_USER = user(APP_ID, "citebot", bot=True)
MEMBER_USER = user(MEMBER_ID, "alice")


def member(who: dict[str, Any] = MEMBER_USER) -> dict[str, Any]:
    """A guild member; discord.py requires user (except inside a message), roles and flags."""
    return {"user": who, "roles": [], "flags": 0, "joined_at": "2024-01-01T00:00:00+00:00"}


def guild_create() -> dict[str, Any]:
    """GUILD_CREATE: a guild with one text channel, the bot itself as its only cached member.

    discord.py requires the guild's id, and each channel's id, type, name, position and
    permission_overwrites (read when it computes permissions).
    """
    return {
        "id": str(GUILD_ID),
        "name": "Readers",
        "owner_id": str(MEMBER_ID),
        "unavailable": False,
        "member_count": 2,
        "roles": [
            {
                "id": str(GUILD_ID),
                "name": "@everyone",
                "permissions": "68608",
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
            }
        ],
        "channels": [
            {
                "id": str(CHANNEL_ID),
                "type": 0,
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
                "guild_id": str(GUILD_ID),
            }
        ],
        "members": [member(BOT_USER)],
        "threads": [],
        "emojis": [],
        "stickers": [],
        "features": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def message(message_id: int, author: dict[str, Any], content: str, **extra: Any) -> dict[str, Any]:
    """A message; discord.py requires id, channel_id, author, content, timestamp,
    edited_timestamp, tts, mention_everyone, mentions, mention_roles, attachments, embeds,
    pinned and type."""
    return {
        "id": str(message_id),
        "channel_id": str(CHANNEL_ID),
        "author": author,
        "content": content,
        "timestamp": "2024-01-01T00:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        **extra,
    }


def slash_ask(
    interaction_id: int, question: str, who: dict[str, Any] = MEMBER_USER
) -> dict[str, Any]:
    """INTERACTION_CREATE for /ask; discord.py requires id, type, token, version,
    application_id, attachment_size_limit and, in a guild, member with permissions.

    Each interaction has its own token, as on Discord, so its callback path names it.
    """
    return {
        "id": str(interaction_id),
        "application_id": str(APP_ID),
        "type": 2,  # APPLICATION_COMMAND
        "data": {
            "id": "1",
            "name": "ask",
            "type": 1,  # CHAT_INPUT
            "options": [{"name": "question", "type": 3, "value": question}],
        },
        "guild_id": str(GUILD_ID),
        "channel_id": str(CHANNEL_ID),
        "channel": {"id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID), "name": "general"},
        "member": {**member(who), "permissions": "2248473465835073"},
        "token": interaction_token(interaction_id),
        "version": 1,
        "app_permissions": "2248473465835073",
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
        "attachment_size_limit": 8_388_608,
    }


def button_click(
    interaction_id: int, custom_id: str, under: dict[str, Any], who: dict[str, Any] = MEMBER_USER
) -> dict[str, Any]:
    """INTERACTION_CREATE for a click on the button ``custom_id`` under the message ``under``;
    discord.py requires data.custom_id, data.component_type and the message."""
    click = slash_ask(interaction_id, "", who)
    del click["data"]
    return {
        **click,
        "type": 3,  # MESSAGE_COMPONENT
        "data": {"custom_id": custom_id, "component_type": 2},  # a button
        "message": under,
    }


def interaction_token(interaction_id: int) -> str:
    """The token of the interaction ``interaction_id``, as slash_ask builds it."""
    return f"interaction-token-{interaction_id}"


def callback_path(interaction_id: int) -> str:
    """The path of the first response to the interaction ``interaction_id``."""
    return f"/interactions/{interaction_id}/{interaction_token(interaction_id)}/callback"


def mention(message_id: int, text: str) -> dict[str, Any]:
    """MESSAGE_CREATE for a member mentioning the bot; gateway messages add guild_id/member."""
    return message(
        message_id,
        MEMBER_USER,
        f"<@{APP_ID}> {text}",
        guild_id=str(GUILD_ID),
        member={key: value for key, value in member().items() if key != "user"},
        mentions=[BOT_USER],
    )


@dataclass
class Recorded:
    """One REST request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int  # what the fake answered


@dataclass
class FakeDiscord:
    """Serve just enough of Discord for discord.py to log in, connect and answer."""

    token: str = TOKEN
    # Privileged intents not switched on in the "developer portal": IDENTIFY with one -> 4014.
    refused_intents: int = 0
    requests: list[Recorded] = field(default_factory=list)
    gateway_received: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None
    _socket: web.WebSocketResponse | None = None
    _sequence: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(APP_ID + 10_000))
    # Statuses to answer the next interaction callbacks with before succeeding (429, 500).
    callback_faults: list[int] = field(default_factory=list)
    # Interaction id -> time.monotonic() when it was dispatched, and when its first response
    # (an answer, a message or a deferral) came back to the fake with a 2xx status.
    dispatched_at: dict[int, float] = field(default_factory=dict)
    first_response_at: dict[int, float] = field(default_factory=dict)
    # The close code of every gateway connection the bot closed itself (None: no close frame).
    close_codes: list[int | None] = field(default_factory=list)
    _dropped: list[web.WebSocketResponse] = field(default_factory=list)
    _connected: asyncio.Event = field(default_factory=asyncio.Event)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def api_base(self) -> str:
        """The REST base URL to put in discord.http.Route.BASE."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """The gateway URL, as GET /gateway/bot reports it."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1 only."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Close the gateway and stop serving."""
        if self._socket is not None and not self._socket.closed:
            self._dropped.append(self._socket)
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_until_ready_sent(self, timeout: float = 10) -> None:
        """Wait until READY and GUILD_CREATE have gone out."""
        await asyncio.wait_for(self._connected.wait(), timeout)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway DISPATCH (op 0) event to the bot."""
        assert self._socket is not None, "the bot has not connected to the gateway"
        payload = {"op": 0, "t": event, "s": next(self._sequence), "d": data}
        await self._socket.send_str(json.dumps(payload))

    async def send_interaction(self, data: dict[str, Any]) -> int:
        """Dispatch INTERACTION_CREATE and note when; return the interaction id."""
        interaction_id = int(data["id"])
        self.dispatched_at[interaction_id] = time.monotonic()
        await self.dispatch("INTERACTION_CREATE", data)
        return interaction_id

    async def drop_gateway(self, code: int) -> None:
        """Close the bot's gateway connection from Discord's side with ``code``."""
        assert self._socket is not None, "the bot has not connected to the gateway"
        self._connected.clear()
        self._dropped.append(self._socket)
        await self._socket.close(code=code, message=b"closed by the fake")

    async def ask_to_reconnect(self) -> None:
        """Send op 7 RECONNECT: the bot should close this connection and resume on a new one."""
        assert self._socket is not None, "the bot has not connected to the gateway"
        self._connected.clear()
        await self._socket.send_json({"op": 7, "d": None})

    async def wait_for(
        self, predicate: Callable[[Recorded], bool], timeout: float = 10
    ) -> Recorded:
        """Wait for a REST request matching ``predicate``."""

        async def seen() -> Recorded:
            async with self._changed:
                while True:
                    for request in self.requests:
                        if predicate(request):
                            return request
                    await self._changed.wait()

        return await asyncio.wait_for(seen(), timeout)

    def new_id(self) -> int:
        """Return a fresh snowflake."""
        return next(self._ids)

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        body = await request.json() if request.can_read_body else None
        path = "/" + request.match_info["tail"]
        authorised = request.headers.get("Authorization") == f"Bot {self.token}"
        by_token = path.startswith(("/interactions/", "/webhooks/"))  # these use their token
        if not authorised and not by_token:
            response = _json({"message": "401: Unauthorized", "code": 0}, status=401)
        elif path.endswith("/callback") and self.callback_faults:
            response = _fault(self.callback_faults.pop(0))
        else:
            response = self._respond(request.method, path, body)
        if path.endswith("/callback") and 200 <= response.status < 300:
            self.first_response_at.setdefault(int(path.split("/")[2]), time.monotonic())
        async with self._changed:
            recorded = Recorded(request.method, path, dict(request.query), body, response.status)
            self.requests.append(recorded)
            self._changed.notify_all()
        return response

    def _respond(self, method: str, path: str, body: Any) -> web.StreamResponse:
        parts = path.strip("/").split("/")
        if (method, path) == ("GET", "/users/@me"):
            return _json(BOT_USER)
        if (method, path) == ("GET", "/oauth2/applications/@me"):
            # Required by discord.py: id, name, description, icon, bot_public,
            # bot_require_code_grant, owner, verify_key.
            return _json(
                {
                    "id": str(APP_ID),
                    "name": "citebot",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": MEMBER_USER,
                    "verify_key": "0" * 64,
                    "flags": 0,
                }
            )
        if (method, path) == ("GET", "/gateway/bot"):
            limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
            return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})
        if method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            # discord.py requires id, application_id, name and description of each command;
            # Discord returns description "" for context menus.
            synced = [
                {"id": str(self.new_id()), "application_id": str(APP_ID), "description": "", **c}
                for c in body
            ]
            return _json(synced)
        if method == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            return _json(self._callback(int(parts[1]), body))
        if method == "POST" and parts[0] == "channels" and parts[-1] == "messages":
            sent = message(self.new_id(), BOT_USER, body.get("content") or "", **_shown(body))
            return _json(sent)
        if parts[0] == "webhooks" and method in ("POST", "PATCH", "GET"):  # follow-ups
            shown = body or {}
            return _json(
                message(self.new_id(), BOT_USER, shown.get("content") or "", **_shown(shown))
            )
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    def _callback(self, interaction_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """An interaction callback response (?with_response=1): the interaction and message."""
        data = body.get("data") or {}
        ephemeral = bool(data.get("flags", 0) & 64)
        message_id = self.new_id()
        return {
            # discord.py requires interaction.id; it reads the rest with .get.
            "interaction": {
                "id": str(interaction_id),
                "type": 2,
                "response_message_id": str(message_id),
                "response_message_loading": False,
                "response_message_ephemeral": ephemeral,
            },
            "resource": {
                "type": body["type"],
                "message": message(message_id, BOT_USER, data.get("content") or "", **_shown(data)),
            },
        }

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()  # autoclose: a close frame is answered at once
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_MS}})  # HELLO
        closed_with: int | None = None  # the code in the bot's close frame; None: no frame
        while True:
            frame = await socket.receive()
            if frame.type is WSMsgType.CLOSE:
                closed_with = frame.data
                await socket.close()
                break
            if frame.type in (WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                break
            if frame.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(frame.data)
            self.gateway_received.append(payload)
            if payload["op"] == 1:  # HEARTBEAT -> HEARTBEAT_ACK
                await socket.send_json({"op": 11})
            elif payload["op"] == 6:  # RESUME -> RESUMED: nothing was missed
                await self.dispatch("RESUMED", {})
                self._connected.set()
            elif payload["op"] == 2 and payload["d"]["intents"] & self.refused_intents:
                await socket.close(code=4014, message=b"Disallowed intent(s).")
            elif payload["op"] == 2:  # IDENTIFY -> READY, then the guild
                await self._ready()
        if socket not in self._dropped:  # the bot closed it, or the connection was lost
            self.close_codes.append(closed_with)
        return socket

    async def _ready(self) -> None:
        # READY: discord.py requires v, user, guilds, session_id and resume_gateway_url;
        # application.id tells it which application's commands it is running.
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": BOT_USER,
                "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                "session_id": "fake-session",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(APP_ID), "flags": 0},
                "shard": [0, 1],
            },
        )
        await self.dispatch("GUILD_CREATE", guild_create())
        self._connected.set()


def _shown(data: dict[str, Any]) -> dict[str, Any]:
    """The parts of a sent message that come back in its message object."""
    return {
        "embeds": data.get("embeds") or [],
        "components": data.get("components") or [],
        "flags": data.get("flags", 0),
    }


def _fault(status: int) -> web.Response:
    """A failed request as Discord answers it: 429 with its retry_after, or a server error."""
    if status == 429:
        # discord.py retries a 429 only when it came through Discord's proxy (a Via header);
        # without one it takes it for a Cloudflare ban and gives up.
        limited = {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}
        response = _json(limited, status=429)
        response.headers.update({"Via": "1.1 google", "Retry-After": "1"})
        return response
    return _json({"message": f"{status}: Server Error", "code": 0}, status=status)


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py parses a body as JSON only when Content-Type is exactly application/json,
    # as Discord sends it (aiohttp's json_response would add "; charset=utf-8").
    body = json.dumps(data).encode("utf-8")
    return web.Response(body=body, status=status, headers={"Content-Type": "application/json"})
