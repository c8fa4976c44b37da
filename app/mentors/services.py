"""The mentor directory: who is listed, filters, search, best-fit order, one mentor's page.

Reading only (nothing here changes the database). A directory page costs a constant number of
SQL statements whatever the number of members (with the sign-in and the program settings, six):

1. `load_vocabularies`: every vocabulary in one UNION ALL (filter choices, names of terms);
2. `load_viewer`: the signed-in member, their profile and its choices, and whether they
   confirmed the mentee agreement, in one joined query;
3. `search`: the page of mentors, ordered and counted (a window function) in one query; the
   best-fit score is a SQL expression with the weights of app.matching;
4. `_load_terms`: the sectors, expertise, ... of the mentors on the page, in one UNION ALL.

Then `app.matching.fit` scores those mentors again in Python, for their reasons; it gives the
same score as the SQL expression (tests/test_matching.py checks the orders agree).

Who is listed: members whom `app.eligibility.mentor_reasons` lets mentor (checked in SQL by
`listed_mentor_conditions`, its twin), who accept requests and have a free spot (capacity
minus active mentorships as mentor), never the viewer.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import contains_eager

from app import matching
from app.agreements import AGREEMENT_VERSIONS
from app.eligibility import Reason, mentee_reasons
from app.eligibility.sql import (
    active_mentorships_as_mentor,
    agreed,
    listed_mentor_conditions,
    taking_requests,
)
from app.extensions import db
from app.models import (
    ContactMethod,
    ExpertiseArea,
    Language,
    Objective,
    Profile,
    Region,
    Sector,
    User,
)
from app.models.mentorship import Mentorship, MentorshipRequest
from app.models.profiles import (
    MENTEE,
    MENTOR,
    profile_contact_methods,
    profile_expertise,
    profile_languages,
    profile_objectives,
    profile_sectors,
)
from app.phrases import Phrase

PER_PAGE = 20
# Profiles whose vocabulary entries one statement reads (the database's limit on the number
# of parameters of a statement is far above it).
TERMS_CHUNK = 2_000
# The highest page number we compute an offset for; anything above shows the last page.
MAX_PAGE = 100_000
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 6

BEST_FIT, NEWEST, NAME = "fit", "newest", "name"
ORDERS = {BEST_FIT: _l("Best fit"), NEWEST: _l("Newest members first"), NAME: _l("Name")}

# The vocabularies: model, the profile's link table and its column for the entry.
VOCABULARIES = {
    "sector": (Sector, profile_sectors, profile_sectors.c.sector_id),
    "expertise": (ExpertiseArea, profile_expertise, profile_expertise.c.expertise_area_id),
    "contact": (
        ContactMethod,
        profile_contact_methods,
        profile_contact_methods.c.contact_method_id,
    ),
    "language": (Language, profile_languages, profile_languages.c.language_id),
    "objective": (Objective, profile_objectives, profile_objectives.c.objective_id),
}
REGION = "region"
# matching.Member's field for each linked vocabulary, and the weight of a shared entry.
MEMBER_FIELDS = {
    "sector": "sectors",
    "expertise": "expertise",
    "contact": "contact_methods",
    "language": "languages",
    "objective": "objectives",
}
WEIGHT_OF = {
    "sector": "sector",
    "expertise": "expertise",
    "contact": "contact_method",
    "language": "language",
    "objective": "objective",
}


# --- vocabularies -------------------------------------------------------------------------------


@dataclass
class Vocabularies:
    """Every entry of every vocabulary (inactive ones too: profiles may still name them)."""

    terms: dict[str, dict[int, matching.Term]]
    active: dict[str, list[matching.Term]]

    def term(self, kind: str, term_id: int | None) -> matching.Term | None:
        return self.terms[kind].get(term_id) if term_id is not None else None

    def face_to_face_id(self) -> int | None:
        for term in self.terms["contact"].values():
            if term.code == matching.FACE_TO_FACE:
                return term.id
        return None


def load_vocabularies() -> Vocabularies:
    """All vocabularies in one statement."""
    models = {kind: model for kind, (model, _, _) in VOCABULARIES.items()} | {REGION: Region}
    statement = union_all(
        *(
            select(
                literal(kind).label("kind"),
                model.id,
                model.code,
                model.localized_name(),
                model.position,
                model.active,
            )
            for kind, model in models.items()
        )
    )
    terms: dict[str, dict[int, matching.Term]] = {kind: {} for kind in models}
    active: dict[str, list[matching.Term]] = {kind: [] for kind in models}
    for kind, term_id, code, name, position, is_active in db.session.execute(statement):
        term = matching.Term(position=position, name=name, id=term_id, code=code)
        terms[kind][term_id] = term
        if is_active:
            active[kind].append(term)
    for entries in active.values():
        entries.sort()
    return Vocabularies(terms, active)


# A member who entered their membership number and waits for the committee to verify it may
# read the directory; a deactivated account or an unconfirmed address may not, nor a member
# who has not entered a number yet or whose membership lapsed (they have something to do first).
BROWSING_WHILE = frozenset({"membership_unverified"})
BROWSING_NEVER = frozenset({"inactive", "email_unverified"})

# --- the viewer ---------------------------------------------------------------------------------


@dataclass
class Viewer:
    """The signed-in member looking for a mentor."""

    user: User
    member: matching.Member  # what they look for, for matching
    reasons: list[Reason]  # why they may not request a mentor (empty: they may)

    @property
    def may_request(self) -> bool:
        return not self.reasons

    @property
    def may_browse(self) -> bool:
        """May read the directory and the mentors' pages: a member who may request, or one
        with a confirmed address who waits for the committee to verify their membership (they
        read, and send their request once verified; `check_may_request` still refuses it)."""
        if self.may_request:
            return True
        codes = {reason.code for reason in self.reasons}
        return bool(codes & BROWSING_WHILE) and not codes & BROWSING_NEVER


def _member_from(profile: Profile | None, user: User, vocab: Vocabularies) -> matching.Member:
    if profile is None:
        return matching.Member(id=user.id, name=user.name)

    def terms(kind, entries):
        return frozenset(vocab.terms[kind][entry.id] for entry in entries)

    return matching.Member(
        id=user.id,
        name=profile.display_name or user.name,
        employer=profile.employer,
        region=vocab.term(REGION, profile.region_id),
        sectors=terms("sector", profile.sectors),
        expertise=terms("expertise", profile.expertise_areas),
        objectives=terms("objective", profile.objectives),
        contact_methods=terms("contact", profile.contact_methods),
        languages=terms("language", profile.languages),
    )


_VIEWER_COLLECTIONS = {
    Profile.sectors: VOCABULARIES["sector"],
    Profile.expertise_areas: VOCABULARIES["expertise"],
    Profile.objectives: VOCABULARIES["objective"],
    Profile.contact_methods: VOCABULARIES["contact"],
    Profile.languages: VOCABULARIES["language"],
}


def load_viewer(user: User, today: date, vocab: Vocabularies) -> Viewer:
    """`user` with their profile and choices (one statement), and whether they may request a
    mentor (app.eligibility.mentee_reasons)."""
    agreed_as_mentee = agreed(MENTEE, AGREEMENT_VERSIONS[MENTEE])
    # Flat LEFT JOINs (contains_eager): SQLite would scan every link table for the nested
    # joins that joinedload writes for many-to-many collections.
    statement = (
        select(User, agreed_as_mentee.label("agreed"))
        .outerjoin(Profile, Profile.user_id == User.id)
        .options(contains_eager(User.profile))
        .where(User.id == user.id)
    )
    for collection, (model, table, column) in _VIEWER_COLLECTIONS.items():
        statement = (
            statement.outerjoin(table, table.c.profile_id == Profile.user_id)
            .outerjoin(model, model.id == column)
            .options(contains_eager(User.profile).contains_eager(collection))
        )
    row = db.session.execute(statement).unique().one()
    user, agreement_current = row
    return Viewer(
        user=user,
        member=_member_from(user.profile, user, vocab),
        reasons=mentee_reasons(user, today, bool(agreement_current)),
    )


# --- what the mentee asks for -------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryQuery:
    """A directory request, already cleaned (app/mentors/forms.py: `parse_query`): known ids
    only, a known order, a page number of at least 1."""

    q: str = ""
    sector: tuple[int, ...] = ()
    expertise: tuple[int, ...] = ()
    region: int | None = None
    contact: tuple[int, ...] = ()
    language: tuple[int, ...] = ()
    objective: tuple[int, ...] = ()
    order: str = BEST_FIT
    page: int = 1

    @property
    def words(self) -> list[str]:
        return self.q.split()[:SEARCH_MAX_WORDS]

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.region or any(getattr(self, kind) for kind in VOCABULARIES))

    @property
    def filters_chosen(self) -> int:
        """How many filter choices are ticked or picked (the search and the order aside)."""
        return bool(self.region) + sum(len(getattr(self, kind)) for kind in VOCABULARIES)

    def url_args(self, **changes) -> dict:
        """Query-string arguments for url_for (defaults left out, so URLs stay short)."""
        query = replace(self, **changes)
        args: dict = {}
        if query.q:
            args["q"] = query.q
        for kind in ("sector", "expertise", "region", "contact", "language", "objective"):
            value = getattr(query, kind)
            if value:
                args[kind] = list(value) if isinstance(value, tuple) else value
        if query.order != BEST_FIT:
            args["order"] = query.order
        if query.page != 1:
            args["page"] = query.page
        return args


# --- the SQL ------------------------------------------------------------------------------------


def _like(word: str) -> str:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _has_any(kind: str, ids) -> ColumnElement:
    """The profile has at least one of these entries."""
    _, table, column = VOCABULARIES[kind]
    return exists(select(1).where(table.c.profile_id == Profile.user_id, column.in_(ids)))


def _shared_count(kind: str, ids) -> ColumnElement:
    _, table, column = VOCABULARIES[kind]
    return (
        select(func.count())
        .select_from(table)
        .where(table.c.profile_id == Profile.user_id, column.in_(ids))
        .scalar_subquery()
    )


def display_name_column() -> ColumnElement:
    return func.coalesce(Profile.display_name, User.name)


def score_column(mentee: matching.Member, face_to_face_id: int | None) -> ColumnElement:
    """matching.fit(mentee, mentor).score as a SQL expression on the mentor's profile."""
    terms: list[ColumnElement] = []
    for kind, member_field in MEMBER_FIELDS.items():
        ids = sorted(term.id for term in getattr(mentee, member_field))
        if ids:
            terms.append(matching.WEIGHTS[WEIGHT_OF[kind]] * _shared_count(kind, ids))
    if mentee.region is not None:
        region_points: ColumnElement = literal(matching.WEIGHTS["region"])
        if mentee.meets_face_to_face and face_to_face_id is not None:
            region_points = case(
                (
                    _has_any("contact", [face_to_face_id]),
                    matching.WEIGHTS["region_face_to_face"],
                ),
                else_=matching.WEIGHTS["region"],
            )
        terms.append(case((Profile.region_id == mentee.region.id, region_points), else_=0))
    if not terms:
        return literal(0)
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def employer_key(profile=Profile) -> ColumnElement:
    """matching.normalise_employer of `profile`'s employer (Profile or an alias of it)."""
    return func.lower(func.replace(func.coalesce(profile.employer, ""), " ", ""))


def conflict_column(mentee: matching.Member) -> ColumnElement:
    """1 when the mentor works at the mentee's employer (matching.same_employer), else 0."""
    mine = matching.normalise_employer(mentee.employer)
    if not mine:
        return literal(0)
    return case((employer_key() == mine, 1), else_=0)


def _request_sent(viewer_id: int) -> ColumnElement:
    return exists(
        select(1).where(
            MentorshipRequest.mentee_id == viewer_id,
            MentorshipRequest.mentor_id == Profile.user_id,
            MentorshipRequest.status == MentorshipRequest.PENDING,
        )
    )


def _your_mentor(viewer_id: int) -> ColumnElement:
    return exists(
        select(1).where(
            Mentorship.mentee_id == viewer_id,
            Mentorship.mentor_id == Profile.user_id,
            Mentorship.status == Mentorship.ACTIVE,
        )
    )


def listed_conditions(viewer_id: int, today: date) -> list[ColumnElement]:
    """Mentors the directory lists to `viewer_id`: eligible to mentor, accepting requests and
    not away, with a free spot, not the viewer."""
    return [
        *listed_mentor_conditions(today, AGREEMENT_VERSIONS[MENTOR]),
        *taking_requests(today),
        Profile.mentor_capacity > active_mentorships_as_mentor(Profile.user_id),
        Profile.user_id != viewer_id,
    ]


def filter_conditions(query: DirectoryQuery) -> list[ColumnElement]:
    """The filters (any of the entries chosen in a group; every group) and the search (every
    word in the name, position, employer, introduction or an area of expertise)."""
    conditions = [
        _has_any(kind, getattr(query, kind)) for kind in VOCABULARIES if getattr(query, kind)
    ]
    if query.region is not None:
        conditions.append(Profile.region_id == query.region)
    for word in query.words:
        pattern = _like(word)
        conditions.append(
            or_(
                func.lower(display_name_column()).like(pattern, escape="\\"),
                func.lower(Profile.position).like(pattern, escape="\\"),
                func.lower(Profile.employer).like(pattern, escape="\\"),
                func.lower(Profile.bio).like(pattern, escape="\\"),
                exists(
                    select(1)
                    .select_from(profile_expertise)
                    .join(ExpertiseArea, ExpertiseArea.id == profile_expertise.c.expertise_area_id)
                    .where(
                        profile_expertise.c.profile_id == Profile.user_id,
                        func.lower(ExpertiseArea.name).like(pattern, escape="\\"),
                    )
                ),
            )
        )
    return conditions


def _details(viewer: Viewer) -> list[ColumnElement]:
    """What a card shows of a mentor (their vocabularies come from `_load_terms`)."""
    return [
        Profile.user_id,
        display_name_column().label("name"),
        Profile.position,
        Profile.employer,
        Profile.region_id,
        Profile.city,
        (Profile.mentor_capacity - active_mentorships_as_mentor(Profile.user_id)).label(
            "spots_left"
        ),
        _request_sent(viewer.user.id).label("request_sent"),
        _your_mentor(viewer.user.id).label("your_mentor"),
    ]


def _ranked(viewer: Viewer, vocab: Vocabularies, query: DirectoryQuery, today: date, page: int):
    """The mentor ids of one page, ordered, with their score and the number of all matches.

    Only what ordering needs is computed for every listed mentor; `search` joins the details
    of the twenty on the page to it."""
    mentee = viewer.member
    score = score_column(mentee, vocab.face_to_face_id()).label("score")
    conflict = conflict_column(mentee).label("conflict")
    sort_name = func.lower(display_name_column()).label("sort_name")
    created = User.created_at.label("created_at")
    if query.order == NAME:
        order = [sort_name, Profile.user_id]
    elif query.order == NEWEST:
        order = [created.desc(), Profile.user_id.desc()]
    else:  # matching.order_key: a possible conflict of interest last, best score, name, id
        order = [conflict, score.desc(), sort_name, Profile.user_id]
    return (
        select(
            Profile.user_id.label("mentor_id"),
            score,
            conflict,
            sort_name,
            created,
            func.count().over().label("total"),
        )
        .select_from(Profile)
        .join(User, User.id == Profile.user_id)
        .where(*listed_conditions(viewer.user.id, today), *filter_conditions(query))
        .order_by(*order)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .subquery("ranked")
    )


def _page_rows(viewer, vocab, query, today, page):
    ranked = _ranked(viewer, vocab, query, today, page)
    if query.order == NAME:
        order = [ranked.c.sort_name, ranked.c.mentor_id]
    elif query.order == NEWEST:
        order = [ranked.c.created_at.desc(), ranked.c.mentor_id.desc()]
    else:
        order = [ranked.c.conflict, ranked.c.score.desc(), ranked.c.sort_name, ranked.c.mentor_id]
    statement = (
        select(*_details(viewer), ranked.c.score, ranked.c.conflict, ranked.c.total)
        .select_from(ranked)
        .join(Profile, Profile.user_id == ranked.c.mentor_id)
        .join(User, User.id == Profile.user_id)
        .order_by(*order)
    )
    return db.session.execute(statement).all()


# --- the results --------------------------------------------------------------------------------


@dataclass
class MentorCard:
    """One mentor as the directory and the mentor page show them (never contact details)."""

    id: int
    name: str
    position: str | None
    employer: str | None
    region: matching.Term | None
    city: str | None
    spots_left: int
    fit: matching.Fit
    request_sent: bool = False
    your_mentor: bool = False
    sectors: list[matching.Term] = field(default_factory=list)
    expertise: list[matching.Term] = field(default_factory=list)
    objectives: list[matching.Term] = field(default_factory=list)
    contact_methods: list[matching.Term] = field(default_factory=list)
    languages: list[matching.Term] = field(default_factory=list)
    bio: str | None = None
    away_until: date | None = None  # shown (with the note) to their mentee or requester
    away_note: str | None = None

    @property
    def top_reasons(self) -> tuple[Phrase, ...]:
        return self.fit.reasons[:3]


@dataclass
class DirectoryPage:
    query: DirectoryQuery
    mentors: list[MentorCard]
    total: int
    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def terms_of(profile_ids, vocab: Vocabularies) -> dict[int, dict[str, list[matching.Term]]]:
    """{profile id: {vocabulary kind: its entries, in order}} for these profiles, one
    statement (a UNION ALL over the link tables) per TERMS_CHUNK profiles."""
    ids = list(profile_ids)
    found: dict[int, dict[str, list[matching.Term]]] = {
        profile_id: {kind: [] for kind in VOCABULARIES} for profile_id in ids
    }
    for start in range(0, len(ids), TERMS_CHUNK):
        chunk = ids[start : start + TERMS_CHUNK]
        statement = union_all(
            *(
                select(literal(kind).label("kind"), table.c.profile_id, column).where(
                    table.c.profile_id.in_(chunk)
                )
                for kind, (_, table, column) in VOCABULARIES.items()
            )
        )
        for kind, profile_id, term_id in db.session.execute(statement):
            term = vocab.term(kind, term_id)
            if term is not None:
                found[profile_id][kind].append(term)
    for entries in found.values():
        for terms in entries.values():
            terms.sort()
    return found


def _load_terms(cards: list[MentorCard], vocab: Vocabularies) -> None:
    """Fill in the cards' sectors, expertise, objectives, ways to meet and languages (one
    statement)."""
    if not cards:
        return
    found = terms_of([card.id for card in cards], vocab)
    for card in cards:
        for kind, terms in found[card.id].items():
            setattr(card, MEMBER_FIELDS[kind], terms)


def mentor_member(card: MentorCard) -> matching.Member:
    """The card as app.matching sees a mentor."""
    return matching.Member(
        id=card.id,
        name=card.name,
        employer=card.employer,
        region=card.region,
        **{name: frozenset(getattr(card, name)) for name in MEMBER_FIELDS.values()},
    )


def _card(row, vocab: Vocabularies) -> MentorCard:
    return MentorCard(
        id=row.user_id,
        name=row.name,
        position=row.position,
        employer=row.employer,
        region=vocab.term(REGION, row.region_id),
        city=row.city,
        spots_left=max(row.spots_left or 0, 0),
        fit=matching.Fit(score=row.score, conflict_of_interest=bool(row.conflict)),
        request_sent=bool(row.request_sent),
        your_mentor=bool(row.your_mentor),
        bio=getattr(row, "bio", None),
        away_until=getattr(row, "away_until", None),
        away_note=getattr(row, "away_note", None) if getattr(row, "away_until", None) else None,
    )


def _rescore(cards: list[MentorCard], viewer: Viewer) -> None:
    for card in cards:
        card.fit = matching.fit(viewer.member, mentor_member(card))


def search(viewer: Viewer, query: DirectoryQuery, vocab: Vocabularies, today: date):
    """The page of the directory `query` asks for (a page past the end shows the last one)."""
    page = min(query.page, MAX_PAGE)
    rows = _page_rows(viewer, vocab, query, today, page)
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:  # past the end (a stale or edited link): count, and show the last page
        ranked = _ranked(viewer, vocab, query, today, 1)
        total = db.session.scalar(select(ranked.c.total).limit(1)) or 0
        page = max(-(-total // PER_PAGE), 1)
        rows = _page_rows(viewer, vocab, query, today, page) if total else []
    pages = max(-(-total // PER_PAGE), 1)
    cards = [_card(row, vocab) for row in rows]
    _load_terms(cards, vocab)
    _rescore(cards, viewer)
    return DirectoryPage(
        query=replace(query, page=page), mentors=cards, total=total, page=page, pages=pages
    )


def mentor_for_viewer(
    viewer: Viewer, mentor_id: int, vocab: Vocabularies, today: date
) -> MentorCard | None:
    """The mentor `viewer` may look at: one the directory lists to them, or one they have a
    pending request or an active mentorship with. None otherwise (the route answers 404)."""
    mentee = viewer.member
    listed = and_(*listed_conditions(viewer.user.id, today))
    row = db.session.execute(
        select(
            *_details(viewer),
            score_column(mentee, vocab.face_to_face_id()).label("score"),
            conflict_column(mentee).label("conflict"),
            Profile.bio,
            case((Profile.away_until > today, Profile.away_until), else_=None).label("away_until"),
            Profile.away_note,
        )
        .select_from(Profile)
        .join(User, User.id == Profile.user_id)
        .where(
            Profile.user_id == mentor_id,
            or_(listed, _request_sent(viewer.user.id), _your_mentor(viewer.user.id)),
        )
    ).first()
    if row is None:
        return None
    card = _card(row, vocab)
    _load_terms([card], vocab)
    _rescore([card], viewer)
    return card


def mentor_user(mentor_id: int) -> User:
    """The mentor's account and profile (for contact details the viewer may see)."""
    return db.session.get(User, mentor_id)
