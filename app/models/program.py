"""The program's settings (one row, created on first use) and its intakes."""

from datetime import date, datetime

from flask_babel import get_locale
from sqlalchemy import String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db


class ProgramSettings(db.Model):
    __tablename__ = "program_settings"

    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    # Every text the committee writes has an English and a French version (`<name>_fr`); a
    # reader is shown their language's, else the other (`text`).
    notice: Mapped[str | None] = mapped_column(Text)
    notice_fr: Mapped[str | None] = mapped_column(Text)
    # Empty means: use PROGRAM_CONTACT_EMAIL / SUPPORT_CONTACT_EMAIL from the configuration.
    program_contact_email: Mapped[str | None] = mapped_column(String(254))
    support_contact_email: Mapped[str | None] = mapped_column(String(254))
    # The IANA time zone the program's days are counted in; empty means: PROGRAM_TIME_ZONE.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # Limits the committee can change (defaults from the program's practice).
    max_pending_requests_per_mentee: Mapped[int] = mapped_column(default=3)
    max_active_mentorships_per_mentee: Mapped[int] = mapped_column(default=1)
    request_expiry_days: Mapped[int] = mapped_column(default=14)
    # Both partners are reminded when a mentorship has had no check-in for this many days.
    checkin_reminder_days: Mapped[int] = mapped_column(default=30, server_default="30")
    updated_at: Mapped[datetime] = mapped_column(default=clock.utcnow, onupdate=clock.utcnow)
    # With intakes in use, new requests are taken only while an intake is open.
    requests_only_during_intake: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Texts the committee writes, in Markdown (see app.committee.settings.texts.render_markdown).
    program_description: Mapped[str | None] = mapped_column(Text)
    program_description_fr: Mapped[str | None] = mapped_column(Text)
    mentor_guidelines: Mapped[str | None] = mapped_column(Text)
    mentor_guidelines_fr: Mapped[str | None] = mapped_column(Text)
    mentee_guidelines: Mapped[str | None] = mapped_column(Text)
    mentee_guidelines_fr: Mapped[str | None] = mapped_column(Text)
    # Added to the e-mails that introduce a new pair, when the committee writes one.
    introduction_note: Mapped[str | None] = mapped_column(Text)
    introduction_note_fr: Mapped[str | None] = mapped_column(Text)
    # Pairs the committee publishes from the matching workbench: mentors confirm each one (a
    # request with its decision links), or the mentorships start at once.
    committee_matches_need_confirmation: Mapped[bool] = mapped_column(
        default=True, server_default=true()
    )

    # The texts that have a French version, by their English column's name.
    BILINGUAL_TEXTS = (
        "notice",
        "program_description",
        "mentor_guidelines",
        "mentee_guidelines",
        "introduction_note",
    )

    @property
    def is_open(self) -> bool:
        return self.status == self.OPEN

    def text(self, name: str, locale: str | None = None) -> str | None:
        """The text `name` (one of BILINGUAL_TEXTS) in `locale` ("en", "fr"; by default the
        language of the page or e-mail being written), else in the other language when that
        one is empty; None when neither is written."""
        return self.text_and_language(name, locale)[0]

    def text_and_language(self, name: str, locale: str | None = None) -> tuple[str | None, str]:
        """`text(name, locale)` and the language it is written in ("en" or "fr"), so that a
        page can mark a text shown in the other language (`lang`)."""
        if name not in self.BILINGUAL_TEXTS:
            raise ValueError(f"Unknown text {name!r}")
        if locale is None:
            current = get_locale()
            locale = current.language if current is not None else "en"
        versions = {
            "en": (getattr(self, name) or "").strip(),
            "fr": (getattr(self, f"{name}_fr") or "").strip(),
        }
        wanted = "fr" if locale == "fr" else "en"
        other = "en" if wanted == "fr" else "fr"
        if versions[wanted]:
            return versions[wanted], wanted
        if versions[other]:
            return versions[other], other
        return None, wanted


class Intake(db.Model):
    """A registration period, e.g. "Fall 2026": requests open on `opens_on` and close after
    `closes_on` (both days included). Intakes never overlap (checked when one is saved)."""

    __tablename__ = "intakes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    opens_on: Mapped[date] = mapped_column(index=True)
    closes_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=clock.utcnow, onupdate=clock.utcnow)

    def is_open_on(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def overlaps(self, opens_on: date, closes_on: date) -> bool:
        return self.opens_on <= closes_on and opens_on <= self.closes_on

    def __repr__(self) -> str:
        return f"<Intake {self.id} {self.name} {self.opens_on}..{self.closes_on}>"
