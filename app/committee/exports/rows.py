"""The rows of the committee's CSV exports: members, requests and mentorships.

What an export holds: ids, names, e-mail addresses, statuses, dates, vocabulary names and
counts. What it never holds: request messages, decline notes, check-in notes (shared or
private), the agreement's free text, goals' text, closing feedback, bios: the pair's words stay
with the pair.

The rows are read from the database in chunks (`yield_per`: a server-side cursor on PostgreSQL)
and written out as they come (`app.committee.exports.csv_file`), so an export of any size never
sits in memory.
"""

from collections.abc import Iterator
from datetime import date
from types import SimpleNamespace

from flask_babel import gettext, lazy_gettext
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from app.committee.exports.csv_file import CHUNK
from app.eligibility import MEMBERSHIP_STATUSES, membership_status
from app.extensions import db
from app.models import (
    CheckIn,
    ContactMethod,
    Goal,
    Mentorship,
    MentorshipAgreement,
    MentorshipRequest,
    Objective,
    Profile,
    Region,
    User,
)
from app.models.mentorship import agreement_objectives, request_objectives
from app.models.profiles import (
    BOTH,
    MENTEE,
    MENTOR,
    ExpertiseArea,
    Language,
    Sector,
    profile_expertise,
    profile_languages,
    profile_sectors,
)

SEPARATOR = "; "

# The column headings (and the words of the cells below) are written in the language of the
# committee member who downloads the file; the English ones are the columns' names.


def _names(link_table, link_column: str, vocabulary, owner) -> Select:
    """The vocabulary names linked to `owner` (a correlated column), joined by SEPARATOR."""
    return (
        select(func.aggregate_strings(vocabulary.name, SEPARATOR))
        .select_from(link_table.join(vocabulary, vocabulary.id == link_table.c[link_column]))
        .where(owner)
        .scalar_subquery()
    )


def _count(column, *conditions):
    return select(func.count(column)).where(*conditions).scalar_subquery()


def _stream(statement: Select) -> Iterator:
    """The statement's rows, fetched CHUNK at a time."""
    yield from db.session.execute(statement.execution_options(yield_per=CHUNK))


# --- members ----------------------------------------------------------------------------------

MEMBER_HEADER = [
    lazy_gettext("member_id"),
    lazy_gettext("name"),
    lazy_gettext("display_name"),
    lazy_gettext("email"),
    lazy_gettext("email_confirmed_at"),
    lazy_gettext("account"),
    lazy_gettext("committee"),
    lazy_gettext("joined_at"),
    lazy_gettext("last_sign_in_at"),
    lazy_gettext("role"),
    lazy_gettext("years_experience"),
    lazy_gettext("position"),
    lazy_gettext("employer"),
    lazy_gettext("region"),
    lazy_gettext("sectors"),
    lazy_gettext("expertise_areas"),
    lazy_gettext("languages"),
    lazy_gettext("membership_number"),
    lazy_gettext("membership_expires_on"),
    lazy_gettext("membership_verified_at"),
    lazy_gettext("membership_status"),
    lazy_gettext("accepting_requests"),
    lazy_gettext("mentor_capacity"),
    lazy_gettext("active_mentorships_as_mentor"),
    lazy_gettext("active_mentorships_as_mentee"),
    lazy_gettext("requests_sent"),
    lazy_gettext("requests_received"),
]


def member_rows(today: date) -> Iterator[list]:
    """One row per member, by id."""
    statement = (
        select(
            User.id,
            User.name,
            Profile.display_name,
            User.email,
            User.email_verified_at,
            User.is_active_account,
            User.is_committee,
            User.created_at,
            User.last_login_at,
            Profile.role,
            Profile.years_experience,
            Profile.position,
            Profile.employer,
            Region.name,
            _names(profile_sectors, "sector_id", Sector, profile_sectors.c.profile_id == User.id),
            _names(
                profile_expertise,
                "expertise_area_id",
                ExpertiseArea,
                profile_expertise.c.profile_id == User.id,
            ),
            _names(
                profile_languages,
                "language_id",
                Language,
                profile_languages.c.profile_id == User.id,
            ),
            Profile.user_id,
            Profile.membership_number,
            Profile.membership_expires_on,
            Profile.membership_verified_at,
            Profile.accepting_requests,
            Profile.mentor_capacity,
            _count(
                Mentorship.id,
                Mentorship.mentor_id == User.id,
                Mentorship.status == Mentorship.ACTIVE,
            ),
            _count(
                Mentorship.id,
                Mentorship.mentee_id == User.id,
                Mentorship.status == Mentorship.ACTIVE,
            ),
            _count(MentorshipRequest.id, MentorshipRequest.mentee_id == User.id),
            _count(MentorshipRequest.id, MentorshipRequest.mentor_id == User.id),
        )
        .outerjoin(Profile, Profile.user_id == User.id)
        .outerjoin(Region, Region.id == Profile.region_id)
        .order_by(User.id)
    )
    words = {"active": gettext("active"), "deactivated": gettext("deactivated")}
    roles = {MENTOR: gettext("mentor"), MENTEE: gettext("mentee"), BOTH: gettext("both")}
    for row in _stream(statement):
        (*person, profile_id, number, expires_on, verified_at, accepting, capacity) = row[:23]
        counts = row[23:]
        profile = (
            SimpleNamespace(
                membership_number=number,
                membership_expires_on=expires_on,
                membership_verified_at=verified_at,
            )
            if profile_id is not None
            else None
        )
        status = MEMBERSHIP_STATUSES[membership_status(profile, today)]
        person[5] = words["active"] if person[5] else words["deactivated"]
        person[9] = roles.get(person[9], person[9])
        yield [
            *person,
            number,
            expires_on,
            verified_at,
            status,
            accepting if profile_id is not None else None,
            capacity,
            *counts,
        ]


# --- requests ---------------------------------------------------------------------------------

REQUEST_HEADER = [
    lazy_gettext("request_id"),
    lazy_gettext("created_at"),
    lazy_gettext("status"),
    lazy_gettext("source"),
    lazy_gettext("mentee_id"),
    lazy_gettext("mentee_name"),
    lazy_gettext("mentee_email"),
    lazy_gettext("mentor_id"),
    lazy_gettext("mentor_name"),
    lazy_gettext("mentor_email"),
    lazy_gettext("objectives"),
    lazy_gettext("preferred_contact_method"),
    lazy_gettext("expires_at"),
    lazy_gettext("responded_at"),
    lazy_gettext("reminder_sent_at"),
]


def request_rows(today: date) -> Iterator[list]:
    """One row per request, by id: no message, no decline note."""
    mentee, mentor = aliased(User), aliased(User)
    statement = (
        select(
            MentorshipRequest.id,
            MentorshipRequest.created_at,
            MentorshipRequest.status,
            MentorshipRequest.source,
            mentee.id,
            mentee.name,
            mentee.email,
            mentor.id,
            mentor.name,
            mentor.email,
            _names(
                request_objectives,
                "objective_id",
                Objective,
                request_objectives.c.request_id == MentorshipRequest.id,
            ),
            ContactMethod.name,
            MentorshipRequest.expires_at,
            MentorshipRequest.responded_at,
            MentorshipRequest.reminder_sent_at,
        )
        .join(mentee, mentee.id == MentorshipRequest.mentee_id)
        .join(mentor, mentor.id == MentorshipRequest.mentor_id)
        .outerjoin(ContactMethod, ContactMethod.id == MentorshipRequest.preferred_contact_method_id)
        .order_by(MentorshipRequest.id)
    )
    R = MentorshipRequest
    statuses = {
        R.PENDING: gettext("pending"),
        R.ACCEPTED: gettext("accepted"),
        R.DECLINED: gettext("declined"),
        R.WITHDRAWN: gettext("withdrawn"),
        R.EXPIRED: gettext("expired"),
        R.SUPERSEDED: gettext("superseded"),
    }
    sources = {R.BY_MENTEE: gettext("mentee"), R.BY_COMMITTEE: gettext("committee")}
    for row in _stream(statement):
        row = list(row)
        row[2] = statuses.get(row[2], row[2])
        row[3] = sources.get(row[3], row[3])
        yield row


# --- mentorships ------------------------------------------------------------------------------

MENTORSHIP_HEADER = [
    lazy_gettext("mentorship_id"),
    lazy_gettext("status"),
    lazy_gettext("started_on"),
    lazy_gettext("minimum_end_on"),
    lazy_gettext("ended_on"),
    lazy_gettext("mentor_id"),
    lazy_gettext("mentor_name"),
    lazy_gettext("mentor_email"),
    lazy_gettext("mentee_id"),
    lazy_gettext("mentee_name"),
    lazy_gettext("mentee_email"),
    lazy_gettext("request_id"),
    lazy_gettext("meeting_frequency"),
    lazy_gettext("agreed_objectives"),
    lazy_gettext("agreement_confirmed_by_mentor_at"),
    lazy_gettext("agreement_confirmed_by_mentee_at"),
    lazy_gettext("check_ins"),
    lazy_gettext("check_in_minutes"),
    lazy_gettext("last_check_in_on"),
    lazy_gettext("goals"),
    lazy_gettext("goals_done"),
]


def mentorship_rows(today: date) -> Iterator[list]:
    """One row per mentorship, by id: states, dates and counts; no notes, no agreement text,
    no goal text, no closing feedback."""
    mentee, mentor = aliased(User), aliased(User)
    statement = (
        select(
            Mentorship.id,
            Mentorship.status,
            Mentorship.started_on,
            Mentorship.minimum_end_on,
            Mentorship.ended_on,
            mentor.id,
            mentor.name,
            mentor.email,
            mentee.id,
            mentee.name,
            mentee.email,
            Mentorship.request_id,
            MentorshipAgreement.meeting_frequency,
            _names(
                agreement_objectives,
                "objective_id",
                Objective,
                agreement_objectives.c.agreement_id == MentorshipAgreement.id,
            ),
            MentorshipAgreement.confirmed_by_mentor_at,
            MentorshipAgreement.confirmed_by_mentee_at,
            _count(CheckIn.id, CheckIn.mentorship_id == Mentorship.id),
            select(func.coalesce(func.sum(CheckIn.minutes), 0))
            .where(CheckIn.mentorship_id == Mentorship.id)
            .scalar_subquery(),
            select(func.max(CheckIn.met_on))
            .where(CheckIn.mentorship_id == Mentorship.id)
            .scalar_subquery(),
            _count(Goal.id, Goal.mentorship_id == Mentorship.id),
            _count(Goal.id, and_(Goal.mentorship_id == Mentorship.id, Goal.done_at.is_not(None))),
        )
        .join(mentor, mentor.id == Mentorship.mentor_id)
        .join(mentee, mentee.id == Mentorship.mentee_id)
        .outerjoin(MentorshipAgreement, MentorshipAgreement.mentorship_id == Mentorship.id)
        .order_by(Mentorship.id)
    )
    statuses = {
        Mentorship.ACTIVE: gettext("active"),
        Mentorship.COMPLETED: gettext("completed"),
        Mentorship.ENDED_EARLY: gettext("ended_early"),
    }
    for row in _stream(statement):
        row = list(row)
        row[1] = statuses.get(row[1], row[1])
        row[12] = MentorshipAgreement.FREQUENCIES.get(row[12] or "", row[12])
        yield row
