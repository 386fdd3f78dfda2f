"""The command menu Telegram shows, in both languages, per role (setMyCommands)."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.texts import LANGUAGES, Texts, Translator


@dataclass(frozen=True)
class MenuCommand:
    name: str
    text_key: str


PARTICIPANT_COMMANDS: tuple[MenuCommand, ...] = (
    MenuCommand("start", "cmd.start"),
    MenuCommand("events", "cmd.events"),
    MenuCommand("my", "cmd.my"),
    MenuCommand("checkin", "cmd.checkin"),
    MenuCommand("profile", "cmd.profile"),
    MenuCommand("language", "cmd.language"),
    MenuCommand("privacy", "cmd.privacy"),
    MenuCommand("delete_me", "cmd.delete_me"),
    MenuCommand("help", "cmd.help"),
)
COORDINATOR_COMMANDS: tuple[MenuCommand, ...] = (
    MenuCommand("admin", "cmd.admin"),
    MenuCommand("stats", "cmd.stats"),
)


def menu(commands: tuple[MenuCommand, ...], t: Translator) -> list[BotCommand]:
    return [BotCommand(command=c.name, description=t(c.text_key)) for c in commands]


def help_lines(commands: tuple[MenuCommand, ...], t: Translator) -> str:
    return "\n".join(f"/{c.name} — {t(c.text_key)}" for c in commands)


async def publish_commands(
    bot: Bot, texts: Texts, default_language: str, coordinator_ids: set[int]
) -> None:
    """Participant commands for everyone; coordinators also get theirs in their own chat."""
    everyone = PARTICIPANT_COMMANDS
    staff = PARTICIPANT_COMMANDS + COORDINATOR_COMMANDS
    await bot.set_my_commands(
        menu(everyone, texts.of(default_language)), scope=BotCommandScopeDefault()
    )
    for language in LANGUAGES:
        t = texts.of(language)
        await bot.set_my_commands(
            menu(everyone, t), scope=BotCommandScopeDefault(), language_code=language
        )
        for chat_id in sorted(coordinator_ids):
            await bot.set_my_commands(
                menu(staff, t), scope=BotCommandScopeChat(chat_id=chat_id), language_code=language
            )
