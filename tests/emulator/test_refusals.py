"""The emulator refuses what Telegram refuses, over real HTTP, with Telegram's error texts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tgemu import DEFAULT_TOKEN, Emulator, EmuUser, start_server


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Api:
    """A bare HTTP client, so the tests see exactly what a bot library would see."""

    def __init__(self, emulator: Emulator, session: aiohttp.ClientSession) -> None:
        self.emulator = emulator
        self.session = session

    async def call(self, method: str, token: str = DEFAULT_TOKEN, **params: Any) -> Any:
        url = f"{self.emulator.base_url}/bot{token}/{method}"
        async with self.session.post(url, json=params) as response:
            body = await response.json()
            assert body["ok"] == (response.status == 200)
            return body

    async def ok(self, method: str, **params: Any) -> Any:
        body = await self.call(method, **params)
        assert body["ok"], body
        return body["result"]

    async def refused(self, method: str, code: int = 400, **params: Any) -> str:
        body = await self.call(method, **params)
        assert not body["ok"], f"{method} {params} was accepted"
        assert body["error_code"] == code, body
        return str(body["description"])


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def emulator(clock: ManualClock) -> AsyncIterator[Emulator]:
    # The limits are switched on only by the tests about them; the others send many calls
    # at once to one chat.
    emu = Emulator(DEFAULT_TOKEN, clock=clock, flood_limit=None, chat_flood_limit=None)
    runner, _ = await start_server(emu)
    try:
        yield emu
    finally:
        emu.close()
        await runner.cleanup()


@pytest.fixture
async def api(emulator: Emulator) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(emulator, session)


@pytest.fixture
def alice(emulator: Emulator) -> EmuUser:
    user = emulator.user(100, first_name="Alice")
    user.send_command("start")
    return user


# --- names, presence and types of parameters --------------------------------------------------


async def test_unknown_method_is_404(api: Api) -> None:
    assert await api.refused("sendTelepathy", code=404, chat_id=1) == "Not Found"


async def test_wrong_token_is_401(api: Api) -> None:
    body = await api.call("getMe", token="123456:wrong-token")
    assert body["error_code"] == 401
    assert body["description"] == "Unauthorized"


async def test_unknown_parameter_is_refused(api: Api, alice: EmuUser) -> None:
    description = await api.refused(
        "sendMessage", chat_id=alice.id, text="hi", disable_web_page_preview=True
    )
    assert "disable_web_page_preview" in description


async def test_missing_required_parameter_is_refused(api: Api, alice: EmuUser) -> None:
    description = await api.refused("sendMessage", chat_id=alice.id)
    assert "text" in description


async def test_wrong_parameter_type_is_refused(api: Api, alice: EmuUser) -> None:
    await api.refused("sendMessage", chat_id=alice.id, text="hi", disable_notification="maybe")
    await api.refused("getUpdates", offset="first")


async def test_every_implemented_method_is_published_and_checks_required_fields(
    emulator: Emulator, api: Api
) -> None:
    from tgemu.bot_methods import HANDLERS

    for name in HANDLERS:
        spec = emulator.spec.method(name)
        assert spec is not None, f"{name} is not in the published Bot API"
        required = [field for field in spec.fields.values() if field.required]
        if required:
            description = await api.refused(name, code=400)
            assert any(field.name in description for field in required), (name, description)


# --- text and HTML ------------------------------------------------------------------------------


async def test_text_length_counts_utf16_after_parsing(api: Api, alice: EmuUser) -> None:
    await api.refused("sendMessage", chat_id=alice.id, text="")
    await api.ok("sendMessage", chat_id=alice.id, text="ә" * 4096)
    await api.refused("sendMessage", chat_id=alice.id, text="ә" * 4097)
    # Tags do not count, entities count as one character, emoji as two UTF-16 units.
    await api.ok(
        "sendMessage", chat_id=alice.id, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML"
    )
    await api.ok("sendMessage", chat_id=alice.id, text="&lt;" * 4096, parse_mode="HTML")
    await api.refused("sendMessage", chat_id=alice.id, text="😀" * 2049)
    await api.refused("sendMessage", chat_id=alice.id, text="<b> </b>", parse_mode="HTML")


ALLOWED_HTML = [
    "<b>b</b> <strong>strong</strong> <i>i</i> <em>em</em> <u>u</u> <ins>ins</ins>",
    "<s>s</s> <strike>strike</strike> <del>del</del>",
    '<span class="tg-spoiler">spoiler</span> <tg-spoiler>spoiler</tg-spoiler>',
    '<a href="https://example.org/?a=1&amp;b=2">link</a> <a href="tg://user?id=100">user</a>',
    '<code>code</code> <pre>pre</pre> <pre><code class="language-python">x = 1</code></pre>',
    "<blockquote>quote</blockquote> <blockquote expandable>long quote</blockquote>",
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
    "&lt; &gt; &amp; &quot; &#1241; &#x4D9;",
    "<b>bold <i>bold italic</i></b>",
]


@pytest.mark.parametrize("html", ALLOWED_HTML)
async def test_allowed_html_is_accepted(api: Api, alice: EmuUser, html: str) -> None:
    await api.ok("sendMessage", chat_id=alice.id, text=html, parse_mode="HTML")


BROKEN_HTML = [
    "<b>unclosed",
    "<div>block</div>",
    "<b><i>crossed</b></i>",
    "closing only</b>",
    "&nbsp; is not one of Telegram's entities",
    '<a href="https://example.org>broken attribute</a>',
    "a < b without escaping",
]


@pytest.mark.parametrize("html", BROKEN_HTML)
async def test_broken_html_is_refused(api: Api, alice: EmuUser, html: str) -> None:
    description = await api.refused("sendMessage", chat_id=alice.id, text=html, parse_mode="HTML")
    assert description.startswith("Bad Request: can't parse entities"), description


async def test_html_is_parsed_into_entities(api: Api, alice: EmuUser) -> None:
    await api.ok(
        "sendMessage", chat_id=alice.id, text="Сәлем, <b>Әлия</b> &amp; co", parse_mode="HTML"
    )
    message = alice.last_message()
    assert message is not None
    assert message.text == "Сәлем, Әлия & co"
    assert message.entities == [{"type": "bold", "offset": 7, "length": 4}]


async def test_caption_limit_is_1024(api: Api, alice: EmuUser) -> None:
    document = alice.emulator.files.add(
        "document", b"data", "plan.xlsx", "application/octet-stream"
    )
    await api.ok("sendDocument", chat_id=alice.id, document=document.file_id, caption="x" * 1024)
    await api.refused(
        "sendDocument", chat_id=alice.id, document=document.file_id, caption="x" * 1025
    )


# --- keyboards and callback queries ---------------------------------------------------------------


def keyboard(data: str) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": "Go", "callback_data": data}]]}


async def test_callback_data_must_be_1_to_64_bytes(api: Api, alice: EmuUser) -> None:
    await api.ok("sendMessage", chat_id=alice.id, text="ok", reply_markup=keyboard("ә" * 32))
    for data in ("", "ә" * 32 + "x"):
        description = await api.refused(
            "sendMessage", chat_id=alice.id, text="no", reply_markup=keyboard(data)
        )
        assert "BUTTON_DATA_INVALID" in description


async def test_identical_edit_is_not_modified(api: Api, alice: EmuUser) -> None:
    sent = await api.ok("sendMessage", chat_id=alice.id, text="Hello", reply_markup=keyboard("a"))
    target = {"chat_id": alice.id, "message_id": sent["message_id"]}
    description = await api.refused(
        "editMessageText", text="Hello", reply_markup=keyboard("a"), **target
    )
    assert description.startswith("Bad Request: message is not modified")
    await api.ok("editMessageText", text="Hello", reply_markup=keyboard("b"), **target)
    await api.ok("editMessageText", text="Hello again", reply_markup=keyboard("b"), **target)
    await api.refused("editMessageReplyMarkup", reply_markup=keyboard("b"), **target)


async def test_callback_query_answered_once_and_in_time(
    api: Api, alice: EmuUser, clock: ManualClock
) -> None:
    await api.ok("sendMessage", chat_id=alice.id, text="Pick", reply_markup=keyboard("a"))
    first = alice.press("Go")
    await api.ok("answerCallbackQuery", callback_query_id=first.id, text="Done")
    assert first.answered and first.answer_text == "Done"
    description = await api.refused("answerCallbackQuery", callback_query_id=first.id)
    assert "query is too old" in description

    late = alice.press("Go")
    clock.now += alice.emulator.callback_timeout + 1
    await api.refused("answerCallbackQuery", callback_query_id=late.id)


async def test_callback_answer_text_limit_is_200(api: Api, alice: EmuUser) -> None:
    await api.ok("sendMessage", chat_id=alice.id, text="Pick", reply_markup=keyboard("a"))
    query = alice.press("Go")
    await api.refused("answerCallbackQuery", callback_query_id=query.id, text="x" * 201)
    await api.ok("answerCallbackQuery", callback_query_id=query.id, text="x" * 200)


# --- who the bot may write to --------------------------------------------------------------------


async def test_chat_not_found_for_someone_who_never_wrote(api: Api, emulator: Emulator) -> None:
    stranger = emulator.user(200)
    description = await api.refused("sendMessage", chat_id=stranger.id, text="hi")
    assert description == "Bad Request: chat not found"
    await api.refused("sendMessage", chat_id=999_999, text="hi")


async def test_blocked_and_deactivated_users_are_403(
    api: Api, alice: EmuUser, emulator: Emulator
) -> None:
    alice.block()
    assert await api.refused("sendMessage", 403, chat_id=alice.id, text="hi") == (
        "Forbidden: bot was blocked by the user"
    )
    alice.unblock()
    await api.ok("sendMessage", chat_id=alice.id, text="hi")

    bob = emulator.user(300)
    bob.send_command("start")
    bob.deactivate()
    assert await api.refused("sendMessage", 403, chat_id=bob.id, text="hi") == (
        "Forbidden: user is deactivated"
    )


# --- the flood limit -----------------------------------------------------------------------------


async def test_flood_limit_answers_429_with_retry_after(
    api: Api, alice: EmuUser, emulator: Emulator, clock: ManualClock
) -> None:
    emulator.flood_limit = 5
    for n in range(5):
        await api.ok("sendMessage", chat_id=alice.id, text=f"#{n}")
    body = await api.call("sendMessage", chat_id=alice.id, text="one too many")
    assert body["error_code"] == 429
    assert body["parameters"]["retry_after"] >= 1
    assert emulator.flood_429_count == 1

    clock.now += body["parameters"]["retry_after"]
    await api.ok("sendMessage", chat_id=alice.id, text="after waiting")


async def test_one_chat_gets_a_short_burst_then_one_message_a_second(
    api: Api, alice: EmuUser, emulator: Emulator, clock: ManualClock
) -> None:
    emulator.chat_flood_limit = 1.0
    bob = emulator.user(200, first_name="Bob")
    bob.send_command("start")
    for n in range(5):
        await api.ok("sendMessage", chat_id=alice.id, text=f"#{n}")
    body = await api.call("sendMessage", chat_id=alice.id, text="one too many")
    assert body["error_code"] == 429
    assert body["parameters"]["retry_after"] >= 1
    assert emulator.chat_flood_429_count == 1
    # Another chat is not held back by Alice's burst.
    await api.ok("sendMessage", chat_id=bob.id, text="hello")

    clock.now += body["parameters"]["retry_after"]
    await api.ok("sendMessage", chat_id=alice.id, text="after waiting")
    assert (await api.call("sendMessage", chat_id=alice.id, text="again"))["error_code"] == 429
    clock.now += 1
    await api.ok("sendMessage", chat_id=alice.id, text="a second later")


# --- files and updates ----------------------------------------------------------------------------


async def test_uploaded_document_can_be_downloaded(emulator: Emulator, alice: EmuUser) -> None:
    async with aiohttp.ClientSession() as session:
        form = aiohttp.FormData()
        form.add_field("chat_id", str(alice.id))
        form.add_field("document", "Аты-жөні;Телефон".encode(), filename="тізім.csv")
        url = f"{emulator.base_url}/bot{DEFAULT_TOKEN}/sendDocument"
        async with session.post(url, data=form) as response:
            sent = (await response.json())["result"]
        file_id = sent["document"]["file_id"]
        async with session.post(
            f"{emulator.base_url}/bot{DEFAULT_TOKEN}/getFile", json={"file_id": file_id}
        ) as response:
            path = (await response.json())["result"]["file_path"]
        async with session.get(f"{emulator.base_url}/file/bot{DEFAULT_TOKEN}/{path}") as response:
            assert response.status == 200
            assert (await response.read()).decode() == "Аты-жөні;Телефон"
        async with session.get(f"{emulator.base_url}/file/bot123:nope/{path}") as response:
            assert response.status == 401
    message = alice.last_message()
    assert message is not None and message.document is not None
    assert message.document.filename == "тізім.csv"


async def test_get_updates_confirms_by_offset(api: Api, emulator: Emulator) -> None:
    user = emulator.user(400)
    user.send_text("one")
    user.send_text("two")
    first = await api.ok("getUpdates", timeout=0)
    assert [u["message"]["text"] for u in first] == ["one", "two"]
    again = await api.ok("getUpdates", timeout=0)
    assert len(again) == 2, "updates stay until confirmed by a higher offset"
    confirmed = await api.ok("getUpdates", offset=first[-1]["update_id"] + 1, timeout=0)
    assert confirmed == []


async def test_refusals_are_recorded_for_tests(api: Api, emulator: Emulator) -> None:
    await api.refused("sendMessage", chat_id=12345, text="nobody")
    assert [call.method for call in emulator.errors] == ["sendMessage"]
    assert "chat not found" in json.dumps(emulator.errors[0].describe())
