"""Every CallbackData factory provably fits Telegram's 64 bytes with worst-case values, and
every number in it is bounded to what SQLite can hold."""

from __future__ import annotations

import importlib
import pkgutil
import types
import typing
from enum import Enum

import pytest
from aiogram.filters.callback_data import CallbackData
from annotated_types import Ge, Le, MaxLen

import handlers

LIMIT = 64
SQLITE_MIN, SQLITE_MAX = -(2**63), 2**63 - 1


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
        low, high = int_bounds(metadata, name)
        return max(low, high, key=lambda value: len(str(value)))
    if annotation is str:
        limits = [m.max_length for m in metadata if isinstance(m, MaxLen)]
        assert limits, f"str field {name!r} needs max_length or an Enum/Literal type"
        # Cyrillic takes two bytes per letter in UTF-8.
        return "Ж" * limits[0]
    if annotation is type(None):
        return ""
    raise AssertionError(f"field {name!r}: unsupported type {annotation!r} in callback data")


def int_bounds(metadata: list[object], name: str) -> tuple[int, int]:
    lows = [m.ge for m in metadata if isinstance(m, Ge)]
    highs = [m.le for m in metadata if isinstance(m, Le)]
    assert lows and highs, (
        f"int field {name!r} needs bounds: handlers.ui.callbacks.Id or Field(ge, le)"
    )
    low, high = lows[0], highs[0]
    assert isinstance(low, int) and isinstance(high, int)
    return low, high


def _holds_int(annotation: object) -> bool:
    return annotation is int or int in typing.get_args(annotation)


def _worst_case(factory: type[CallbackData]) -> CallbackData:
    return factory(
        **{
            name: _worst(field.annotation, list(field.metadata), name)
            for name, field in factory.model_fields.items()
        }
    )


FACTORIES = _all_factories()
INT_FIELDS = [
    (factory, name)
    for factory in FACTORIES
    for name, field in factory.model_fields.items()
    if _holds_int(field.annotation)
]


def test_factories_are_found() -> None:
    assert FACTORIES


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_packed_worst_case_fits_64_bytes(factory: type[CallbackData]) -> None:
    packed = _worst_case(factory).pack()
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


def test_callback_data_is_defined_in_the_two_callback_modules() -> None:
    # One place to read what any button carries: the participant's and the coordinator's.
    homes = {"handlers.ui.callbacks", "handlers.admin.callbacks"}
    strays = [f"{f.__module__}.{f.__name__}" for f in FACTORIES if f.__module__ not in homes]
    assert not strays


def test_int_fields_are_found() -> None:
    assert INT_FIELDS


@pytest.mark.parametrize(
    ("factory", "name"), INT_FIELDS, ids=lambda v: v if isinstance(v, str) else v.__name__
)
def test_every_number_is_bounded_within_sqlite(factory: type[CallbackData], name: str) -> None:
    """Out of range, the data is not the factory's: no handler sees the number, and the press
    gets the outdated-button alert (tests/unit/test_callback_bounds.py)."""
    low, high = int_bounds(list(factory.model_fields[name].metadata), name)
    assert SQLITE_MIN <= low <= high <= SQLITE_MAX
    assert _unpacks(factory, name, str(low))
    assert _unpacks(factory, name, str(high))
    for refused in (str(low - 1), str(high + 1), "999999999999999999999", "x", "1.5"):
        assert not _unpacks(factory, name, refused), f"{name}={refused!r} was accepted"


def _unpacks(factory: type[CallbackData], name: str, raw: str) -> bool:
    """Whether the factory takes its own packed data with `raw` in place of field `name`. As
    CallbackData.filter() does, a ValueError (pydantic's ValidationError is one) means no."""
    parts = _worst_case(factory).pack().split(factory.__separator__)
    parts[1 + list(factory.model_fields).index(name)] = raw
    try:
        factory.unpack(factory.__separator__.join(parts))
    except ValueError:
        return False
    return True
