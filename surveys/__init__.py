"""Feedback questionnaires: templates (TOML files in surveys/templates/) and the rules of
answering them. Nothing here imports aiogram."""
