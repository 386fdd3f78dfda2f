"""A coordinator's progress message updates itself as the sender records deliveries, until
done: at most every few seconds meanwhile, at once at the end, never to the same counts."""

from __future__ import annotations

from datetime import timedelta

from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import Message

from bot.due_work import BOARD_EDIT_EVERY, board_edit_due
from bot.people.users import choose_language
from tests.conftest import NOW
from tests.factories import make_event, make_participant, sign_up
from tests.harness import Harness, tg_user

COORDINATOR = tg_user(1)
SEND = SendMessage(chat_id=0, text="")


async def sent_message(harness: Harness, people: tuple[int, ...]) -> Message:
    """The progress message, as the coordinator's Send button leaves it."""
    event = await make_event(harness.db, NOW)
    for user_id in people:
        await make_participant(harness.db, user_id, NOW)
        await sign_up(harness.db, event.id, user_id, NOW)
    await harness.press(COORDINATOR, f"Amsg:c:{event.id}:0")  # to the registered
    preview = await harness.send(COORDINATOR, "Начало в 10:00")
    confirm = [c for c in preview if isinstance(c, SendMessage)][-1]
    [calls] = await harness.tap(COORDINATOR, harness.message(confirm), "📨")
    [progress] = [c for c in calls if isinstance(c, EditMessageText)]
    return harness.message(progress)


async def drain(harness: Harness, board: Message) -> list[str]:
    """What the sender's run edited the progress message to."""
    start = len(harness.session.calls)
    await harness.app.outbox.drain(harness.bot)
    return [
        call.text or ""
        for call in harness.session.calls[start:]
        if isinstance(call, EditMessageText) and call.message_id == board.message_id
    ]


def network_errors(count: int) -> list[Exception | None]:
    return [TelegramNetworkError(SEND, "timeout") for _ in range(count)]


async def test_the_progress_message_shows_the_end_by_itself_once(harness: Harness) -> None:
    board = await sent_message(harness, (301, 302, 303))
    assert "в очереди: 3" in (board.text or "")
    assert board.reply_markup is not None
    assert [b.text for row in board.reply_markup.inline_keyboard for b in row] == [
        "« К мероприятию"
    ], "no refresh button: it refreshes itself"
    assert await drain(harness, board) == [
        "Готово. Доставлено: 3 из 3; заблокировали бота: 0; ошибки: 0; пропущено: 0."
    ]
    shown = harness.session.shown[(COORDINATOR.id, board.message_id)]
    assert "« К мероприятию" in str(shown.reply_markup), "the end keeps the way back"
    await make_participant(harness.db, 309, NOW)
    assert await drain(harness, board) == [], "done: nothing more to show"


async def test_meanwhile_it_is_edited_at_most_every_few_seconds_and_only_when_counts_change(
    harness: Harness,
) -> None:
    board = await sent_message(harness, (311, 312, 313))
    harness.session.failures = {313: network_errors(3)}
    assert await drain(harness, board) == [], "the counts changed, but it was just shown"

    harness.clock.advance(BOARD_EDIT_EVERY)
    assert await drain(harness, board) == [
        "Отправляется: 2 из 3 доставлено, заблокировали бота: 0, ошибки: 0, в очереди: 1."
    ]
    harness.clock.advance(BOARD_EDIT_EVERY * 2)
    assert await drain(harness, board) == [], "the same counts are not shown again"

    harness.clock.advance(timedelta(seconds=30))
    assert await drain(harness, board) == [
        "Готово. Доставлено: 3 из 3; заблокировали бота: 0; ошибки: 0; пропущено: 0."
    ], "the end is shown at once"


async def test_a_kazakh_coordinator_watches_it_in_kazakh(harness: Harness) -> None:
    await choose_language(harness.db, COORDINATOR.id, "kk", NOW)
    board = await sent_message(harness, (321, 322))
    assert await drain(harness, board) == [
        "Дайын. Жеткізілді: 2 ішінен 2; ботты бұғаттағандар: 0; қателер: 0; өткізілгені: 0."
    ]


async def test_a_progress_message_the_coordinator_deleted_does_not_stop_the_sending(
    harness: Harness,
) -> None:
    board = await sent_message(harness, (331, 332))
    gone = TelegramBadRequest(SEND, "Bad Request: message to edit not found")
    harness.session.failures = {COORDINATOR.id: [gone, None]}
    start = len(harness.session.calls)
    await harness.app.outbox.drain(harness.bot)
    got = {c.chat_id for c in harness.session.calls[start:] if isinstance(c, SendMessage)}
    assert got == {331, 332}
    assert await drain(harness, board) == [], "tried once, then left alone"


def test_when_a_progress_edit_is_due() -> None:
    every = BOARD_EDIT_EVERY
    assert not board_edit_due("a", "a", NOW, NOW + every * 10, done=True)
    assert board_edit_due("a", "b", NOW, NOW, done=True)
    assert not board_edit_due("a", "b", NOW, NOW + every - timedelta(seconds=1), done=False)
    assert board_edit_due("a", "b", NOW, NOW + every, done=False)
    assert board_edit_due(None, "b", None, NOW, done=False)
