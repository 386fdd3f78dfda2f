"""A strict local Telegram Bot API emulator for tests and demos.

The bot under test talks HTTP to ``tgemu.server``; tests play Telegram users through
``Emulator.user(...)``. See README.md for the rules it enforces.
"""

from tgemu.engine import DEFAULT_TOKEN, Emulator
from tgemu.errors import ApiError
from tgemu.files import StoredFile, Upload
from tgemu.keyboards import Button
from tgemu.models import ApiCall, CallbackQueryRecord, Chat, ChatMessage, Update, UserProfile
from tgemu.server import start_server
from tgemu.users import EmuUser

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "ApiError",
    "Button",
    "CallbackQueryRecord",
    "Chat",
    "ChatMessage",
    "EmuUser",
    "Emulator",
    "StoredFile",
    "Update",
    "Upload",
    "UserProfile",
    "start_server",
]
