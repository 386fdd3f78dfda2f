"""The analysis of feedback questionnaires by district, from answer counts.

Counts add up across districts (each questionnaire has one respondent district), so the
overall figures are sums of the district ones and can never disagree with them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.reports.snapshot import Tally
from surveys.templates import SurveyTemplate


@dataclass
class QuestionStats:
    answered: int = 0
    values: Counter[float] = field(default_factory=Counter)  # scale value or yes=1/no=0
    options: Counter[str] = field(default_factory=Counter)

    @property
    def average(self) -> float | None:
        total = sum(self.values.values())
        if not total:
            return None
        return sum(value * count for value, count in self.values.items()) / total

    def add(self, other: QuestionStats) -> None:
        self.answered += other.answered
        self.values.update(other.values)
        self.options.update(other.options)


@dataclass
class TemplateFeedback:
    template: SurveyTemplate
    responses: Counter[str | None] = field(default_factory=Counter)  # by district
    questions: dict[str, dict[str | None, QuestionStats]] = field(default_factory=dict)

    @property
    def total_responses(self) -> int:
        return sum(self.responses.values())

    def districts(self) -> list[str | None]:
        return list(self.responses)

    def question(self, question_id: str) -> dict[str | None, QuestionStats]:
        return self.questions.setdefault(question_id, {})

    def overall(self, question_id: str) -> QuestionStats:
        total = QuestionStats()
        for stats in self.questions.get(question_id, {}).values():
            total.add(stats)
        return total


@dataclass
class Feedback:
    by_template: dict[str, TemplateFeedback]

    def rating_by_district(self) -> dict[str | None, QuestionStats]:
        """Each template's rating question (its first scale), pooled across templates."""
        pooled: dict[str | None, QuestionStats] = {}
        for part in self.by_template.values():
            rating = part.template.rating
            if rating is None:
                continue
            for district, stats in part.questions.get(rating.id, {}).items():
                pooled.setdefault(district, QuestionStats()).add(stats)
        return pooled


def analyse(
    tallies: Iterable[Tally],
    responses: Mapping[tuple[str | None, str], int],
    templates: Mapping[str, SurveyTemplate],
) -> Feedback:
    """Answers to templates no longer shipped are left out: there is nothing to label them with."""
    parts: dict[str, TemplateFeedback] = {}
    for (district, template_id), count in responses.items():
        if template_id in templates:
            part = parts.setdefault(template_id, TemplateFeedback(templates[template_id]))
            part.responses[district] += count
    for tally in tallies:
        part_or_none = parts.get(tally.template)
        if part_or_none is None:
            continue
        stats = part_or_none.question(tally.question).setdefault(tally.district, QuestionStats())
        if tally.value is None:
            stats.answered += tally.count
        elif isinstance(tally.value, float):
            stats.values[tally.value] += tally.count
        else:
            stats.options[tally.value] += tally.count
    ordered = {key: parts[key] for key in templates if key in parts}
    return Feedback(ordered)
