"""Telegram bot for civic NGOs: events, registration, check-in, feedback surveys, reports."""
