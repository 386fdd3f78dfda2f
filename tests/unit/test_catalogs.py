"""The Russian and Kazakh catalogs stay in step: same keys, same placeholders, real Kazakh."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.texts import LOCALES_DIR, CatalogError, Texts, read_catalog

KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
HTML_TAG = re.compile(r"</?([a-z-]+)")


def _messages(language: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for message in read_catalog(language):
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        out[key] = tuple(str(s) for s in strings)
    return out


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


RU = _messages("ru")
KK = _messages("kk")


def test_both_languages_have_the_same_keys() -> None:
    assert sorted(RU.keys() - KK.keys()) == [], "missing in Kazakh"
    assert sorted(KK.keys() - RU.keys()) == [], "missing in Russian"


@pytest.mark.parametrize("key", sorted(RU))
def test_every_text_is_translated_with_the_same_placeholders_and_tags(key: str) -> None:
    ru_forms, kk_forms = RU[key], KK.get(key, ())
    assert all(form.strip() for form in ru_forms + kk_forms), f"{key}: empty translation"
    ru_fields = set().union(*(_fields(form) for form in ru_forms))
    for form in kk_forms:
        assert _fields(form) == ru_fields, f"{key}: placeholders differ"
        assert sorted(HTML_TAG.findall(form)) == sorted(HTML_TAG.findall(ru_forms[0])), key


def test_plural_forms_follow_each_language() -> None:
    plural_keys = [key for key, forms in RU.items() if len(forms) > 1]
    assert plural_keys, "the catalogs should have plural texts"
    for key in plural_keys:
        assert len(RU[key]) == 3, f"{key}: Russian needs one/few/many forms"
        assert len(KK[key]) == 2, f"{key}: Kazakh has one/other forms"


def test_russian_plurals_choose_the_right_form() -> None:
    t = Texts("ru").of("ru")
    forms = [t.plural("common.participants", n) for n in (1, 2, 5, 11, 21, 22, 25, 111)]
    assert forms == [
        "1 участник", "2 участника", "5 участников", "11 участников",
        "21 участник", "22 участника", "25 участников", "111 участников",
    ]  # fmt: skip


def _has_words(text: str) -> bool:
    """Layouts made only of placeholders, tags and punctuation have nothing to translate."""
    bare = re.sub(r"\{\w+\}|<[^>]+>", "", text)
    return any(char.isalpha() for char in bare)


def test_kazakh_is_kazakh_not_russian_copied_over() -> None:
    identical = [
        key
        for key in RU
        if RU[key] == KK.get(key) and len(RU[key][0]) > 12 and _has_words(RU[key][0])
    ]
    assert identical == [], "texts left in Russian in the Kazakh catalog"
    kazakh_texts = [form for forms in KK.values() for form in forms if len(form) > 25]
    with_kazakh_letters = [form for form in kazakh_texts if KAZAKH_LETTERS & set(form)]
    # Longer Kazakh sentences nearly always contain a letter Russian does not have.
    assert len(with_kazakh_letters) >= 0.8 * len(kazakh_texts)


def test_a_key_defined_twice_is_refused(tmp_path: Path) -> None:
    for name in ("a.po", "b.po"):
        (tmp_path / "ru").mkdir(exist_ok=True)
        (tmp_path / "ru" / name).write_text('msgid "x.y"\nmsgstr "z"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"x\.y"):
        read_catalog("ru", tmp_path)


def test_values_are_html_escaped_unless_marked_safe() -> None:
    t = Texts("ru").of("ru")
    assert "&lt;b&gt;Ли &amp; Ко&lt;/b&gt;" in t("start.welcome", name="<b>Ли & Ко</b>")


def test_catalog_directory_has_both_languages() -> None:
    assert {p.name for p in LOCALES_DIR.iterdir() if p.is_dir()} == {"ru", "kk"}


ROOT = Path(__file__).resolve().parents[2]
LITERAL_KEY = re.compile(
    r"""\b(?:t|text)(?:\.plural|\.plain)?\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']"""
)
ENUM_KEYS = {
    "evtype": "bot.events.model:EventType",
    "status": "bot.registration.rules:RegistrationStatus",
    "adm.status": "bot.events.model:EventStatus",
    "ci": "bot.checkin.rules:CheckinResult",
    "ci.coordinator": "bot.checkin.rules:CheckinResult",
    "adm.field": "handlers.admin.callbacks:EventField",
    "profile.btn": "bot.people.profile:ProfileField",
    "plist.status": "bot.registration.rules:RegistrationStatus",
    "app.result": "bot.registration.rules:DecisionResult",
    "team.invite": "bot.people.coordinators:InviteResult",
    "adm.method": "bot.checkin.rules:CheckinMethod",
    "rep.fb.kind": "surveys.templates:QuestionKind",
    "proj.field": "handlers.admin.callbacks:ProjectField",
}


def test_every_key_the_code_asks_for_exists() -> None:
    """A key missing from the catalogs would show its id to the user; f-string keys are
    checked through the enums they are built from."""
    import importlib

    used = {
        key
        for folder in ("bot", "handlers")
        for path in (ROOT / folder).rglob("*.py")
        for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))
    }
    for prefix, target in ENUM_KEYS.items():
        module, name = target.split(":")
        enum = getattr(importlib.import_module(module), name)
        used |= {f"{prefix}.{member.value}" for member in enum}
    missing = sorted(key for key in used if key not in RU)
    assert missing == []
