"""The analysis of feedback questionnaires by district and by event, from answer counts.

Counts add up across groups (each questionnaire has one event and one respondent district), so
the overall figures are sums of the group ones and can never disagree with them. Groups are the
respondent's district (as it was when they answered), the event's district, or the event.

An anonymous survey's answers from a group of fewer than three questionnaires would tell who
answered what (two people from one district in the room): they are merged into one wider group,
MERGED, shown as "other districts" or "other events". Named surveys are never merged.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.reports.snapshot import EventLine, Tally
from surveys.templates import SurveyTemplate

SMALL_GROUP = 3  # anonymous questionnaires a group needs to be shown on its own


class Merged(enum.Enum):
    SMALL_GROUPS = "small"


MERGED = Merged.SMALL_GROUPS
# A district code, an event id, None for "not specified", or the merged small groups.
Group = str | int | None | Merged


class By(enum.Enum):
    RESPONDENT_DISTRICT = "respondent"
    EVENT_DISTRICT = "event_district"
    EVENT = "event"


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
    responses: Counter[Group] = field(default_factory=Counter)  # by group
    questions: dict[str, dict[Group, QuestionStats]] = field(default_factory=dict)

    @property
    def total_responses(self) -> int:
        return sum(self.responses.values())

    def districts(self) -> list[Group]:
        return list(self.responses)

    def question(self, question_id: str) -> dict[Group, QuestionStats]:
        return self.questions.setdefault(question_id, {})

    def overall(self, question_id: str) -> QuestionStats:
        total = QuestionStats()
        for stats in self.questions.get(question_id, {}).values():
            total.add(stats)
        return total


@dataclass
class Feedback:
    by: By
    by_template: dict[str, TemplateFeedback]
    merged_from: frozenset[Group] = frozenset()  # the groups merged into MERGED

    @property
    def merged(self) -> bool:
        """Whether some small anonymous groups were merged, which the sheet has to say."""
        return any(MERGED in part.responses for part in self.by_template.values())

    def rating_by_district(self) -> dict[Group, QuestionStats]:
        """Each template's rating question (its first scale), pooled across templates."""
        pooled: dict[Group, QuestionStats] = {}
        for part in self.by_template.values():
            rating = part.template.rating
            if rating is None:
                continue
            for group, stats in part.questions.get(rating.id, {}).items():
                pooled.setdefault(group, QuestionStats()).add(stats)
        return pooled


class _Grouping:
    """Which group a questionnaire of (event, respondent's district, template) counts in."""

    def __init__(
        self,
        by: By,
        events: Mapping[int, EventLine] | None,
        responses: Mapping[tuple[int, str | None, str], int],
    ) -> None:
        self.by = by
        self.events = events
        anonymous: Counter[tuple[str, Group]] = Counter()
        for (event_id, district, template), count in responses.items():
            if self._anonymous(event_id):
                anonymous[(template, self._plain(event_id, district))] += count
        self.small = {key for key, count in anonymous.items() if count < SMALL_GROUP}

    def _anonymous(self, event_id: int) -> bool:
        event = self.events.get(event_id) if self.events is not None else None
        return event is not None and event.anonymous

    def _plain(self, event_id: int, district: str | None) -> Group:
        if self.by is By.RESPONDENT_DISTRICT or self.events is None:
            return district
        if self.by is By.EVENT:
            return event_id
        return self.events[event_id].district

    def __call__(self, event_id: int, district: str | None, template: str) -> Group:
        group = self._plain(event_id, district)
        if self._anonymous(event_id) and (template, group) in self.small:
            return MERGED
        return group


def analyse(
    tallies: Iterable[Tally],
    responses: Mapping[tuple[int, str | None, str], int],
    templates: Mapping[str, SurveyTemplate],
    events: Mapping[int, EventLine] | None = None,
    by: By = By.RESPONDENT_DISTRICT,
) -> Feedback:
    """responses: completed questionnaires per (event, respondent's district, template).
    events tell each event's district and whether its survey is anonymous; without them
    (counts checked, never shown) nothing is merged. Answers to templates no longer shipped
    are left out: there is nothing to label them with."""
    group_of = _Grouping(by, events, responses)
    parts: dict[str, TemplateFeedback] = {}
    for (event_id, district, template_id), count in responses.items():
        if template_id in templates:
            part = parts.setdefault(template_id, TemplateFeedback(templates[template_id]))
            part.responses[group_of(event_id, district, template_id)] += count
    for tally in tallies:
        part_or_none = parts.get(tally.template)
        if part_or_none is None:
            continue
        group = group_of(tally.event_id, tally.district, tally.template)
        stats = part_or_none.question(tally.question).setdefault(group, QuestionStats())
        if tally.value is None:
            stats.answered += tally.count
        elif isinstance(tally.value, float):
            stats.values[tally.value] += tally.count
        else:
            stats.options[tally.value] += tally.count
    ordered = {key: parts[key] for key in templates if key in parts}
    return Feedback(by, ordered, frozenset(group for _, group in group_of.small))
