"""The bot's command menus: setMyCommands' rules and how a client picks the menu to show."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tgemu.errors import bad_request

COMMAND = re.compile(r"[a-z0-9_]{1,32}")
MAX_COMMANDS = 100
MAX_DESCRIPTION = 256
LANGUAGE_CODE = re.compile(r"[a-z]{2}")
# Scope type -> the identifiers that complete it.
SCOPE_IDS: dict[str, tuple[str, ...]] = {
    "default": (),
    "all_private_chats": (),
    "all_group_chats": (),
    "all_chat_administrators": (),
    "chat": ("chat_id",),
    "chat_administrators": ("chat_id",),
    "chat_member": ("chat_id", "user_id"),
}

CommandMenus = dict[tuple[str, str], list[dict[str, str]]]


def scope_key(scope: Mapping[str, Any] | None) -> str:
    """A BotCommandScope as a dictionary key: "default", "chat:42", "chat_member:42:7"."""
    if not scope:
        return "default"
    scope_type = scope.get("type")
    if not isinstance(scope_type, str) or scope_type not in SCOPE_IDS:
        raise bad_request(f"unsupported bot command scope type {scope_type!r}")
    ids = SCOPE_IDS[scope_type]
    if any(key not in scope for key in ids):
        raise bad_request(f"bot command scope {scope_type} needs {' and '.join(ids)}")
    return ":".join([scope_type, *(str(scope[key]) for key in ids)])


def checked_language(language_code: str | None) -> str:
    code = language_code or ""
    if code and not LANGUAGE_CODE.fullmatch(code):
        raise bad_request("LANG_CODE_INVALID")
    return code


def checked_commands(commands: list[dict[str, Any]]) -> list[dict[str, str]]:
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    checked: list[dict[str, str]] = []
    for entry in commands:
        command, description = entry.get("command"), entry.get("description")
        if not isinstance(command, str) or not COMMAND.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description) <= MAX_DESCRIPTION:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": command, "description": description})
    return checked


def visible_menu(menus: CommandMenus, user_id: int, language_code: str) -> list[dict[str, str]]:
    """The menu a person sees in their private chat with the bot, in Telegram's lookup order."""
    for key in (f"chat:{user_id}", "all_private_chats", "default"):
        for language in dict.fromkeys((language_code, "")):
            if (key, language) in menus:
                return list(menus[(key, language)])
    return []
