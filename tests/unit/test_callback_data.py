"""Every CallbackData factory provably fits Telegram's 64 bytes with worst-case values."""

from __future__ import annotations

import importlib
import pkgutil
import types
import typing
from enum import Enum

import pytest
from aiogram.filters.callback_data import CallbackData
from annotated_types import MaxLen

import handlers

LIMIT = 64
BIG_INT = -(2**63)  # the longest integer a SQLite rowid or Telegram id can print as


def _all_factories() -> list[type[CallbackData]]:
    for module in pkgutil.walk_packages(handlers.__path__, prefix="handlers."):
        importlib.import_module(module.name)
    found: list[type[CallbackData]] = []
    pending = list(CallbackData.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("handlers."):
            found.append(cls)
    return found


def _worst(annotation: object, metadata: list[object], name: str) -> object:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        candidates = [
            _worst(arg, metadata, name) for arg in typing.get_args(annotation) if arg is not None
        ]
        return max(candidates, key=lambda value: len(str(value).encode()))
    if origin is typing.Literal:
        return max(typing.get_args(annotation), key=lambda value: len(str(value).encode()))
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return max(annotation, key=lambda member: len(str(member.value).encode()))
    if annotation is bool:
        return True
    if annotation is int:
        return BIG_INT
    if annotation is str:
        limits = [m.max_length for m in metadata if isinstance(m, MaxLen)]
        assert limits, f"str field {name!r} needs max_length or an Enum/Literal type"
        # Cyrillic takes two bytes per letter in UTF-8.
        return "Ж" * limits[0]
    if annotation is type(None):
        return ""
    raise AssertionError(f"field {name!r}: unsupported type {annotation!r} in callback data")


FACTORIES = _all_factories()


def test_factories_are_found() -> None:
    assert FACTORIES


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_packed_worst_case_fits_64_bytes(factory: type[CallbackData]) -> None:
    values = {
        name: _worst(field.annotation, list(field.metadata), name)
        for name, field in factory.model_fields.items()
    }
    packed = factory(**values).pack()
    assert len(packed.encode()) <= LIMIT, f"{packed!r} is {len(packed.encode())} bytes"


def test_prefixes_are_unique() -> None:
    prefixes = [factory.__prefix__ for factory in FACTORIES]
    assert len(prefixes) == len(set(prefixes))


def test_coordinator_buttons_are_recognisable_by_prefix() -> None:
    # The deny router refuses "A..." buttons to participants; a participant button starting with
    # "A" would be refused to them, a coordinator one without it would skip the refusal.
    for factory in FACTORIES:
        is_admin = factory.__module__.startswith("handlers.admin")
        assert factory.__prefix__.startswith("A") == is_admin, factory
