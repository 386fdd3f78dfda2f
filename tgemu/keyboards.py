"""Reply markup checked the way Telegram checks it, and buttons in a shape users can press."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tgemu.errors import bad_request
from tgemu.spec import ApiSpec

# Per the spec, these fields style a button; every other optional field is its action.
BUTTON_LOOKS = frozenset({"text", "icon_custom_emoji_id", "style"})
MAX_CALLBACK_DATA_BYTES = 64
MARKUP_KEYS = {
    "inline_keyboard": "InlineKeyboardMarkup",
    "keyboard": "ReplyKeyboardMarkup",
    "remove_keyboard": "ReplyKeyboardRemove",
    "force_reply": "ForceReply",
}
KEY_OF_KIND = {kind: key for key, kind in MARKUP_KEYS.items()}


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None
    request_contact: bool = False
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def markup_kind(markup: dict[str, Any]) -> str | None:
    return next((kind for key, kind in MARKUP_KEYS.items() if key in markup), None)


def check_reply_markup(markup: dict[str, Any], allowed: tuple[str, ...], spec: ApiSpec) -> str:
    """Refuse markup Telegram would refuse; returns which of the markup types it is."""
    kind = markup_kind(markup)
    if kind is None:
        raise bad_request("can't parse reply keyboard markup JSON object")
    if kind not in allowed:
        raise bad_request("inline keyboard expected")
    if kind == "InlineKeyboardMarkup":
        _check_inline(markup["inline_keyboard"], spec)
    elif kind == "ReplyKeyboardMarkup":
        _check_reply(markup["keyboard"], spec)
    elif markup[KEY_OF_KIND[kind]] is not True:
        raise bad_request(f"can't parse {kind}: its flag must be true")
    return kind


def _rows(rows: Any, markup: str) -> list[list[Any]]:
    if not (isinstance(rows, list) and all(isinstance(row, list) for row in rows)):
        raise bad_request(f"field of the {markup} should be an Array of Arrays")
    return rows


def _check_inline(rows: Any, spec: ApiSpec) -> None:
    actions = [f for f in spec.fields_of("InlineKeyboardButton") if f not in BUTTON_LOOKS]
    for row in _rows(rows, "InlineKeyboardMarkup"):
        for button in row:
            problem = "can't parse inline keyboard button: "
            if not isinstance(button, dict):
                raise bad_request(problem + "InlineKeyboardButton must be an Object")
            if not isinstance(button.get("text"), str) or not button["text"]:
                raise bad_request(problem + "button text must be non-empty")
            used = [name for name in actions if name in button]
            if not used:
                raise bad_request(problem + "Text buttons are unallowed in the inline keyboard")
            if len(used) > 1:
                raise bad_request(problem + f"exactly one action is allowed, got {', '.join(used)}")
            data = button.get("callback_data")
            if "callback_data" in button and not (
                isinstance(data, str) and 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES
            ):
                raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not (isinstance(button["url"], str) and button["url"]):
                raise bad_request("BUTTON_URL_INVALID")


def _check_reply(rows: Any, spec: ApiSpec) -> None:
    actions = [f for f in spec.fields_of("KeyboardButton") if f not in BUTTON_LOOKS]
    for row in _rows(rows, "ReplyKeyboardMarkup"):
        for button in row:
            # A plain string is a valid text-only KeyboardButton.
            text = button if isinstance(button, str) else None
            if isinstance(button, dict):
                text = button.get("text")
                used = [name for name in actions if name in button]
                if len(used) > 1:
                    raise bad_request(
                        f"can't parse keyboard button: at most one action is allowed, "
                        f"got {', '.join(used)}"
                    )
            if not isinstance(text, str) or not text:
                raise bad_request("can't parse keyboard button: button text must be non-empty")


def inline_buttons(markup: dict[str, Any] | None) -> list[list[Button]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [
        [
            Button(
                text=b["text"],
                callback_data=b.get("callback_data"),
                url=b.get("url"),
                raw=b,
            )
            for b in row
        ]
        for row in markup["inline_keyboard"]
    ]


def reply_buttons(markup: dict[str, Any] | None) -> list[list[Button]]:
    if not markup or "keyboard" not in markup:
        return []
    return [
        [
            Button(text=b, raw={"text": b})
            if isinstance(b, str)
            else Button(text=b["text"], request_contact=bool(b.get("request_contact")), raw=b)
            for b in row
        ]
        for row in markup["keyboard"]
    ]
