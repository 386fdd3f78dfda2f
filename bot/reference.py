"""Configurable lists people pick from: participant categories and districts (TOML files)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

OTHER_PREFIX = "other:"  # a district typed by hand is stored as "other:<text>"


class ReferenceDataError(Exception):
    pass


@dataclass(frozen=True)
class Item:
    code: str
    ru: str
    kk: str

    def label(self, language: str) -> str:
        return self.kk if language == "kk" else self.ru


@dataclass(frozen=True)
class ReferenceList:
    items: tuple[Item, ...]

    def get(self, code: str) -> Item | None:
        return next((item for item in self.items if item.code == code), None)

    def by_label(self, label: str, language: str) -> Item | None:
        """The item whose button reads `label` in that language: a tapped choice back to
        its code."""
        return next((item for item in self.items if item.label(language) == label), None)

    def label(self, code: str | None, language: str) -> str:
        """The text for a stored value; hand-typed values are shown as typed."""
        if not code:
            return "—"
        if code.startswith(OTHER_PREFIX):
            return code.removeprefix(OTHER_PREFIX)
        item = self.get(code)
        return item.label(language) if item else code


@dataclass(frozen=True)
class Reference:
    categories: ReferenceList
    districts: ReferenceList


def load_list(path: Path, table: str) -> ReferenceList:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ReferenceDataError(f"{path}: {exc}") from exc
    entries = raw.get(table)
    if not isinstance(entries, list) or not entries:
        raise ReferenceDataError(f"{path}: needs at least one [[{table}]] entry")
    items: list[Item] = []
    for number, entry in enumerate(entries, start=1):
        missing = [key for key in ("code", "ru", "kk") if not str(entry.get(key, "")).strip()]
        if missing:
            raise ReferenceDataError(f"{path}: {table} #{number} lacks {', '.join(missing)}")
        code = str(entry["code"])
        if not code.replace("_", "").isalnum() or not code.isascii() or len(code) > 24:
            raise ReferenceDataError(f"{path}: {table} code {code!r} must be short latin letters")
        items.append(Item(code, str(entry["ru"]), str(entry["kk"])))
    codes = [item.code for item in items]
    if len(set(codes)) != len(codes):
        raise ReferenceDataError(f"{path}: duplicate {table} codes")
    return ReferenceList(tuple(items))


def load_reference(categories_file: Path, districts_file: Path) -> Reference:
    return Reference(load_list(categories_file, "category"), load_list(districts_file, "district"))
