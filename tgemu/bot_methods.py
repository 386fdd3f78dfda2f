"""What each Bot API method does to the emulator's state, once its parameters passed the spec.

Every handler takes the engine and the converted parameters and returns the ``result`` JSON.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tgemu.commands import checked_commands, checked_language, scope_key
from tgemu.errors import bad_request, forbidden
from tgemu.files import FileKind, StoredFile, Upload
from tgemu.keyboards import check_reply_markup
from tgemu.models import Chat, ChatMessage
from tgemu.text import FormattedText, check_caption, check_text, format_text
from tgemu.utf16 import utf16_len

if TYPE_CHECKING:
    from tgemu.engine import Emulator

Params = dict[str, Any]
Handler = Callable[["Emulator", Params], Awaitable[Any]]

FLOOD_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "copyMessage",
        "sendMediaGroup",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)
# Methods that only change how the bot looks in clients: accepted and recorded, nothing more.
COSMETIC_METHODS = frozenset(
    {
        "setChatMenuButton",
        "setMyDescription",
        "setMyShortDescription",
        "setMyName",
        "setMyDefaultAdministratorRights",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
MAX_CALLBACK_ANSWER = 200
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
CALLBACK_EXPIRED = "query is too old and response timeout expired or query ID is invalid"

HANDLERS: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register


async def run_method(emu: Emulator, name: str, params: Params) -> Any:
    if name in HANDLERS:
        return await HANDLERS[name](emu, params)
    if name in COSMETIC_METHODS:
        return True
    raise bad_request("method is not supported by the emulator")


# --- shared checks ---------------------------------------------------------------------------


def writable_chat(emu: Emulator, chat_id: Any) -> Chat:
    """The private chat the bot may write to, or Telegram's refusal."""
    chat = emu.chats.get(chat_id) if isinstance(chat_id, int) else None
    if chat is not None and chat.user.deactivated:
        raise forbidden("user is deactivated")
    if chat is None or not chat.user.started:
        raise bad_request("chat not found")
    if chat.user.blocked:
        raise forbidden("bot was blocked by the user")
    return chat


def existing_message(chat: Chat, message_id: Any) -> ChatMessage | None:
    message = chat.messages.get(message_id) if isinstance(message_id, int) else None
    return None if message is None or message.deleted else message


class Markup:
    """A checked reply_markup: inline keyboards stay on the message, others change the chat."""

    def __init__(self, emu: Emulator, method_name: str, params: Params) -> None:
        self.value: dict[str, Any] | None = params.get("reply_markup")
        self.kind: str | None = None
        if self.value is not None:
            spec = emu.spec.method(method_name)
            assert spec is not None  # only called from handlers of known methods
            allowed = spec.fields["reply_markup"].types
            self.kind = check_reply_markup(self.value, allowed, emu.spec)

    @property
    def inline(self) -> dict[str, Any] | None:
        return self.value if self.kind == "InlineKeyboardMarkup" else None

    def apply_to(self, chat: Chat) -> None:
        if self.kind == "ReplyKeyboardMarkup":
            chat.reply_keyboard = self.value
        elif self.kind == "ReplyKeyboardRemove":
            chat.reply_keyboard = None


def caption_of(params: Params) -> FormattedText | None:
    if params.get("caption") is None:
        return None
    caption = format_text(
        params["caption"], params.get("parse_mode"), params.get("caption_entities")
    )
    check_caption(caption)
    return caption


def stored_file(emu: Emulator, value: Upload | str, kind: FileKind) -> StoredFile:
    if isinstance(value, Upload):
        return emu.files.add(kind, value.data, value.filename, value.content_type)
    if value.startswith(("http://", "https://")):
        raise bad_request("sending files by URL is not supported by the emulator")
    stored = emu.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
    return stored


def post_bot_message(emu: Emulator, chat: Chat, markup: Markup, **content: Any) -> dict[str, Any]:
    markup.apply_to(chat)
    message = emu.post_message(chat, from_bot=True, reply_markup=markup.inline, **content)
    return message.to_json()


def message_to_edit(emu: Emulator, params: Params) -> ChatMessage:
    if params.get("inline_message_id") is not None:
        raise bad_request("inline messages are not supported by the emulator")
    if params.get("chat_id") is None or params.get("message_id") is None:
        raise bad_request("chat_id and message_id are required without inline_message_id")
    chat = writable_chat(emu, params["chat_id"])
    message = existing_message(chat, params["message_id"])
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def mark_edited(emu: Emulator, message: ChatMessage, markup: Markup) -> dict[str, Any]:
    message.reply_markup = markup.inline
    message.edit_date = emu.now()
    message.edit_count += 1
    emu.notify()
    return message.to_json()


# --- updates and the bot itself ---------------------------------------------------------------


@method("getUpdates")
async def get_updates(emu: Emulator, params: Params) -> Any:
    return await emu.poll_updates(
        offset=params.get("offset"),
        limit=params.get("limit", 100),
        poll_seconds=params.get("timeout", 0),
        allowed_updates=params.get("allowed_updates"),
    )


@method("getMe")
async def get_me(emu: Emulator, params: Params) -> Any:
    return {
        **emu.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("deleteWebhook")
async def delete_webhook(emu: Emulator, params: Params) -> Any:
    if params.get("drop_pending_updates"):
        emu.drop_pending_updates()
    return True


@method("getWebhookInfo")
async def get_webhook_info(emu: Emulator, params: Params) -> Any:
    return {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": len(emu.pending_updates),
    }


@method("close")
@method("logOut")
async def accept(emu: Emulator, params: Params) -> Any:
    return True


@method("setMyCommands")
async def set_my_commands(emu: Emulator, params: Params) -> Any:
    key = (scope_key(params.get("scope")), checked_language(params.get("language_code")))
    commands = checked_commands(params["commands"])
    if commands:
        emu.commands[key] = commands
    else:
        emu.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(emu: Emulator, params: Params) -> Any:
    key = (scope_key(params.get("scope")), checked_language(params.get("language_code")))
    return emu.commands.get(key, [])


@method("deleteMyCommands")
async def delete_my_commands(emu: Emulator, params: Params) -> Any:
    key = (scope_key(params.get("scope")), checked_language(params.get("language_code")))
    emu.commands.pop(key, None)
    return True


# --- sending -----------------------------------------------------------------------------------


@method("sendMessage")
async def send_message(emu: Emulator, params: Params) -> Any:
    chat = writable_chat(emu, params["chat_id"])
    text = format_text(params["text"], params.get("parse_mode"), params.get("entities"))
    check_text(text)
    markup = Markup(emu, "sendMessage", params)
    return post_bot_message(
        emu,
        chat,
        markup,
        text=text.text,
        entities=text.entities,
        source=params["text"],
        parse_mode=params.get("parse_mode"),
    )


async def send_media(emu: Emulator, params: Params, method_name: str, kind: FileKind) -> Any:
    chat = writable_chat(emu, params["chat_id"])
    caption = caption_of(params)
    markup = Markup(emu, method_name, params)
    stored = stored_file(emu, params[kind], kind)
    return post_bot_message(
        emu,
        chat,
        markup,
        **{kind: stored},
        caption=caption.text if caption else None,
        caption_entities=caption.entities if caption else [],
        source=params.get("caption"),
        parse_mode=params.get("parse_mode"),
    )


@method("sendDocument")
async def send_document(emu: Emulator, params: Params) -> Any:
    return await send_media(emu, params, "sendDocument", "document")


@method("sendPhoto")
async def send_photo(emu: Emulator, params: Params) -> Any:
    return await send_media(emu, params, "sendPhoto", "photo")


@method("copyMessage")
async def copy_message(emu: Emulator, params: Params) -> Any:
    chat = writable_chat(emu, params["chat_id"])
    source_chat = emu.chats.get(params["from_chat_id"])
    if source_chat is None:
        raise bad_request("chat not found")
    original = existing_message(source_chat, params["message_id"])
    if original is None:
        raise bad_request("message to copy not found")
    caption = caption_of(params)
    markup = Markup(emu, "copyMessage", params)
    content: dict[str, Any] = {
        "text": original.text,
        "entities": original.entities,
        "document": original.document,
        "photo": original.photo,
        "contact": original.contact,
        "caption": original.caption,
        "caption_entities": original.caption_entities,
        "source": original.source,
        "parse_mode": original.parse_mode,
    }
    if caption is not None and original.text is None:
        content.update(caption=caption.text, caption_entities=caption.entities)
    copy = post_bot_message(emu, chat, markup, **content)
    return {"message_id": copy["message_id"]}


@method("sendChatAction")
async def send_chat_action(emu: Emulator, params: Params) -> Any:
    writable_chat(emu, params["chat_id"])
    if params["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


# --- changing what was sent ------------------------------------------------------------------


@method("editMessageText")
async def edit_message_text(emu: Emulator, params: Params) -> Any:
    message = message_to_edit(emu, params)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text = format_text(params["text"], params.get("parse_mode"), params.get("entities"))
    check_text(text)
    markup = Markup(emu, "editMessageText", params)
    same_content = (text.text, text.entities) == (message.text, message.entities)
    if same_content and markup.inline == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    message.text, message.entities = text.text, text.entities
    message.source, message.parse_mode = params["text"], params.get("parse_mode")
    return mark_edited(emu, message, markup)


@method("editMessageCaption")
async def edit_message_caption(emu: Emulator, params: Params) -> Any:
    message = message_to_edit(emu, params)
    if message.document is None and message.photo is None:
        raise bad_request("there is no caption in the message to edit")
    caption = caption_of(params) or FormattedText("")
    markup = Markup(emu, "editMessageCaption", params)
    same_content = (caption.text, caption.entities) == (
        message.caption or "",
        message.caption_entities,
    )
    if same_content and markup.inline == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    message.caption, message.caption_entities = caption.text or None, caption.entities
    message.source, message.parse_mode = params.get("caption"), params.get("parse_mode")
    return mark_edited(emu, message, markup)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(emu: Emulator, params: Params) -> Any:
    message = message_to_edit(emu, params)
    markup = Markup(emu, "editMessageReplyMarkup", params)
    if markup.inline == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    return mark_edited(emu, message, markup)


@method("deleteMessage")
async def delete_message(emu: Emulator, params: Params) -> Any:
    chat = emu.chats.get(params["chat_id"])
    if chat is None or not chat.user.started:
        raise bad_request("chat not found")
    message = existing_message(chat, params["message_id"])
    if message is None:
        raise bad_request("message to delete not found")
    message.deleted = True
    emu.notify()
    return True


# --- callback queries and files ----------------------------------------------------------------


@method("answerCallbackQuery")
async def answer_callback_query(emu: Emulator, params: Params) -> Any:
    query = emu.callback_queries.get(params["callback_query_id"])
    if query is None or query.answered or emu.clock() - query.created_at > emu.callback_timeout:
        raise bad_request(CALLBACK_EXPIRED)
    text = params.get("text")
    if text is not None and utf16_len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    query.answer_text = text
    query.show_alert = bool(params.get("show_alert"))
    query.url = params.get("url")
    emu.notify()
    return True


@method("getFile")
async def get_file(emu: Emulator, params: Params) -> Any:
    stored = emu.files.get(params["file_id"])
    if stored is None:
        raise bad_request("wrong file_id or the file is temporarily unavailable")
    if stored.size > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return stored.file_json()
