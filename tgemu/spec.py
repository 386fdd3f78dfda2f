"""The published Bot API as data, and request parameters checked and converted against it.

``api.min.json`` next to this module is the machine-readable Bot API generated from the official
documentation by PaulSonOfLars/telegram-bot-api-spec (MIT licence), vendored so a fresh clone
works offline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from tgemu.errors import bad_request
from tgemu.files import Upload

Kind = Literal["integer", "boolean", "float", "string", "file", "array", "object"]
SCALAR_KINDS: dict[str, Kind] = {
    "Integer": "integer",
    "Boolean": "boolean",
    "Float": "float",
    "String": "string",
    "InputFile": "file",
}
ARRAY_PREFIX = "Array of "
INTEGER = re.compile(r"-?\d+")
ATTACH = "attach://"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: Mapping[str, FieldSpec]


class ApiSpec:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = data["version"]
        self._type_fields = {
            name: tuple(f["name"] for f in type_.get("fields", []))
            for name, type_ in data["types"].items()
        }
        # Telegram matches method names case-insensitively.
        self._methods = {
            name.lower(): MethodSpec(
                name=name,
                fields={
                    f["name"]: FieldSpec(f["name"], tuple(f["types"]), bool(f["required"]))
                    for f in method.get("fields", [])
                },
            )
            for name, method in data["methods"].items()
        }

    def method(self, name: str) -> MethodSpec | None:
        return self._methods.get(name.lower())

    def fields_of(self, type_name: str) -> tuple[str, ...]:
        return self._type_fields[type_name]


@cache
def bundled_spec() -> ApiSpec:
    text = resources.files("tgemu").joinpath("api.min.json").read_text(encoding="utf-8")
    return ApiSpec(json.loads(text))


def coerce_params(
    method: MethodSpec, raw: Mapping[str, Any], uploads: Mapping[str, Upload]
) -> dict[str, Any]:
    """Check names, presence and types; convert form strings ("123", "true", JSON) to values.

    Unknown names are refused although Telegram ignores them: a misspelt optional parameter
    would otherwise silently do nothing.
    """
    for name in raw:
        if name not in method.fields:
            raise bad_request(f"unknown parameter {name}")
    # JSON null means "not given", as with Telegram.
    values = {name: value for name, value in raw.items() if value is not None}
    # A file may also be posted directly under the parameter's own name.
    for name, upload in uploads.items():
        if name in method.fields and name not in values:
            values[name] = upload
    for field in method.fields.values():
        if field.required and field.name not in values:
            raise bad_request(f"parameter {field.name} is required")
    return {name: _coerce(method.fields[name], value, uploads) for name, value in values.items()}


def _coerce(field: FieldSpec, value: Any, uploads: Mapping[str, Upload]) -> Any:
    if isinstance(value, str) and value.startswith(ATTACH) and "InputFile" in field.types:
        key = value.removeprefix(ATTACH)
        if key not in uploads:
            raise bad_request(f"{field.name}: no file part named {key!r} was posted")
        return uploads[key]
    json_failed = False
    for type_name in field.types:
        kind = kind_of(type_name)
        candidate = value
        if kind in ("array", "object") and isinstance(value, str):
            try:
                candidate = json.loads(value)
            except ValueError:
                json_failed = True
                continue
        converted = _convert(type_name, candidate)
        if converted is not _MISMATCH:
            return converted
    if json_failed:
        raise bad_request(f"can't parse {field.name} JSON object")
    raise bad_request(f"parameter {field.name} must be {' or '.join(field.types)}")


def kind_of(type_name: str) -> Kind:
    if type_name.startswith(ARRAY_PREFIX):
        return "array"
    return SCALAR_KINDS.get(type_name, "object")


class _Mismatch:
    pass


_MISMATCH = _Mismatch()


def _convert(type_name: str, value: Any) -> Any:
    kind = kind_of(type_name)
    if kind == "array":
        if not isinstance(value, list):
            return _MISMATCH
        items = [_convert(type_name.removeprefix(ARRAY_PREFIX), item) for item in value]
        return _MISMATCH if any(item is _MISMATCH for item in items) else items
    if kind == "object":
        return value if isinstance(value, dict) else _MISMATCH
    if kind == "file":
        return value if isinstance(value, Upload) else _MISMATCH
    if isinstance(value, Upload):
        return _MISMATCH
    return _convert_scalar(kind, value)


def _is_number(value: Any) -> bool:
    # bool is an int subclass in Python but never a number in the Bot API.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _to_integer(value: Any) -> Any:
    if isinstance(value, str) and INTEGER.fullmatch(value.strip()):
        return int(value)
    if _is_number(value) and float(value).is_integer():
        return int(value)
    return _MISMATCH


def _to_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    flag = str(value).strip().lower()
    if flag in ("true", "1"):
        return True
    if flag in ("false", "0"):
        return False
    return _MISMATCH


def _to_float(value: Any) -> Any:
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return _MISMATCH
    return _MISMATCH


def _to_string(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if _is_number(value):
        return str(value)
    return _MISMATCH


_SCALAR_CONVERTERS: dict[Kind, Callable[[Any], Any]] = {
    "integer": _to_integer,
    "boolean": _to_boolean,
    "float": _to_float,
    "string": _to_string,
}


def _convert_scalar(kind: Kind, value: Any) -> Any:
    convert = _SCALAR_CONVERTERS.get(kind)
    return _MISMATCH if convert is None else convert(value)
