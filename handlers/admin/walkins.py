"""Walk-ins: the coordinator lets unregistered people check in by QR or code, or adds someone
without Telegram by name, category and district (they count in the reach report)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove
from aiogram.utils.keyboard import ReplyKeyboardBuilder

from bot.checkin.service import CheckinService
from bot.events.store import get_event
from bot.people.profile import ProfileInputError, clean_full_name
from bot.platform.db import Database
from bot.reference import Reference, ReferenceList
from bot.texts import Translator

WALKIN = "walkin"


class WalkinForm(StatesGroup):
    name = State()
    category = State()
    district = State()


def _keyboard(items: ReferenceList | None, t: Translator) -> ReplyKeyboardMarkup:
    builder = ReplyKeyboardBuilder()
    labels = [item.label(t.language) for item in items.items] if items else []
    for index in range(0, len(labels), 2):
        builder.row(*(KeyboardButton(text=label) for label in labels[index : index + 2]))
    builder.row(KeyboardButton(text=t("evf.btn.cancel")))
    return builder.as_markup(resize_keyboard=True, is_persistent=True)


async def start_walkin(message: Message, state: FSMContext, t: Translator, event_id: int) -> None:
    await state.set_state(WalkinForm.name)
    await state.set_data({WALKIN: {"event_id": event_id}})
    await message.answer(t("walkin.ask.name"), reply_markup=_keyboard(None, t))


def _pick(text: str, items: ReferenceList, t: Translator) -> str | None:
    return next((item.code for item in items.items if item.label(t.language) == text), None)


def build_router() -> Router:
    router = Router(name="admin-walkins")

    @router.message(StateFilter(WalkinForm), ~F.text.startswith("/"))
    async def step(
        message: Message,
        state: FSMContext,
        t: Translator,
        db: Database,
        checkin: CheckinService,
        reference: Reference,
    ) -> None:
        current = await state.get_state()
        draft = dict((await state.get_data()).get(WALKIN, {}))
        text = (message.text or "").strip()
        if text == t("evf.btn.cancel"):
            await state.clear()
            await message.answer(t("evf.cancelled"), reply_markup=ReplyKeyboardRemove())
            return
        if current == WalkinForm.name.state:
            try:
                draft["name"] = clean_full_name(text)
            except ProfileInputError as error:
                await message.answer(t(f"onb.error.{error.reason}"))
                return
            await state.set_state(WalkinForm.category)
            await state.update_data({WALKIN: draft})
            await message.answer(
                t("onb.ask.category"), reply_markup=_keyboard(reference.categories, t)
            )
            return
        if current == WalkinForm.category.state:
            code = _pick(text, reference.categories, t)
            if code is None:
                await message.answer(t("onb.error.choose_button"))
                return
            draft["category"] = code
            await state.set_state(WalkinForm.district)
            await state.update_data({WALKIN: draft})
            await message.answer(
                t("onb.ask.district"), reply_markup=_keyboard(reference.districts, t)
            )
            return
        district = _pick(text, reference.districts, t)
        if district is None:
            await message.answer(t("onb.error.choose_button"))
            return
        event = await get_event(db, int(draft["event_id"]))
        await state.clear()
        if event is None:
            await message.answer(t("evf.event_gone"), reply_markup=ReplyKeyboardRemove())
            return
        actor = message.from_user.id if message.from_user else 0
        if not await checkin.add_walkin(
            event.id, draft["name"], draft["category"], district, actor
        ):
            await message.answer(t("evf.event_gone"), reply_markup=ReplyKeyboardRemove())
            return
        await message.answer(
            t("walkin.added", name=draft["name"], title=event.title_ru),
            reply_markup=ReplyKeyboardRemove(),
        )

    return router
