"""Survey templates: every question in Russian and Kazakh, validated when loaded."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.texts import LANGUAGES

TEMPLATES_DIR = Path(__file__).with_name("templates")
RATING_SCALE = (1, 5)


class QuestionKind(StrEnum):
    SCALE = "scale"
    SINGLE = "single"
    MULTI = "multi"
    YESNO = "yesno"
    TEXT = "text"


class TemplateError(Exception):
    """One line: the file, the question id and the problem."""


@dataclass(frozen=True)
class Option:
    id: str
    text: dict[str, str]

    def label(self, language: str) -> str:
        return self.text.get(language) or self.text["ru"]


@dataclass(frozen=True)
class Question:
    id: str
    kind: QuestionKind
    text: dict[str, str]
    options: tuple[Option, ...] = ()
    scale_min: int = 1
    scale_max: int = 5
    optional: bool = False
    max_length: int = 1000
    other_option: bool = False

    def label(self, language: str) -> str:
        return self.text.get(language) or self.text["ru"]

    def option(self, option_id: str) -> Option | None:
        return next((option for option in self.options if option.id == option_id), None)


@dataclass(frozen=True)
class SurveyTemplate:
    id: str
    title: dict[str, str]
    questions: tuple[Question, ...]

    @property
    def rating(self) -> Question | None:
        """The question a report calls "the rating": the first scale question."""
        return next((q for q in self.questions if q.kind is QuestionKind.SCALE), None)

    def question(self, question_id: str) -> Question:
        found = next((q for q in self.questions if q.id == question_id), None)
        if found is None:
            raise KeyError(question_id)
        return found


def _texts(raw: object, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(
        isinstance(raw.get(lang), str) and raw[lang].strip() for lang in LANGUAGES
    ):
        raise TemplateError(f"{where}: needs text in both ru and kk")
    return {lang: str(raw[lang]).strip() for lang in LANGUAGES}


def _question(raw: dict[str, object], where: str) -> Question:
    question_id = str(raw.get("id") or "")
    if not question_id.isidentifier() or len(question_id) > 16:
        raise TemplateError(f"{where}: question id {question_id!r} must be a short identifier")
    where = f"{where}, question {question_id}"
    try:
        kind = QuestionKind(str(raw.get("kind")))
    except ValueError:
        kinds = ", ".join(k.value for k in QuestionKind)
        raise TemplateError(f"{where}: kind must be one of {kinds}") from None
    options: list[Option] = []
    raw_options = raw.get("options", [])
    if not isinstance(raw_options, list):
        raise TemplateError(f"{where}: options must be a list")
    for entry in raw_options:
        option_id = str(entry.get("id") or "") if isinstance(entry, dict) else ""
        # Option ids travel in button data, which Telegram limits to 64 bytes.
        if not (option_id.isidentifier() and option_id.isascii() and len(option_id) <= 8):
            raise TemplateError(f"{where}: option id {option_id!r} must be up to 8 latin letters")
        assert isinstance(entry, dict)
        options.append(Option(str(entry["id"]), _texts(entry, f"{where}, option {entry['id']}")))
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTI) and len(options) < 2:
        raise TemplateError(f"{where}: a choice question needs at least two options")
    if len({o.id for o in options}) != len(options):
        raise TemplateError(f"{where}: option ids repeat")
    scale_min = int(str(raw.get("min", 1)))
    scale_max = int(str(raw.get("max", 5)))
    if kind is QuestionKind.SCALE and not (0 <= scale_min < scale_max <= 10):
        raise TemplateError(f"{where}: a scale runs within 0..10, min below max")
    return Question(
        id=question_id,
        kind=kind,
        text=_texts(raw.get("text"), where),
        options=tuple(options),
        scale_min=scale_min,
        scale_max=scale_max,
        optional=bool(raw.get("optional", False)),
        max_length=int(str(raw.get("max_length", 1000))),
        other_option=bool(raw.get("other", False)),
    )


def load_template(path: Path) -> SurveyTemplate:
    where = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"{where}: {exc}") from None
    entries = raw.get("question")
    if not isinstance(entries, list) or not entries:
        raise TemplateError(f"{where}: needs at least one [[question]]")
    questions = tuple(_question(entry, where) for entry in entries)
    if len({q.id for q in questions}) != len(questions):
        raise TemplateError(f"{where}: question ids repeat")
    template = SurveyTemplate(path.stem, _texts(raw.get("title"), where), questions)
    rating = template.rating
    # Reports average the rating across events and templates: one scale keeps that honest.
    if rating is not None and (rating.scale_min, rating.scale_max) != RATING_SCALE:
        low, high = RATING_SCALE
        raise TemplateError(
            f"{where}, question {rating.id}: the first scale question is the rating reports "
            f"average across events; it must run {low}..{high}"
        )
    return template


def load_templates(directory: Path | None = None) -> dict[str, SurveyTemplate]:
    folder = directory or TEMPLATES_DIR
    templates = {path.stem: load_template(path) for path in sorted(folder.glob("*.toml"))}
    if not templates:
        raise TemplateError(f"{folder}: no survey templates")
    return templates
