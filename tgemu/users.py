"""A person talking to the bot: what a Telegram client lets them do, and what they can see.

Actions are plain methods that queue an update and return at once; the ``wait_*`` coroutines
return as soon as the bot's reply lands (the engine wakes them on every change).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tgemu.keyboards import Button, reply_buttons
from tgemu.models import CallbackQueryRecord, Chat, ChatMessage, UserProfile
from tgemu.text import command_entities

if TYPE_CHECKING:
    from tgemu.engine import Emulator

ButtonMatcher = str | Callable[[Button], bool]


class EmuUser:
    def __init__(self, emulator: Emulator, chat: Chat) -> None:
        self.emulator = emulator
        self.chat = chat
        # The newest message this person has "seen"; wait_for_message looks past it.
        self.seen = 0

    @property
    def id(self) -> int:
        return self.chat.id

    @property
    def profile(self) -> UserProfile:
        return self.chat.user

    # --- acting --------------------------------------------------------------------------------

    def send_text(self, text: str) -> ChatMessage:
        """Type and send ``text``; a leading "/start payload" gets its bot_command entity."""
        self._check_can_act()
        return self._post(text=text, entities=command_entities(text))

    def send_command(self, command: str, args: str | None = None) -> ChatMessage:
        text = "/" + command.removeprefix("/")
        return self.send_text(f"{text} {args}" if args else text)

    def share_contact(self, phone: str | None = None, own: bool = True) -> ChatMessage:
        """Send a contact card: one's own (``user_id`` is this person) or somebody else's."""
        self._check_can_act()
        contact: dict[str, Any] = {
            "phone_number": phone or self.profile.phone,
            "first_name": self.profile.first_name if own else "Someone Else",
            "user_id": self.id if own else self.id + 1_000_000_000,
        }
        if own and self.profile.last_name:
            contact["last_name"] = self.profile.last_name
        return self._post(contact=contact)

    def send_document(
        self,
        data: bytes,
        filename: str = "document.pdf",
        mime: str = "application/pdf",
        caption: str | None = None,
    ) -> ChatMessage:
        self._check_can_act()
        stored = self.emulator.files.add("document", data, filename, mime)
        return self._post(document=stored, caption=caption)

    def send_photo(self, data: bytes, caption: str | None = None) -> ChatMessage:
        self._check_can_act()
        stored = self.emulator.files.add("photo", data, None, "image/jpeg")
        return self._post(photo=stored, caption=caption)

    def press(
        self, button: ButtonMatcher, message: ChatMessage | None = None
    ) -> CallbackQueryRecord:
        """Press an inline button (by text or predicate) on ``message`` or the newest bot
        message that has it; returns the callback query, which records the bot's answer."""
        self._check_can_act()
        matches = (lambda b: b.text == button) if isinstance(button, str) else button
        candidates = [message] if message is not None else list(reversed(self.messages()))
        for candidate in candidates:
            if candidate.deleted:
                raise AssertionError(f"message #{candidate.message_id} was deleted")
            found = next((b for row in candidate.buttons for b in row if matches(b)), None)
            if found is None:
                continue
            if found.callback_data is None:
                raise AssertionError(
                    f"button {found.text!r} is not a callback button; pressing it sends no update"
                )
            self.seen = self.chat.last_message_id
            return self.emulator.press_callback(self.chat, candidate, found.callback_data)
        raise AssertionError(f"no inline button matching {button!r}\n{self.transcript()}")

    def press_reply_button(self, text: str) -> ChatMessage:
        """Tap a button of the reply keyboard the chat shows (sharing the contact if it asks)."""
        self._check_can_act()
        found = next((b for row in self.reply_keyboard for b in row if b.text == text), None)
        if found is None:
            raise AssertionError(f"no reply keyboard button {text!r}\n{self.transcript()}")
        if (self.chat.reply_keyboard or {}).get("one_time_keyboard"):
            self.chat.reply_keyboard = None
        if found.request_contact:
            return self.share_contact()
        return self.send_text(text)

    def block(self) -> None:
        self._set_blocked(True)

    def unblock(self) -> None:
        """Unblock; like the real client, this alone sends no message (send /start for that)."""
        self._set_blocked(False)

    def deactivate(self) -> None:
        """Delete the account: the bot gets "user is deactivated" from now on."""
        self.profile.deactivated = True
        self.emulator.notify()

    # --- seeing --------------------------------------------------------------------------------

    @property
    def reply_keyboard(self) -> list[list[Button]]:
        return reply_buttons(self.chat.reply_keyboard)

    def messages(self) -> list[ChatMessage]:
        """The bot's messages in this chat as they look now (edits applied, deleted ones gone)."""
        return [m for m in self.history() if m.from_bot and not m.deleted]

    def history(self) -> list[ChatMessage]:
        """Every message of the chat, both sides, deleted ones included (flagged)."""
        return sorted(self.chat.messages.values(), key=lambda m: m.message_id)

    def last_message(self) -> ChatMessage | None:
        bot_messages = self.messages()
        return bot_messages[-1] if bot_messages else None

    def callback_queries(self) -> list[CallbackQueryRecord]:
        return [q for q in self.emulator.callback_queries.values() if q.user_id == self.id]

    def visible_commands(self) -> list[dict[str, str]]:
        return self.emulator.visible_commands(self.id, self.profile.language_code or "")

    def download(self, message: ChatMessage) -> bytes:
        stored = message.document or message.photo
        if stored is None:
            raise AssertionError(f"message #{message.message_id} has no file")
        return stored.data

    def transcript(self) -> str:
        lines = [f"--- chat with user {self.id} ({self.profile.first_name}) ---"]
        lines += [message.describe() for message in self.history()] or ["(no messages)"]
        for query in self.callback_queries():
            answer = (
                f"answered {query.answer_text!r}{' (alert)' if query.show_alert else ''}"
                if query.answered
                else "NOT answered"
            )
            lines.append(f"pressed {query.data!r} on #{query.message_id}: {answer}")
        if self.chat.reply_keyboard:
            rows = [" | ".join(b.text for b in row) for row in self.reply_keyboard]
            lines.append(f"reply keyboard: {' / '.join(rows)}")
        refused = [
            call.describe()
            for call in self.emulator.errors
            if call.params.get("chat_id") in (self.id, str(self.id))
        ]
        if refused:
            lines.append("refused bot calls for this chat:")
            lines += [f"  {line}" for line in refused]
        return "\n".join(lines)

    # --- waiting -------------------------------------------------------------------------------

    async def wait_for_message(
        self,
        predicate: Callable[[ChatMessage], bool] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - a timeout fails with the transcript
        after: int | None = None,
    ) -> ChatMessage:
        """The first bot message newer than ``after`` (default: the last one this person saw or
        acted upon) that satisfies ``predicate``; it then counts as seen."""
        threshold = self.seen if after is None else after

        def first_match() -> ChatMessage | None:
            return next(
                (
                    m
                    for m in self.messages()
                    if m.message_id > threshold and (predicate is None or predicate(m))
                ),
                None,
            )

        await self.wait_until(lambda: first_match() is not None, timeout)
        message = first_match()
        assert message is not None  # wait_until returned, so the predicate held
        self.seen = max(self.seen, message.message_id)
        return message

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,  # noqa: ASYNC109 - a timeout fails with the transcript
    ) -> None:
        """Wait for any condition; on timeout the AssertionError carries this chat's transcript."""
        await self.emulator.wait_until(predicate, timeout, describe=self.transcript)

    # --- internals -----------------------------------------------------------------------------

    def _post(self, **content: Any) -> ChatMessage:
        message = self.emulator.post_message(self.chat, from_bot=False, **content)
        self.seen = message.message_id
        return message

    def _check_can_act(self) -> None:
        if self.profile.deactivated:
            raise AssertionError(f"user {self.id} is deactivated and can do nothing")
        if self.profile.blocked:
            raise AssertionError(f"user {self.id} blocked the bot; call unblock() first")

    def _set_blocked(self, blocked: bool) -> None:
        if self.profile.blocked == blocked:
            return
        self.profile.blocked = blocked
        emulator = self.emulator
        member = {"status": "member", "user": emulator.bot_user}
        kicked = {"status": "kicked", "user": emulator.bot_user, "until_date": 0}
        emulator.push_update(
            "my_chat_member",
            {
                "chat": self.chat.to_json(),
                "from": self.profile.to_json(),
                "date": emulator.now(),
                "old_chat_member": member if blocked else kicked,
                "new_chat_member": kicked if blocked else member,
            },
        )
