"""The emulator's chat page API: what a browser can do as a person, and what it sees."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer

from tgemu import DEFAULT_TOKEN, Emulator
from tgemu import chat_page as chat_page_module
from tgemu.chat_page import ChatPage, Persona, TimeTravel
from tgemu.server import create_app

ALICE = Persona(11, "Аружан", "Бекова", "ru", "+77015550104", "Новый человек", started=True)
BOB = Persona(12, "Ерлан", None, "kk", "+77015550103", "Қатысушы")
WEEK = 7 * 24 * 3600


class Page:
    def __init__(self, client: TestClient[Any, Any], emulator: Emulator, jumps: list[float]):
        self.client = client
        self.emulator = emulator
        self.jumps = jumps

    async def state(self, persona: int = ALICE.user_id, since: str | None = None) -> Any:
        query = f"?persona={persona}" + (f"&since={since}" if since else "")
        response = await self.client.get(f"/chat/api/state{query}")
        assert response.status == 200
        return await response.json()

    async def act(self, action: str, body: dict[str, Any], status: int = 200) -> Any:
        response = await self.client.post(f"/chat/api/personas/{ALICE.user_id}/{action}", json=body)
        assert response.status == status, await response.text()
        return await response.json()

    async def bot_sends(self, **params: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self.emulator.call(
            DEFAULT_TOKEN, "sendMessage", {"chat_id": ALICE.user_id, "parse_mode": "HTML", **params}
        )
        return result


@pytest.fixture
async def page(tmp_path: Any) -> AsyncIterator[Page]:
    jumps: list[float] = []
    travel = TimeTravel(jumps.append)
    emulator = Emulator(DEFAULT_TOKEN, flood_limit=None, wall_clock=travel.wall_clock)
    plan = tmp_path / "plan.xlsx"
    plan.write_bytes(b"PK\x03\x04 a workbook")
    chat = ChatPage(emulator, [ALICE, BOB], travel, {"plan.xlsx": plan})
    client = TestClient(TestServer(create_app(emulator, chat)))
    await client.start_server()
    try:
        yield Page(client, emulator, jumps)
    finally:
        emulator.close()
        await client.close()


async def test_the_state_shows_the_chat_as_formatted_text_with_its_buttons(page: Page) -> None:
    await page.bot_sends(
        text="<b>Семинар</b> в Әуезов ауданы",
        reply_markup={
            "inline_keyboard": [
                [{"text": "✅ Тіркелу", "callback_data": "reg:1"}],
                [{"text": "Сайт", "url": "https://example.org"}],
            ]
        },
    )
    state = await page.state()
    assert [p["name"] for p in state["personas"]] == ["Аружан Бекова", "Ерлан"]
    [message] = state["chat"]["messages"]
    assert message["text"] == "Семинар в Әуезов ауданы"
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 7}]
    assert message["buttons"] == [
        [{"text": "✅ Тіркелу", "callback": True, "url": None}],
        [{"text": "Сайт", "callback": False, "url": "https://example.org"}],
    ]
    assert state["personas"][0]["preview"] == "Семинар в Әуезов ауданы"


async def test_a_long_poll_answers_when_the_chat_changes_and_not_before(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await page.state()
    monkeypatch.setattr(chat_page_module, "POLL_SECONDS", 0.2)
    unchanged = await page.state(since=first["etag"])
    assert unchanged["etag"] == first["etag"]
    monkeypatch.setattr(chat_page_module, "POLL_SECONDS", 30)
    waiting = asyncio.create_task(page.state(since=first["etag"]))
    sent = await page.bot_sends(text="Сәлем")
    changed = await asyncio.wait_for(waiting, 10)
    assert changed["etag"] != first["etag"]
    assert [m["id"] for m in changed["chat"]["messages"]] == [sent["message_id"]]
    await page.emulator.call(
        DEFAULT_TOKEN,
        "editMessageText",
        {"chat_id": ALICE.user_id, "message_id": sent["message_id"], "text": "Сәлем!"},
    )
    edited = await page.state(since=changed["etag"])
    assert [(m["text"], m["edited"]) for m in edited["chat"]["messages"]] == [("Сәлем!", True)]


async def test_pressing_an_inline_button_sends_its_callback_and_shows_the_answer(
    page: Page,
) -> None:
    sent = await page.bot_sends(
        text="Выберите",
        reply_markup={
            "inline_keyboard": [
                [{"text": "A", "callback_data": "a"}, {"text": "B", "callback_data": "b"}],
                [{"text": "Сайт", "url": "https://example.org"}],
            ]
        },
    )
    await page.act("press", {"message_id": sent["message_id"], "row": 0, "column": 1})
    [query] = page.emulator.callback_queries.values()
    assert (query.user_id, query.data) == (ALICE.user_id, "b")
    assert (await page.state())["chat"]["pressing"] == [sent["message_id"]]
    await page.emulator.call(
        DEFAULT_TOKEN,
        "answerCallbackQuery",
        {"callback_query_id": query.id, "text": "Мест нет", "show_alert": True},
    )
    chat = (await page.state())["chat"]
    assert chat["answers"] == [{"id": query.id, "text": "Мест нет", "alert": True}]
    assert chat["pressing"] == []
    refused = await page.act(
        "press", {"message_id": sent["message_id"], "row": 1, "column": 0}, 400
    )
    assert "link" in refused["error"]
    await page.act("press", {"message_id": sent["message_id"], "row": 5, "column": 0}, 400)


async def test_the_contact_button_of_a_reply_keyboard_shares_the_personas_phone(
    page: Page,
) -> None:
    await page.bot_sends(
        text="Шаг 2 из 5",
        reply_markup={
            "keyboard": [[{"text": "📱 Отправить мой номер", "request_contact": True}]],
            "one_time_keyboard": True,
        },
    )
    keyboard = (await page.state())["chat"]["reply_keyboard"]
    assert keyboard["rows"] == [[{"text": "📱 Отправить мой номер", "contact": True}]]
    await page.act("reply", {"text": "📱 Отправить мой номер"})
    chat = (await page.state())["chat"]
    assert chat["messages"][-1]["contact"] == {"phone": ALICE.phone, "name": ALICE.first_name}
    assert chat["reply_keyboard"] is None  # one-time
    await page.act("reply", {"text": "📱 Отправить мой номер"}, 400)
    assert page.emulator.updates[-1].payload["contact"]["user_id"] == ALICE.user_id


async def test_a_deep_link_opens_as_start_with_its_payload(page: Page) -> None:
    username = page.emulator.bot_user["username"]
    await page.bot_sends(text=f"Отметка: https://t.me/{username}?start=c_abc123 на входе")
    links = (await page.state())["links"]
    assert links == [
        {"url": f"https://t.me/{username}?start=c_abc123", "label": "Отметка: https://t.me/"
         f"{username}?start=c_abc123 на входе"}
    ]  # fmt: skip
    await page.act("link", {"url": links[0]["url"]})
    await page.act("link", {"url": f"tg://resolve?domain={username}&start=e_X-1"})
    texts = [u.payload["text"] for u in page.emulator.updates if u.kind == "message"]
    assert texts == ["/start c_abc123", "/start e_X-1"]
    assert page.emulator.updates[-1].payload["entities"][0]["type"] == "bot_command"
    refused = await page.act("link", {"url": "https://t.me/other_bot?start=c_abc123"}, 400)
    assert username in refused["error"]


async def test_files_go_both_ways(page: Page) -> None:
    form = FormData()
    form.add_field(
        "file", b"PK plan", filename="план.xlsx", content_type="application/vnd.ms-excel"
    )
    response = await page.client.post(f"/chat/api/personas/{ALICE.user_id}/document", data=form)
    assert response.status == 200
    await page.act("sample", {"name": "plan.xlsx"})
    await page.act("sample", {"name": "../secret"}, 400)
    documents = [u.payload["document"] for u in page.emulator.updates if "document" in u.payload]
    assert [d["file_name"] for d in documents] == ["план.xlsx", "plan.xlsx"]

    stored = page.emulator.files.add("document", b"sheet", "лист.xlsx", None)
    response = await page.client.get(f"/chat/files/{stored.file_id}")
    assert await response.read() == b"sheet"
    disposition = response.headers["Content-Disposition"]
    assert disposition == "attachment; filename*=UTF-8''%D0%BB%D0%B8%D1%81%D1%82.xlsx"
    assert (await page.client.get("/chat/files/nope")).status == 404


async def test_time_travel_moves_the_emulators_clock_and_tells_the_demo(page: Page) -> None:
    before = page.emulator.now()
    response = await page.client.post("/chat/api/clock", json={"seconds": 86400})
    assert (await response.json())["clock_offset"] == 86400
    assert page.jumps == [86400]
    assert page.emulator.now() - before >= 86400
    sent = await page.bot_sends(text="Напоминание")
    assert sent["date"] - before >= 86400
    for seconds in (-3600, 0, WEEK + 1, "soon"):
        refused = await page.client.post("/chat/api/clock", json={"seconds": seconds})
        assert refused.status == 400
    assert page.jumps == [86400]
    assert (await page.state())["clock_offset"] == 86400


async def test_only_the_personas_are_played(page: Page) -> None:
    assert (await page.client.get("/chat/api/state?persona=999")).status == 404
    response = await page.client.post("/chat/api/personas/999/text", json={"text": "hi"})
    assert response.status == 404
    await page.act("text", {"text": "  "}, 400)
    await page.act("text", {"text": "/events"})
    assert page.emulator.updates[-1].payload["text"] == "/events"
    index = await page.client.get("/")
    assert index.status == 200
    assert "chat.js" in await index.text()
