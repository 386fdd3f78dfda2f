"""The bot works in private chats only. Added to a group or a channel it leaves without a word;
whatever is written there gets no reply, and nobody's name, phone or registrations ever reach a
chat other than the person's own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram.methods import AnswerCallbackQuery, GetMe, LeaveChat, TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Chat,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberUpdated,
    Message,
    Update,
    User,
)

from bot.people import users
from bot.platform.commands import COORDINATOR_COMMANDS, PARTICIPANT_COMMANDS
from bot.registration import store as registrations
from tests.conftest import NOW
from tests.factories import make_event, make_participant, sign_up
from tests.harness import BOT_USER, Harness, message_update, texts, tg_user

AIGERIM = tg_user(710, "kk")
COORDINATOR = tg_user(1)  # admin_ids in the harness fixture
NAME, PHONE, ORGANISATION = "Айгерим Сапарова", "+77011234567", "ОФ «Азамат»"
GROUP = Chat(id=-4001, type="group", title="Жоба командасы")
SUPERGROUP = Chat(id=-1002002, type="supergroup", title="Общественный совет")
CHANNEL = Chat(id=-1003003, type="channel", title="Новости НПО")


def _sent_to(calls: list[TelegramMethod[Any]], chat: Chat) -> list[TelegramMethod[Any]]:
    return [c for c in calls if getattr(c, "chat_id", None) == chat.id]


def _personal(calls: list[TelegramMethod[Any]]) -> list[str]:
    dumped = " ".join(str(c.model_dump()) for c in calls)
    return [value for value in (NAME, PHONE, ORGANISATION) if value in dumped]


def _post(chat: Chat, text: str, **extra: Any) -> Message:
    return Message(
        message_id=77, date=datetime.now(UTC), chat=chat, sender_chat=chat, text=text, **extra
    )


def _membership(chat: Chat, by: User, old: Any, new: Any) -> Update:
    change = ChatMemberUpdated(
        chat=chat, from_user=by, date=datetime.now(UTC), old_chat_member=old, new_chat_member=new
    )
    return Update(update_id=next(_ids), my_chat_member=change)


_ids = iter(range(880_000, 890_000))


async def test_nothing_written_in_a_group_or_channel_gets_a_reply(harness: Harness) -> None:
    await make_participant(harness.db, AIGERIM.id, NOW, language="kk")
    await make_participant(harness.db, COORDINATOR.id, NOW)
    # In the private chat, /profile shows the person's data: the same command in a group must not.
    assert _personal(await harness.send(AIGERIM, "/profile"))

    commands = [f"/{c.name}" for c in PARTICIPANT_COMMANDS + COORDINATOR_COMMANDS]
    for chat in (GROUP, SUPERGROUP):
        for text in [*commands, "/profile@civic_test_bot", "/nonsense", "Сәлем!"]:
            for user in (AIGERIM, COORDINATOR, tg_user(711)):
                calls = await harness.send(user, text, chat=chat)
                assert calls == [], (chat.type, text, texts(calls))
        edited = message_update(AIGERIM, "/profile", chat=chat).message
        assert edited is not None
        calls = await harness.feed(Update(update_id=next(_ids), edited_message=edited))
        assert calls == []
    for update in (
        Update(update_id=next(_ids), channel_post=_post(CHANNEL, "/events")),
        Update(update_id=next(_ids), edited_channel_post=_post(CHANNEL, "/profile")),
    ):
        assert await harness.feed(update) == []
    # /delete_me in the group erased nothing.
    stored = await users.get(harness.db, AIGERIM.id)
    assert stored is not None and stored.phone == PHONE


async def test_added_to_a_group_or_channel_the_bot_leaves_without_a_word(
    harness: Harness,
) -> None:
    await make_participant(harness.db, AIGERIM.id, NOW, language="kk")
    bot = User.model_validate(BOT_USER.model_dump())
    left, member = ChatMemberLeft(user=bot), ChatMemberMember(user=bot)
    # A channel takes bots as administrators only; the rights do not matter here.
    rights: dict[str, Any] = {
        name: False
        for name, field in ChatMemberAdministrator.model_fields.items()
        if field.is_required() and name != "user"
    }
    admin = ChatMemberAdministrator.model_validate({**rights, "user": bot})
    for chat, status in ((GROUP, member), (SUPERGROUP, member), (CHANNEL, admin)):
        calls = await harness.feed(_membership(chat, AIGERIM, left, status))
        assert [type(c) for c in calls] == [LeaveChat], texts(calls)
        assert isinstance(calls[0], LeaveChat) and calls[0].chat_id == chat.id

    # Removing the bot from a group says nothing about the person's own chat with it.
    assert await harness.feed(_membership(GROUP, AIGERIM, member, left)) == []
    stored = await users.get(harness.db, AIGERIM.id)
    assert stored is not None and stored.unreachable_at is None

    # Blocking the bot in the private chat still counts.
    own_chat = Chat(id=AIGERIM.id, type="private")
    assert await harness.feed(_membership(own_chat, AIGERIM, member, left)) == []
    stored = await users.get(harness.db, AIGERIM.id)
    assert stored is not None and stored.unreachable_at is not None

    # Writing in a group proves nothing about her chat with the bot; writing there does.
    assert await harness.send(AIGERIM, "/start", chat=GROUP) == []
    stored = await users.get(harness.db, AIGERIM.id)
    assert stored is not None and stored.unreachable_at is not None
    await harness.send(AIGERIM, "/start")
    stored = await users.get(harness.db, AIGERIM.id)
    assert stored is not None and stored.unreachable_at is None


async def test_a_button_pressed_in_a_group_gets_only_its_answer(harness: Harness) -> None:
    """A bot message with buttons in a group is forged (or older than this rule): the press
    shows the person alone where the bot works, and the group sees nothing."""
    await make_participant(harness.db, AIGERIM.id, NOW, language="kk")
    event = await make_event(harness.db, NOW)
    await sign_up(harness.db, event.id, AIGERIM.id, NOW)
    card = Message(
        message_id=5,
        date=datetime.now(UTC),
        chat=SUPERGROUP,
        from_user=BOT_USER,
        text="Семинар",
    )
    for data in (f"ev:o:{event.id}", f"ev:x:{event.id}", "pf:phone", "del:1", "cat:0:-1::"):
        calls = await harness.press(AIGERIM, data, card)
        [answer] = [c for c in calls if not isinstance(c, GetMe)]
        assert isinstance(answer, AnswerCallbackQuery) and answer.show_alert, (data, texts(calls))
        assert answer.text == "Бот тек жеке чатта жұмыс істейді: @civic_test_bot ботын ашыңыз."
        assert not _personal(calls)
    # Neither the cancellation nor the erasure happened.
    assert await registrations.holds_seat(harness.db, event.id, AIGERIM.id)
    stored = await users.get(harness.db, AIGERIM.id)
    assert stored is not None and stored.phone == PHONE

    # A press on a message sent through inline mode belongs to no chat; it still gets its
    # answer from the handlers, as in a private chat.
    inline = CallbackQuery(
        id="inline-press",
        from_user=AIGERIM,
        chat_instance="ci",
        data=f"ev:o:{event.id}",
        inline_message_id="AAAA",
    )
    calls = await harness.feed(Update(update_id=next(_ids), callback_query=inline))
    assert len([c for c in calls if isinstance(c, AnswerCallbackQuery)]) == 1
    assert not _sent_to(calls, SUPERGROUP)
