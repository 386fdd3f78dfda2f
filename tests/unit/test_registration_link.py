"""The event's registration link (issue 13 item 1): the coordinator copies it from the event
screen, prints it as a poster with its QR code, or posts the event card into any chat through
inline mode; through the production Dispatcher."""

from __future__ import annotations

import io
import itertools
from typing import Any

import segno
from aiogram.methods import AnswerInlineQuery, SendDocument, TelegramMethod
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
    User,
)
from PIL import Image

from bot.events.model import EventStatus
from tests.conftest import NOW
from tests.factories import make_event, make_participant
from tests.harness import Harness, answers, texts, tg_user

COORDINATOR = tg_user(1)  # admin_ids in the harness fixture
BOT_LINK = "https://t.me/civic_test_bot?start=e_"
QUIET_ZONE = 4  # modules of white around a QR code, as the standard asks
_ids = itertools.count(9000)


def registration_link(code: str) -> str:
    return BOT_LINK + code


def left(harness: Harness, calls: list[TelegramMethod[Any]]) -> Message:
    """The message the last sending or editing call left."""
    [*_, last] = [c for c in calls if id(c) in harness.session.left_by]
    return harness.message(last)


async def link_screen(harness: Harness, event_id: int, user: User = COORDINATOR) -> Message:
    screen = await harness.press(user, f"Aev:o:{event_id}:0")
    [opened] = await harness.tap(user, left(harness, screen), "🔗")
    return left(harness, opened)


def inline_buttons(message: Message) -> list[Any]:
    markup = message.reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    return [b for row in markup.inline_keyboard for b in row]


async def ask_inline(harness: Harness, user: User, query: str) -> AnswerInlineQuery:
    update = Update(
        update_id=next(_ids),
        inline_query=InlineQuery(id=str(next(_ids)), from_user=user, query=query, offset=""),
    )
    calls = await harness.feed(update)
    [answer] = [c for c in calls if isinstance(c, AnswerInlineQuery)]
    return answer


async def test_the_event_screen_gives_the_registration_link_to_copy(harness: Harness) -> None:
    event = await make_event(harness.db, NOW)
    shown = await link_screen(harness, event.id)
    link = registration_link(event.code)
    assert link in (shown.text or "")
    assert "Ссылка для регистрации" in (shown.text or "")
    copy = next(b for b in inline_buttons(shown) if b.copy_text is not None)
    assert copy.copy_text.text == link
    share = next(b for b in inline_buttons(shown) if b.switch_inline_query is not None)
    assert share.switch_inline_query == event.code
    # Never the check-in link: that one belongs at the entrance.
    assert "start=c_" not in (shown.text or "")
    assert all("start=c_" not in (b.url or "") for b in inline_buttons(shown))

    # The link opens the event's card for a participant.
    await make_participant(harness.db, 501, NOW)
    opened = await harness.send(tg_user(501), "/start " + link.rsplit("=", 1)[1])
    assert any("Семинар для общественных советов" in text for text in texts(opened))

    [back] = await harness.tap(COORDINATOR, shown, "« К мероприятию")
    assert "🔗 Ссылка для регистрации" in [b.text for b in inline_buttons(left(harness, back))]


async def test_a_draft_has_no_link_to_give(harness: Harness) -> None:
    draft = await make_event(harness.db, NOW, status=EventStatus.DRAFT)
    screen = await harness.press(COORDINATOR, f"Aev:o:{draft.id}:0")
    labels = [b.text for b in inline_buttons(left(harness, screen))]
    assert labels and not any(label.startswith("🔗") for label in labels)
    # An older screen's button, the event back in draft or cancelled since: said at once.
    [answer] = answers(await harness.press(COORDINATOR, f"Ash:l:{draft.id}"))
    assert answer.show_alert and "опубликуйте" in (answer.text or "")
    cancelled = await make_event(harness.db, NOW, status=EventStatus.CANCELLED)
    calls = await harness.press(COORDINATOR, f"Ash:q:{cancelled.id}")
    [answer] = answers(calls)
    assert answer.show_alert and "отменено" in (answer.text or "")
    assert not [c for c in calls if isinstance(c, SendDocument)]


def qr_modules(png: bytes, size: int) -> tuple[list[list[bool]], bool]:
    """The code's modules as a scanner samples them (the centre of each), found from the
    top-left finder pattern; and whether the quiet zone around it is white."""
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    pixels = image.load()
    assert pixels is not None

    def dark(x: float, y: float) -> bool:
        value = pixels[int(x), int(y)]
        assert isinstance(value, int)
        return value < 128

    top = next(y for y in range(height) if any(dark(x, y) for x in range(width)))
    left = next(x for x in range(width) if dark(x, top))
    run = next(x for x in range(left, width) if not dark(x, top)) - left
    scale = run / 7  # the finder pattern's top edge is seven modules wide
    modules = [
        [dark(left + (col + 0.5) * scale, top + (row + 0.5) * scale) for col in range(size)]
        for row in range(size)
    ]
    margin = QUIET_ZONE * scale
    quiet = all(
        not dark(x, y)
        for y in range(int(top - margin), int(top + (size + QUIET_ZONE) * scale))
        for x in range(int(left - margin), int(left + (size + QUIET_ZONE) * scale))
        if not (left <= x < left + size * scale and top <= y < top + size * scale)
    )
    return modules, quiet


def sent_png(calls: list[TelegramMethod[Any]]) -> tuple[SendDocument, BufferedInputFile]:
    [sent] = [c for c in calls if isinstance(c, SendDocument)]
    assert isinstance(sent.document, BufferedInputFile)
    return sent, sent.document


async def test_the_poster_is_a_png_of_the_links_qr_code_with_the_event_under_it(
    harness: Harness,
) -> None:
    event = await make_event(harness.db, NOW)
    shown = await link_screen(harness, event.id)
    [calls] = await harness.tap(COORDINATOR, shown, "🖼 QR-код для афиши")
    sent, document = sent_png(calls)
    png = document.data
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert document.filename == f"poster-{event.code}.png"
    assert "Афиша: Семинар для общественных советов" in (sent.caption or "")
    link = registration_link(event.code)
    assert link in (sent.caption or "")

    expected = [[bool(m) for m in row] for row in segno.make(link, error="m").matrix]
    modules, quiet = qr_modules(png, len(expected))
    assert modules == expected, "the printed code is not the registration link's"
    assert quiet, "a scanner needs white around the code"
    # Under the code: the title, date and place (looked at by eye: readable), not a blank.
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    lower = image.crop((0, int(height * 0.6), width, height))
    assert min(lower.tobytes()) < 64, "no text under the code"


async def test_a_kazakh_coordinator_gets_the_poster_in_kazakh(harness: Harness) -> None:
    coordinator = tg_user(1, "kk")
    event = await make_event(harness.db, NOW)
    shown = await link_screen(harness, event.id, coordinator)
    assert "Тіркелу сілтемесі: Қоғамдық кеңестерге арналған семинар" in (shown.text or "")
    [calls] = await harness.tap(coordinator, shown, "🖼 Афишаға")
    sent, document = sent_png(calls)
    assert "Қоғамдық кеңестерге арналған семинар" in (sent.caption or "")
    assert document.data.startswith(b"\x89PNG")


async def test_an_inline_query_with_the_code_gets_the_card_with_the_register_link(
    harness: Harness,
) -> None:
    event = await make_event(harness.db, NOW)
    # Anyone may ask, someone the bot has never seen too, from any chat.
    answer = await ask_inline(harness, tg_user(8080, "kk"), f" {event.code} ")
    [article] = answer.results
    assert isinstance(article, InlineQueryResultArticle)
    assert article.title == "Қоғамдық кеңестерге арналған семинар"
    content = article.input_message_content
    assert isinstance(content, InputTextMessageContent)
    assert "Қоғамдық кеңестерге арналған семинар" in content.message_text
    assert "ул. Абая 10" in content.message_text
    assert article.reply_markup is not None
    [[register]] = article.reply_markup.inline_keyboard
    assert register.text == "✅ Тіркелу"
    assert register.url == registration_link(event.code)
    assert answer.is_personal  # the card is in the language of whoever asked

    russian = await ask_inline(harness, tg_user(8081, "ru"), event.code)
    [article] = russian.results
    assert isinstance(article, InlineQueryResultArticle) and article.reply_markup is not None
    assert article.reply_markup.inline_keyboard[0][0].text == "✅ Зарегистрироваться"


async def test_drafts_cancelled_events_and_unknown_codes_are_not_offered(
    harness: Harness,
) -> None:
    draft = await make_event(harness.db, NOW, status=EventStatus.DRAFT)
    cancelled = await make_event(harness.db, NOW, status=EventStatus.CANCELLED)
    for query in (draft.code, cancelled.code, "nosuchcode", "", "'; DROP TABLE events"):
        answer = await ask_inline(harness, tg_user(8082), query)
        assert answer.results == [], query
