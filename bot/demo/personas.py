"""The people one can play on the demo's chat page, and the coordinator's id in ADMIN_IDS."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Persona:
    user_id: int
    first_name: str
    last_name: str
    # What their Telegram app reports (language_code); the bot greets them in it.
    language_code: str
    phone: str
    role: str  # shown under the name on the page; Russian, with the Kazakh after a slash
    # Seeded with a profile (and a history of events), or someone who never wrote to the bot.
    seeded: bool = True

    @property
    def full_name(self) -> str:
        """As the profile form stores it: surname first."""
        return f"{self.last_name} {self.first_name}"


COORDINATOR = Persona(
    1001, "Эльмира", "Жамалова", "ru", "+77015550101", "Координатор проекта / Жоба үйлестірушісі"
)
RUSSIAN_PARTICIPANT = Persona(
    1002, "Андрей", "Ким", "ru", "+77015550102", "Участник, русский / Қатысушы, орысша"
)
KAZAKH_PARTICIPANT = Persona(
    1003, "Ерлан", "Нұрланов", "kk", "+77015550103", "Участник, казахский / Қатысушы, қазақша"
)
NEWCOMER = Persona(
    1004, "Аружан", "Бекова", "ru", "+77015550104", "Новый человек / Жаңа адам", seeded=False
)
PERSONAS: tuple[Persona, ...] = (COORDINATOR, RUSSIAN_PARTICIPANT, KAZAKH_PARTICIPANT, NEWCOMER)
