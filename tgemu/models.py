"""The emulator's state: people, private chats, messages, callback queries, updates, calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tgemu.errors import ApiError
from tgemu.files import StoredFile
from tgemu.keyboards import Button, inline_buttons
from tgemu.waiting import Signal


@dataclass
class UserProfile:
    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    phone: str
    # The bot may only write to people who have written to it first.
    started: bool = False
    blocked: bool = False
    deactivated: bool = False

    def to_json(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        optional = {
            "last_name": self.last_name,
            "username": self.username,
            "language_code": self.language_code,
        }
        user.update({key: value for key, value in optional.items() if value is not None})
        return user


@dataclass
class ChatMessage:
    """A message in a private chat, in its current state (edits applied, deletion flagged)."""

    chat: Chat = field(repr=False)
    message_id: int
    sender: dict[str, Any] = field(repr=False)
    date: int
    from_bot: bool
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    document: StoredFile | None = None
    photo: StoredFile | None = None
    contact: dict[str, Any] | None = None
    # The inline keyboard under the message; reply keyboards belong to the chat instead.
    reply_markup: dict[str, Any] | None = None
    # What the bot passed as text or caption, e.g. the HTML source before parsing.
    source: str | None = None
    parse_mode: str | None = None
    edit_date: int | None = None
    edit_count: int = 0
    deleted: bool = False

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def content(self) -> str:
        """The text, or the caption of a media message ("" when there is neither)."""
        return self.text if self.text is not None else self.caption or ""

    @property
    def buttons(self) -> list[list[Button]]:
        return inline_buttons(self.reply_markup)

    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    def find_button(self, text: str) -> Button | None:
        return next((b for row in self.buttons for b in row if b.text == text), None)

    def to_json(self) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat.to_json(),
            "date": self.date,
        }
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.text is not None:
            message["text"] = self.text
            if self.entities:
                message["entities"] = self.entities
        if self.document is not None:
            message["document"] = self.document.document_json()
        if self.photo is not None:
            message["photo"] = self.photo.photo_json()
        if self.caption:
            message["caption"] = self.caption
            if self.caption_entities:
                message["caption_entities"] = self.caption_entities
        if self.contact is not None:
            message["contact"] = self.contact
        if self.reply_markup is not None:
            message["reply_markup"] = self.reply_markup
        return message

    def describe(self) -> str:
        who = "bot" if self.from_bot else "user"
        state = " (deleted)" if self.deleted else " (edited)" if self.edit_count else ""
        if self.document is not None:
            body = f"[document {self.document.filename} {self.document.size} B] {self.content}"
        elif self.photo is not None:
            body = f"[photo {self.photo.size} B] {self.content}"
        elif self.contact is not None:
            body = f"[contact {self.contact['phone_number']} user_id={self.contact.get('user_id')}]"
        else:
            body = self.content
        line = f"#{self.message_id} {who}{state}: {body.strip()}"
        if self.buttons:
            rows = " / ".join(
                " | ".join(f"{b.text} ({b.callback_data or b.url})" for b in row)
                for row in self.buttons
            )
            line += f"\n    inline: {rows}"
        return line


@dataclass
class Chat:
    """The private chat between the bot and one user (its id is the user's id)."""

    user: UserProfile
    messages: dict[int, ChatMessage] = field(default_factory=dict, repr=False)
    last_message_id: int = 0
    # The reply keyboard the client currently shows in place of the system keyboard.
    reply_keyboard: dict[str, Any] | None = None

    @property
    def id(self) -> int:
        return self.user.id

    def to_json(self) -> dict[str, Any]:
        chat: dict[str, Any] = {
            "id": self.id,
            "type": "private",
            "first_name": self.user.first_name,
        }
        if self.user.last_name is not None:
            chat["last_name"] = self.user.last_name
        if self.user.username is not None:
            chat["username"] = self.user.username
        return chat

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id


@dataclass
class CallbackQueryRecord:
    id: str
    user_id: int
    message_id: int
    data: str
    created_at: float
    signal: Signal = field(repr=False, compare=False)
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False
    url: str | None = None

    async def wait_answered(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        if not await self.signal.wait_for(lambda: self.answered, timeout):
            raise AssertionError(
                f"callback query {self.id} (data={self.data!r}) was not answered in {timeout} s"
            )


@dataclass
class Update:
    update_id: int
    kind: str
    payload: dict[str, Any]
    delivered: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: self.payload}


@dataclass
class ApiCall:
    """One request the bot made: the audit trail tests read."""

    seq: int
    method: str
    params: dict[str, Any]
    at: float
    result: Any = None
    error: ApiError | None = None
    done: bool = False
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return self.done and self.error is None and not self.cancelled

    def describe(self) -> str:
        if self.error is not None:
            outcome = f"-> {self.error.error_code} {self.error.description}"
        elif self.cancelled:
            outcome = "-> cancelled by the client"
        else:
            outcome = "-> ok" if self.done else "(pending)"
        shown = {k: v for k, v in self.params.items() if k != "reply_markup"}
        return f"{self.method} {shown} {outcome}"
