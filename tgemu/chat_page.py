"""The chat page: a browser plays the people on the other side of the bot.

``ChatPage`` serves ``tgemu/web/`` (plain HTML, CSS and JavaScript) under ``/chat/`` and a JSON
API for it: the state of one person's chat (long-polled: it answers once anything the person
would see changes), and what a Telegram client lets them do: send text, press an inline or a
reply button (the contact button shares their phone), send a file, open a t.me deep link as
scanning a QR code would, and move the demo clock forward. Every action goes through the same
``EmuUser`` methods the tests use, so the bot sees exactly what Telegram would send it.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from aiohttp import web

from tgemu.engine import Emulator
from tgemu.keyboards import reply_buttons
from tgemu.models import Chat, ChatMessage
from tgemu.users import EmuUser

WEB_DIR = Path(__file__).resolve().parent / "web"
# A long poll answers after this many seconds even if nothing changed (under proxies' timeouts).
POLL_SECONDS = 25.0
MAX_JUMP_SECONDS = 7 * 24 * 3600
MAX_TEXT = 4096
LINKS_SHOWN = 8
ANSWERS_SHOWN = 20
LINK_IN_TEXT = re.compile(r"(?:https?://)?t\.me/[A-Za-z0-9_]+\?start=[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Persona:
    """Someone the page lets you play; `role` is shown under the name."""

    user_id: int
    first_name: str
    last_name: str | None
    language_code: str | None
    phone: str
    role: str
    # Has talked to the bot before (the bot may write first), or never has.
    started: bool = False

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


class TimeTravel:
    """A forward offset on the emulator's wall clock, moved from the page. `on_change` gets
    the new offset in seconds, to move whatever else keeps the demo's time (the bot)."""

    def __init__(self, on_change: Callable[[float], None] | None = None) -> None:
        self.offset = 0.0
        self.on_change = on_change

    def wall_clock(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        if not 0 < seconds <= MAX_JUMP_SECONDS:
            raise ValueError(f"a jump is forward and at most {MAX_JUMP_SECONDS} s")
        self.offset += seconds
        if self.on_change is not None:
            self.on_change(self.offset)


class PageError(Exception):
    """An action the client cannot do; answered 400 with the reason for the page to show."""


class ChatPage:
    def __init__(
        self,
        emulator: Emulator,
        personas: Iterable[Persona],
        time_travel: TimeTravel | None = None,
        samples: Mapping[str, Path] | None = None,
    ) -> None:
        """`samples`: files offered in the attach menu by name (an event plan, say)."""
        self.emulator = emulator
        self.personas = {persona.user_id: persona for persona in personas}
        self.time_travel = time_travel
        self.samples = dict(samples or {})
        for persona in self.personas.values():
            user = emulator.user(
                persona.user_id,
                first_name=persona.first_name,
                last_name=persona.last_name,
                language_code=persona.language_code,
                phone=persona.phone,
            )
            user.profile.started = user.profile.started or persona.started

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/", self.home)
        app.router.add_get("/chat/", self.index)
        app.router.add_static("/chat/static/", WEB_DIR)
        app.router.add_get("/chat/api/personas", self.list_personas)
        app.router.add_get("/chat/api/state", self.state)
        app.router.add_post("/chat/api/clock", self.clock)
        app.router.add_post("/chat/api/personas/{user_id:\\d+}/{action}", self.act)
        app.router.add_get("/chat/files/{file_id}", self.file)

    # --- reading -------------------------------------------------------------------------------

    async def home(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/chat/")

    async def index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(WEB_DIR / "index.html")

    async def list_personas(self, request: web.Request) -> web.Response:
        return web.json_response([self._persona_json(p) for p in self.personas.values()])

    async def state(self, request: web.Request) -> web.Response:
        """The persona's chat as their client shows it; with `since` (the etag the page has),
        it waits until something differs, or POLL_SECONDS pass."""
        user = self._user(request.query.get("persona", ""))
        since = request.query.get("since")

        def changed() -> bool:
            return self.emulator.closed or _etag(self.snapshot(user)) != since

        if since:
            await self.emulator.signal.wait_for(changed, POLL_SECONDS)
        snapshot = self.snapshot(user)
        return web.json_response({"etag": _etag(snapshot), **snapshot})

    def snapshot(self, user: EmuUser) -> dict[str, Any]:
        return {
            "bot": {
                "name": self.emulator.bot_user["first_name"],
                "username": self.emulator.bot_user["username"],
            },
            "clock_offset": self.time_travel.offset if self.time_travel else None,
            "samples": sorted(self.samples),
            "personas": [self._persona_json(persona) for persona in self.personas.values()],
            "chat": {
                "id": user.id,
                "messages": [self._message_json(m) for m in user.history() if not m.deleted],
                "reply_keyboard": _reply_keyboard_json(user.chat),
                "commands": user.visible_commands(),
                "answers": [
                    {"id": q.id, "text": q.answer_text, "alert": q.show_alert}
                    for q in user.callback_queries()[-ANSWERS_SHOWN:]
                    if q.answered and q.answer_text
                ],
                "pressing": [q.message_id for q in user.callback_queries() if not q.answered],
            },
            "links": self._deep_links(),
        }

    def _persona_json(self, persona: Persona) -> dict[str, Any]:
        chat = self.emulator.chats[persona.user_id]
        shown = [m for m in chat.messages.values() if not m.deleted]
        last = max(shown, key=lambda m: m.message_id) if shown else None
        return {
            "id": persona.user_id,
            "name": persona.name,
            "role": persona.role,
            "language": persona.language_code,
            "last_id": last.message_id if last else 0,
            "preview": _preview(last) if last else "",
        }

    def _message_json(self, message: ChatMessage) -> dict[str, Any]:
        stored = message.document or message.photo
        body: dict[str, Any] = {
            "id": message.message_id,
            "out": not message.from_bot,
            "date": message.date,
            "edited": message.edit_count > 0,
            "text": message.content,
            "entities": message.entities if message.text is not None else message.caption_entities,
            "buttons": [
                [
                    {"text": b.text, "callback": b.callback_data is not None, "url": b.url}
                    for b in row
                ]
                for row in message.buttons
            ],
        }
        if stored is not None:
            body["file"] = {
                "kind": stored.kind,
                "url": f"/chat/files/{stored.file_id}",
                "name": stored.filename or stored.file_path.rsplit("/", 1)[-1],
                "size": stored.size,
                "mime": stored.mime_type,
            }
        if message.contact is not None:
            body["contact"] = {
                "phone": message.contact["phone_number"],
                "name": message.contact.get("first_name", ""),
            }
        return body

    def _deep_links(self) -> list[dict[str, str]]:
        """Links to this bot that any chat shows, newest first: what one could scan or tap
        (the QR code at an entrance carries the same link as its caption)."""
        found: dict[str, str] = {}
        messages = [m for chat in self.emulator.chats.values() for m in chat.messages.values()]
        for message in sorted(messages, key=lambda m: (m.date, m.message_id), reverse=True):
            if not message.from_bot or message.deleted:
                continue
            for url in _links_in(message):
                if self._link_payload(url) is not None and url not in found:
                    found[url] = message.content.strip().split("\n", 1)[0][:80]
            if len(found) >= LINKS_SHOWN:
                break
        return [{"url": url, "label": label} for url, label in found.items()]

    async def file(self, request: web.Request) -> web.StreamResponse:
        stored = self.emulator.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        name = stored.filename or stored.file_path.rsplit("/", 1)[-1]
        disposition = "inline" if stored.kind == "photo" else "attachment"
        return web.Response(
            body=stored.data,
            content_type=stored.mime_type,
            headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}"},
        )

    # --- acting --------------------------------------------------------------------------------

    async def clock(self, request: web.Request) -> web.Response:
        if self.time_travel is None:
            return _refused("time travel is off in this emulator")
        body = await _json_body(request)
        try:
            self.time_travel.advance(float(body.get("seconds", 0)))
        except (TypeError, ValueError) as error:
            return _refused(str(error))
        self.emulator.notify()
        return web.json_response({"clock_offset": self.time_travel.offset})

    async def act(self, request: web.Request) -> web.Response:
        user = self._user(request.match_info["user_id"])
        action = request.match_info["action"]
        actions: dict[str, Callable[[EmuUser, web.Request], Any]] = {
            "text": self._send_text,
            "press": self._press,
            "reply": self._press_reply,
            "link": self._open_link,
            "document": self._send_document,
            "sample": self._send_sample,
        }
        if action not in actions:
            raise web.HTTPNotFound()
        try:
            await actions[action](user, request)
        except PageError as error:
            return _refused(str(error))
        return web.json_response({"ok": True})

    async def _send_text(self, user: EmuUser, request: web.Request) -> None:
        text = str((await _json_body(request)).get("text", "")).strip()
        if not 1 <= len(text) <= MAX_TEXT:
            raise PageError(f"a message is 1 to {MAX_TEXT} characters")
        user.send_text(text)

    async def _press(self, user: EmuUser, request: web.Request) -> None:
        body = await _json_body(request)
        try:
            message = user.chat.messages[int(body["message_id"])]
            button = message.buttons[int(body["row"])][int(body["column"])]
        except (KeyError, IndexError, TypeError, ValueError):
            raise PageError("no such button on the message") from None
        if message.deleted or not message.from_bot:
            raise PageError("the message is gone")
        if button.callback_data is None:
            raise PageError("the button is a link, not a callback button")
        user.press(lambda candidate: candidate == button, message)

    async def _press_reply(self, user: EmuUser, request: web.Request) -> None:
        text = str((await _json_body(request)).get("text", ""))
        if not any(b.text == text for row in user.reply_keyboard for b in row):
            raise PageError("the keyboard has no such button")
        user.press_reply_button(text)

    async def _open_link(self, user: EmuUser, request: web.Request) -> None:
        """As opening t.me/<bot>?start=<payload> (or scanning its QR code) in the app: the
        client sends "/start <payload>" in the chat with the bot."""
        url = str((await _json_body(request)).get("url", "")).strip()
        payload = self._link_payload(url)
        if payload is None:
            username = self.emulator.bot_user["username"]
            raise PageError(f"not a link to this bot: expected t.me/{username}?start=...")
        user.send_command("start", payload or None)

    async def _send_document(self, user: EmuUser, request: web.Request) -> None:
        upload = (await request.post()).get("file")
        if not isinstance(upload, web.FileField):
            raise PageError("no file in the form")
        # As the Bot API side: aiohttp clients percent-encode non-ASCII names, browsers do not.
        name = unquote(upload.filename)
        mime = upload.content_type or mimetypes.guess_type(name)[0]
        user.send_document(upload.file.read(), name, mime or "application/octet-stream")

    async def _send_sample(self, user: EmuUser, request: web.Request) -> None:
        name = str((await _json_body(request)).get("name", ""))
        if name not in self.samples:
            raise PageError(f"no sample file {name!r}")
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        user.send_document(self.samples[name].read_bytes(), name, mime)

    # --- helpers -------------------------------------------------------------------------------

    def _user(self, user_id: str) -> EmuUser:
        if not user_id.isdigit() or int(user_id) not in self.personas:
            raise web.HTTPNotFound(text="no such persona")
        return self.emulator.user(int(user_id))

    def _link_payload(self, url: str) -> str | None:
        """The start payload ("" for none) of a link to this bot, or None for any other link."""
        parts = urlsplit(url if "//" in url else f"https://{url}")
        query = parse_qs(parts.query)
        if parts.scheme == "tg" and parts.netloc == "resolve":
            username = query.get("domain", [""])[0]
        elif parts.netloc in ("t.me", "telegram.me"):
            username = parts.path.strip("/")
        else:
            return None
        if username.lower() != str(self.emulator.bot_user["username"]).lower():
            return None
        return query.get("start", [""])[0]


def _reply_keyboard_json(chat: Chat) -> dict[str, Any] | None:
    rows = reply_buttons(chat.reply_keyboard)
    if not rows:
        return None
    return {
        "rows": [[{"text": b.text, "contact": b.request_contact} for b in row] for row in rows],
        "placeholder": (chat.reply_keyboard or {}).get("input_field_placeholder"),
    }


def _links_in(message: ChatMessage) -> list[str]:
    entities = message.entities if message.text is not None else message.caption_entities
    urls = [entity["url"] for entity in entities if entity.get("type") == "text_link"]
    return urls + LINK_IN_TEXT.findall(message.content)


def _preview(message: ChatMessage) -> str:
    if message.document is not None:
        return f"📄 {message.document.filename or ''}".strip()
    if message.photo is not None:
        return "🖼 " + message.content.split("\n", 1)[0]
    if message.contact is not None:
        return "📱 " + str(message.contact["phone_number"])
    return message.content.split("\n", 1)[0][:80]


def _etag(snapshot: dict[str, Any]) -> str:
    encoded = json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha1(encoded, usedforsecurity=False).hexdigest()


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except json.JSONDecodeError:
        raise web.HTTPBadRequest(text="the body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="the body must be a JSON object")
    return body


def _refused(reason: str) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=400)
