"""Infrastructure shared by every feature: how the bot talks to Telegram (pace, retries,
callback answers). It may import aiogram; features reach it only through the composition root."""
