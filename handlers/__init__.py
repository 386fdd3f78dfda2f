"""Thin aiogram routers. Each module builds its router in a factory, because an aiogram router
can be attached to only one parent; the rules they apply live in plain modules under bot/."""

from aiogram import Router

from handlers import (
    admin,
    catalogue,
    checkin,
    errors,
    fallback,
    language,
    membership,
    my_events,
    onboarding,
    profile,
    registration,
    reminders,
    start,
    survey,
)


def build_router() -> Router:
    root = Router(name="root")
    root.include_routers(
        membership.build_router(),
        admin.build_router(),
        onboarding.build_router(),
        start.build_router(),
        language.build_router(),
        catalogue.build_router(),
        registration.build_router(),
        my_events.build_router(),
        profile.build_router(),
        reminders.build_router(),
        checkin.build_router(),
        survey.build_router(),
        # The fallback answers whatever nobody else took, so it stays last.
        fallback.build_router(),
    )
    errors.register(root)
    return root
