"""Survey templates: the shipped ones load; a broken one is refused with file, question and
problem in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveys.templates import QuestionKind, TemplateError, load_template, load_templates

KAZAKH_LETTERS = set("әғқңөұүһі")


def test_shipped_templates_cover_the_typical_questionnaire() -> None:
    templates = load_templates()
    seminar = templates["seminar"]
    kinds = {question.kind for question in seminar.questions}
    assert kinds == set(QuestionKind) - {QuestionKind.SINGLE}
    assert seminar.question("topics").other_option
    assert {q.kind for q in templates["study_tour"].questions} >= {
        QuestionKind.SCALE,
        QuestionKind.SINGLE,
        QuestionKind.TEXT,
    }
    for template in templates.values():
        for question in template.questions:
            assert KAZAKH_LETTERS & set(question.label("kk").lower()), question.id


BROKEN = {
    "no_kk": (
        'title = { ru = "Анкета", kk = "Сауалнама" }\n'
        '[[question]]\nid = "q1"\nkind = "scale"\ntext = { ru = "Оценка" }\n',
        "no_kk.toml, question q1: needs text in both ru and kk",
    ),
    "bad_kind": (
        'title = { ru = "Анкета", kk = "Сауалнама" }\n'
        '[[question]]\nid = "q1"\nkind = "stars"\ntext = { ru = "А", kk = "Ә" }\n',
        "no_kk.toml",
    ),
    "one_option": (
        'title = { ru = "Анкета", kk = "Сауалнама" }\n'
        '[[question]]\nid = "pick"\nkind = "single"\ntext = { ru = "А", kk = "Ә" }\n'
        'options = [{ id = "a", ru = "а", kk = "ә" }]\n',
        "one_option.toml, question pick: a choice question needs at least two options",
    ),
    "scale": (
        'title = { ru = "Анкета", kk = "Сауалнама" }\n'
        '[[question]]\nid = "s"\nkind = "scale"\nmin = 5\nmax = 1\ntext = { ru = "А", kk = "Ә" }\n',
        "scale.toml, question s: a scale runs within 0..10, min below max",
    ),
    "rating": (
        'title = { ru = "Анкета", kk = "Сауалнама" }\n'
        '[[question]]\nid = "nps"\nkind = "scale"\nmin = 0\nmax = 10\n'
        'text = { ru = "А", kk = "Ә" }\n',
        "rating.toml, question nps: the first scale question is the rating reports average "
        "across events; it must run 1..5",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_templates_are_refused_clearly(tmp_path: Path, name: str) -> None:
    text, message = BROKEN[name]
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    if name == "bad_kind":
        assert str(caught.value).startswith("bad_kind.toml, question q1: kind must be one of")
    else:
        assert str(caught.value) == message
