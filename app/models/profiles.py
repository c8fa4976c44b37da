"""Member profiles and the vocabularies they are described with.

Vocabularies are tables (filled by a migration) so that profiles can be filtered and compared,
and so that the committee can add entries without a deploy.
"""

from datetime import date, datetime

from flask_babel import get_locale
from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, false, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app import clock
from app.extensions import db

MENTEE = "mentee"
MENTOR = "mentor"
BOTH = "both"
ROLES = (MENTEE, MENTOR, BOTH)
MENTOR_MIN_YEARS = 3


def reading_french() -> bool:
    """Whether the text being written now is French: the page's language in a request, the
    recipient's inside `force_locale` (e-mail); English outside any request."""
    locale = get_locale()
    return locale is not None and locale.language == "fr"


class VocabularyMixin:
    """A short list of named entries: `code` is stable, `name` is what people read.

    Each entry has an English name (the column "name") and a French one (`name_fr`, empty for
    an entry the committee added without one). Reading `name` gives the name in the language
    of the page or e-mail being written, falling back to English; in SQL, `name` is the
    English column, so ordering and searching by it stay the same whatever the reader's
    language. `localized_name()` is the SQL expression of the reader's name, for queries that
    select names rather than entries.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_en: Mapped[str] = mapped_column("name", String(120))
    name_fr: Mapped[str | None] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    @hybrid_property
    def name(self) -> str:
        if self.name_fr and reading_french():
            return self.name_fr
        return self.name_en

    @name.inplace.setter
    def _name_setter(self, value: str) -> None:
        self.name_en = value

    @name.inplace.expression
    @classmethod
    def _name_expression(cls):
        return cls.name_en

    @classmethod
    def localized_name(cls):
        """The SQL expression of the entry's name in the reader's language (labelled "name"):
        the French name when reading French and it is set, else the English one."""
        if reading_french():
            return func.coalesce(func.nullif(cls.name_fr, ""), cls.name_en).label("name")
        return cls.name_en.label("name")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"


class Sector(VocabularyMixin, db.Model):
    __tablename__ = "sectors"


class ExpertiseArea(VocabularyMixin, db.Model):
    __tablename__ = "expertise_areas"


class Region(VocabularyMixin, db.Model):
    __tablename__ = "regions"


class ContactMethod(VocabularyMixin, db.Model):
    __tablename__ = "contact_methods"


class Language(VocabularyMixin, db.Model):
    __tablename__ = "languages"


class Objective(VocabularyMixin, db.Model):
    """The program's five objectives."""

    __tablename__ = "objectives"


def link_table(
    name: str, owner_column: str, owner_key: str, target_key: str, index_target: bool = False
) -> Table:
    """A many-to-many table: `owner_column` points at `owner_key` (e.g. "profiles.user_id"; the
    links go when the owner is deleted), `<target>_id` at `target_key` (e.g. "objectives.id")."""
    target_column = target_key.split(".")[0].removesuffix("s") + "_id"
    return Table(
        name,
        db.metadata,
        Column(owner_column, Integer, ForeignKey(owner_key, ondelete="CASCADE"), primary_key=True),
        Column(
            target_column, Integer, ForeignKey(target_key), primary_key=True, index=index_target
        ),
    )


def _link_table(name: str, target: str) -> Table:
    return link_table(name, "profile_id", "profiles.user_id", f"{target}s.id", index_target=True)


profile_sectors = _link_table("profile_sectors", "sector")
profile_expertise = _link_table("profile_expertise_areas", "expertise_area")
profile_contact_methods = _link_table("profile_contact_methods", "contact_method")
profile_languages = _link_table("profile_languages", "language")
profile_objectives = _link_table("profile_objectives", "objective")


class Profile(db.Model):
    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    display_name: Mapped[str | None] = mapped_column(String(120))
    pronouns: Mapped[str | None] = mapped_column(String(40))
    membership_number: Mapped[str | None] = mapped_column(String(40), index=True)
    membership_expires_on: Mapped[date | None]
    membership_verified_at: Mapped[datetime | None]
    membership_verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    position: Mapped[str | None] = mapped_column(String(120))
    employer: Mapped[str | None] = mapped_column(String(160))
    years_experience: Mapped[int | None]
    role: Mapped[str | None] = mapped_column(String(10))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    city: Mapped[str | None] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(40))
    bio: Mapped[str | None] = mapped_column(Text)
    mentee_goals: Mapped[str | None] = mapped_column(Text)
    mentor_capacity: Mapped[int] = mapped_column(default=1)
    accepting_requests: Mapped[bool] = mapped_column(default=True)
    # A mentor's pause: away (no new requests, out of the directory) before this day, back on
    # it; the note is shown to mentees on their profile; `away_keeps_requests` says whether
    # the requests waiting when they left stay open for their return (else declined kindly).
    away_until: Mapped[date | None] = mapped_column(index=True)
    away_note: Mapped[str | None] = mapped_column(Text)
    away_keeps_requests: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=clock.utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=clock.utcnow, onupdate=clock.utcnow)

    user = relationship(
        "User", foreign_keys=[user_id], backref=db.backref("profile", uselist=False)
    )
    region: Mapped[Region | None] = relationship()
    sectors: Mapped[list[Sector]] = relationship(secondary=profile_sectors)
    expertise_areas: Mapped[list[ExpertiseArea]] = relationship(secondary=profile_expertise)
    contact_methods: Mapped[list[ContactMethod]] = relationship(secondary=profile_contact_methods)
    languages: Mapped[list[Language]] = relationship(secondary=profile_languages)
    objectives: Mapped[list[Objective]] = relationship(secondary=profile_objectives)

    @property
    def is_mentor(self) -> bool:
        return self.role in (MENTOR, BOTH)

    @property
    def is_mentee(self) -> bool:
        return self.role in (MENTEE, BOTH)

    @property
    def may_mentor(self) -> bool:
        return (self.years_experience or 0) >= MENTOR_MIN_YEARS

    def away_on(self, day: date) -> bool:
        """Paused on `day`: the return date is still to come."""
        return self.away_until is not None and day < self.away_until

    def takes_requests_on(self, day: date) -> bool:
        """Open to new requests on `day`: accepting them and not away.

        Its SQL twin is `app.eligibility.sql.taking_requests`."""
        return bool(self.accepting_requests) and not self.away_on(day)

    def start_away(self, until: date, note: str | None, keep_requests: bool) -> None:
        self.away_until = until
        self.away_note = note or None
        self.away_keeps_requests = keep_requests

    def end_away(self) -> None:
        self.away_until = None
        self.away_note = None
        self.away_keeps_requests = False

    def membership_active_on(self, day: date) -> bool:
        return (
            self.membership_verified_at is not None
            and self.membership_expires_on is not None
            and self.membership_expires_on >= day
        )


class RoleAgreement(db.Model):
    """A member confirmed they read the expectations of a role (text version, time)."""

    __tablename__ = "role_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    version: Mapped[str] = mapped_column(String(20))
    agreed_at: Mapped[datetime] = mapped_column(default=clock.utcnow)

    @declared_attr.directive
    def __table_args__(cls):
        return (db.UniqueConstraint("user_id", "role", "version"),)
