"""Deterministic, realistic demo members for `flask seed-demo` (and the benchmarks).

Rows are written with bulk INSERTs and one shared password hash, so 10,000 members take a few
seconds. Every demo account's password is DEMO_PASSWORD.
"""

import random
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from app import clock
from app.agreements import AGREEMENT_VERSIONS
from app.extensions import db
from app.models import (
    ContactMethod,
    ExpertiseArea,
    Language,
    Objective,
    Profile,
    Region,
    RoleAgreement,
    Sector,
    User,
)
from app.models.profiles import (
    BOTH,
    MENTEE,
    MENTOR,
    profile_contact_methods,
    profile_expertise,
    profile_languages,
    profile_objectives,
    profile_sectors,
)

DEMO_PASSWORD = "mentor-match-demo"
DEMO_DOMAIN = "example.org"

FIRST_NAMES = [
    "Aisha",
    "Alex",
    "Amara",
    "Amélie",
    "Andrew",
    "Anika",
    "Ben",
    "Bianca",
    "Carlos",
    "Chloé",
    "Daniel",
    "Deepa",
    "Dylan",
    "Elena",
    "Emma",
    "Ethan",
    "Fatima",
    "Felix",
    "Gabriel",
    "Grace",
    "Hannah",
    "Harpreet",
    "Isaac",
    "Jasmine",
    "Jean-Luc",
    "Jia",
    "Kai",
    "Kateri",
    "Leila",
    "Liam",
    "Lucas",
    "Maya",
    "Mei",
    "Mohammed",
    "Nadia",
    "Noah",
    "Olivia",
    "Omar",
    "Priya",
    "Rafael",
    "Rosa",
    "Samira",
    "Sophie",
    "Tariq",
    "Theo",
    "Valérie",
    "Wei",
    "Yusuf",
    "Zoe",
    "Ahmed",
    "Claire",
    "Marc",
    "Nathalie",
    "Sanjay",
    "Tomás",
]
LAST_NAMES = [
    "Anderson",
    "Bouchard",
    "Brown",
    "Campbell",
    "Chen",
    "Côté",
    "Das",
    "Dubois",
    "Fernandes",
    "Gagnon",
    "Gill",
    "Green",
    "Hassan",
    "Ibrahim",
    "Jackson",
    "Khan",
    "Kim",
    "Lam",
    "Leblanc",
    "Lee",
    "Li",
    "MacDonald",
    "Martin",
    "Mehta",
    "Morin",
    "Nguyen",
    "O'Brien",
    "Patel",
    "Pelletier",
    "Roy",
    "Santos",
    "Singh",
    "Smith",
    "Stewart",
    "Tremblay",
    "Wang",
    "White",
    "Williams",
    "Wilson",
    "Wong",
    "Young",
    "Zhang",
    "Okafor",
    "Beaulieu",
    "Cardinal",
    "Sutherland",
    "Moreau",
    "Kowalski",
    "Rossi",
    "Ferreira",
]
POSITIONS_SENIOR = [
    "Branch Manager",
    "Chief Librarian",
    "Head of Reference",
    "Systems Librarian",
    "Children's Services Librarian",
    "Collections Librarian",
    "Research Librarian",
    "Teacher-Librarian",
    "Archivist",
    "Digital Services Coordinator",
    "Liaison Librarian",
    "Director of Library Services",
    "Metadata Librarian",
    "Outreach Librarian",
]
POSITIONS_JUNIOR = [
    "MLIS Student",
    "Library Technician",
    "Library Assistant",
    "Page",
    "Recent graduate",
    "Circulation Clerk",
    "Library Technician Student",
    "Program Assistant",
    "Career changer",
]
EMPLOYERS_BY_SECTOR = {
    "public": [
        "Toronto Public Library",
        "Ottawa Public Library",
        "Hamilton Public Library",
        "London Public Library",
        "Mississauga Library",
        "Greater Sudbury Public Library",
        "Thunder Bay Public Library",
        "Kingston Frontenac Public Library",
    ],
    "academic": [
        "University of Toronto Libraries",
        "Western University Libraries",
        "Queen's University Library",
        "York University Libraries",
        "Lakehead University Library",
        "Humber College Library",
    ],
    "school": [
        "Toronto District School Board",
        "Ottawa-Carleton District School Board",
        "Peel District School Board",
        "Thames Valley District School Board",
    ],
    "special": [
        "Great Library, Law Society of Ontario",
        "SickKids Hospital Library",
        "Royal Ontario Museum Library",
        "Corporate research library",
    ],
    "government": [
        "Legislative Library of Ontario",
        "Ontario Government Library",
        "City of Toronto Archives",
    ],
    "archives": ["Archives of Ontario", "City of Ottawa Archives", "Trent University Archives"],
}
CITIES_BY_REGION = {
    "toronto": ["Toronto", "North York", "Scarborough", "Etobicoke"],
    "central": ["Barrie", "Orillia", "Newmarket", "Peterborough", "Oshawa"],
    "eastern": ["Kingston", "Belleville", "Cornwall", "Brockville"],
    "ottawa": ["Ottawa", "Kanata", "Orléans", "Perth"],
    "golden-horseshoe": [
        "Hamilton",
        "Mississauga",
        "Brampton",
        "Burlington",
        "St. Catharines",
        "Niagara Falls",
        "Oakville",
    ],
    "southwestern": ["London", "Windsor", "Kitchener", "Waterloo", "Guelph", "Sarnia"],
    "northeastern": ["Sudbury", "North Bay", "Sault Ste. Marie", "Timmins"],
    "northwestern": ["Thunder Bay", "Kenora", "Dryden", "Fort Frances"],
}
# Where each employer is, so that a member's employer and city agree ("Ottawa Public Library",
# Ottawa); an employer not named here (a corporate library) may be anywhere.
EMPLOYER_CITIES = {
    "Toronto Public Library": "Toronto",
    "Ottawa Public Library": "Ottawa",
    "Hamilton Public Library": "Hamilton",
    "London Public Library": "London",
    "Mississauga Library": "Mississauga",
    "Greater Sudbury Public Library": "Sudbury",
    "Thunder Bay Public Library": "Thunder Bay",
    "Kingston Frontenac Public Library": "Kingston",
    "University of Toronto Libraries": "Toronto",
    "Western University Libraries": "London",
    "Queen's University Library": "Kingston",
    "York University Libraries": "North York",
    "Lakehead University Library": "Thunder Bay",
    "Humber College Library": "Etobicoke",
    "Toronto District School Board": "Toronto",
    "Ottawa-Carleton District School Board": "Ottawa",
    "Peel District School Board": "Mississauga",
    "Thames Valley District School Board": "London",
    "Great Library, Law Society of Ontario": "Toronto",
    "SickKids Hospital Library": "Toronto",
    "Royal Ontario Museum Library": "Toronto",
    "Legislative Library of Ontario": "Toronto",
    "Ontario Government Library": "Toronto",
    "City of Toronto Archives": "Toronto",
    "Archives of Ontario": "Toronto",
    "City of Ottawa Archives": "Ottawa",
    "Trent University Archives": "Peterborough",
}
REGION_OF_CITY = {city: region for region, cities in CITIES_BY_REGION.items() for city in cities}
BIO_OPENINGS = [
    "I have worked in libraries for {years} years and love helping people find their way.",
    "My path into libraries started in {field}; I enjoy sharing what I learned along the way.",
    "I care about welcoming spaces and good service, and I like talking about career choices.",
    "I started as a page and have been in the profession for {years} years.",
]
FIELDS = ["teaching", "publishing", "IT support", "retail", "community work", "journalism"]


@dataclass
class SeedSummary:
    members: int = 0
    mentors: int = 0
    seconds: float = 0.0
    demo_accounts: list[str] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)


def _vocabulary(model) -> dict[str, int]:
    return dict(db.session.execute(select(model.code, model.id)).all())


def seed_members(count: int, seed: int) -> SeedSummary:
    """Insert `count` members (with profiles) chosen by `seed`.

    In a database without them, the first three are the named demo accounts: a committee
    member, a mentor and a mentee. Addresses already taken are never reused.
    """
    started = time.perf_counter()
    rng = random.Random(seed)
    vocab = {
        "sector": _vocabulary(Sector),
        "expertise": _vocabulary(ExpertiseArea),
        "region": _vocabulary(Region),
        "contact": _vocabulary(ContactMethod),
        "language": _vocabulary(Language),
        "objective": _vocabulary(Objective),
    }
    if not all(vocab.values()):
        raise RuntimeError("The vocabularies are empty: run `flask db upgrade` first.")
    now = clock.utcnow()
    password_hash = generate_password_hash(
        DEMO_PASSWORD, method=current_app.config["PASSWORD_HASH_METHOD"]
    )
    emails = _EmailBook(db.session.scalars(select(User.email)).all())
    numbers = set(db.session.scalars(select(Profile.membership_number)).all())
    named = [account for account in NAMED_ACCOUNTS if not emails.taken(account.email)]
    users, members = [], []
    summary = SeedSummary()
    for index in range(count):
        account = named[index] if index < len(named) else None
        member = _make_member(rng, index, vocab, now, account)
        member["profile"]["membership_number"] = _membership_number(rng, numbers)
        email = emails.claim(member["email"])
        created_at = now - timedelta(days=rng.randint(2, 700), minutes=rng.randint(0, 1439))
        users.append(
            {
                "email": email,
                "name": member["name"],
                "password_hash": password_hash,
                "email_verified_at": created_at + timedelta(minutes=rng.randint(2, 600)),
                "is_active_account": True,
                "is_committee": member["committee"],
                "privacy_notice_version": current_app.config["PRIVACY_NOTICE_VERSION"],
                "privacy_accepted_at": created_at,
                "created_at": created_at,
            }
        )
        members.append(member)
        summary.mentors += member["profile"]["role"] in (MENTOR, BOTH)
        if account is not None:
            summary.demo_accounts.append(email)
    # The database numbers the rows (so PostgreSQL's sequences stay right); RETURNING gives
    # the numbers back in the order of the rows.
    user_ids = db.session.scalars(
        insert(User).returning(User.id, sort_by_parameter_order=True), users
    ).all()
    profiles, agreements, links = [], [], {name: [] for name in LINK_TABLES}
    for user_id, member in zip(user_ids, members, strict=True):
        profiles.append({"user_id": user_id, **member["profile"]})
        agreements.extend(
            {
                "user_id": user_id,
                "role": role,
                "version": AGREEMENT_VERSIONS[role],
                "agreed_at": now,
            }
            for role in member["agreed_roles"]
        )
        for table, ids in member["links"].items():
            links[table].extend({"profile_id": user_id, LINK_COLUMNS[table]: i} for i in ids)
    db.session.execute(insert(Profile), profiles)
    for table, rows in links.items():
        if rows:
            db.session.execute(insert(LINK_TABLES[table]), rows)
    if agreements:
        db.session.execute(insert(RoleAgreement), agreements)
    db.session.commit()
    summary.members = count
    summary.user_ids = list(user_ids)
    summary.seconds = time.perf_counter() - started
    return summary


LINK_TABLES = {
    "sector": profile_sectors,
    "expertise": profile_expertise,
    "contact": profile_contact_methods,
    "language": profile_languages,
    "objective": profile_objectives,
}
LINK_COLUMNS = {
    "sector": "sector_id",
    "expertise": "expertise_area_id",
    "contact": "contact_method_id",
    "language": "language_id",
    "objective": "objective_id",
}


@dataclass(frozen=True)
class NamedAccount:
    email: str
    name: str
    years: int
    role: str
    committee: bool = False


NAMED_ACCOUNTS = [
    NamedAccount(f"committee@{DEMO_DOMAIN}", "Morgan Committee", 15, BOTH, committee=True),
    NamedAccount(f"mentor@{DEMO_DOMAIN}", "Riley Mentor", 12, MENTOR),
    NamedAccount(f"mentee@{DEMO_DOMAIN}", "Sam Mentee", 1, MENTEE),
]


class _EmailBook:
    """The addresses in use; `claim` returns a free one (name.surname, name.surname2, ...)."""

    def __init__(self, existing):
        self._taken = set(existing)
        self._next_suffix: dict[str, int] = {}

    def taken(self, email: str) -> bool:
        return email in self._taken

    def claim(self, email: str) -> str:
        if email in self._taken:
            local, domain = email.split("@")
            suffix = self._next_suffix.get(email, 2)
            while f"{local}{suffix}@{domain}" in self._taken:
                suffix += 1
            self._next_suffix[email] = suffix + 1
            email = f"{local}{suffix}@{domain}"
        self._taken.add(email)
        return email


def _membership_number(rng: random.Random, taken: set) -> str:
    while (number := f"OLA-{rng.randint(100000, 999999)}") in taken:
        pass
    taken.add(number)
    return number


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in ".-"))


def _make_member(
    rng: random.Random, index: int, vocab: dict, now, account: NamedAccount | None
) -> dict:
    if account is not None:
        name, email, years, role = account.name, account.email, account.years, account.role
    else:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        email = f"{_ascii(first)}.{_ascii(last)}@{DEMO_DOMAIN}".lower()
        years = _years_of_experience(rng)
        role = _role_for(rng, years)
    sector = rng.choice(list(EMPLOYERS_BY_SECTOR))
    employer = rng.choice(EMPLOYERS_BY_SECTOR[sector])
    city = EMPLOYER_CITIES.get(employer) or rng.choice(sorted(REGION_OF_CITY))
    region = REGION_OF_CITY[city]
    senior = years >= 3
    objectives = rng.sample(sorted(vocab["objective"].values()), rng.randint(2, 4))
    contact = rng.sample(sorted(vocab["contact"].values()), rng.randint(1, 4))
    languages = [vocab["language"]["en"]]
    if rng.random() < 0.25:
        languages.append(vocab["language"]["fr"])
    if rng.random() < 0.15:
        languages.append(rng.choice(sorted(vocab["language"].values())))
    expertise = rng.sample(sorted(vocab["expertise"].values()), rng.randint(1, 4) if senior else 1)
    sectors = [vocab["sector"][sector]] if sector in vocab["sector"] else []
    if rng.random() < 0.2:
        sectors.append(rng.choice(sorted(vocab["sector"].values())))
    verified = rng.random() < 0.9
    profile = {
        "display_name": name,
        "membership_expires_on": (now + timedelta(days=rng.randint(-30, 700))).date(),
        "membership_verified_at": now - timedelta(days=rng.randint(1, 300)) if verified else None,
        "position": rng.choice(POSITIONS_SENIOR if senior else POSITIONS_JUNIOR),
        "employer": employer,
        "years_experience": years,
        "role": role,
        "region_id": vocab["region"][region],
        "city": city,
        "bio": rng.choice(BIO_OPENINGS).format(years=years, field=rng.choice(FIELDS)),
        "mentee_goals": "I would like advice on building my career in libraries."
        if role in (MENTEE, BOTH)
        else None,
        "mentor_capacity": rng.randint(1, 3) if role in (MENTOR, BOTH) else 1,
        "accepting_requests": rng.random() < 0.9,
        "created_at": now,
        "updated_at": now,
    }
    if account is not None:
        # The demo accounts can take part at once: membership current and verified.
        profile["membership_expires_on"] = (now + timedelta(days=365)).date()
        profile["membership_verified_at"] = now - timedelta(days=30)
        profile["accepting_requests"] = True
        profile["mentor_capacity"] = 2 if role in (MENTOR, BOTH) else 1
    return {
        "name": name,
        "email": email,
        "committee": account is not None and account.committee,
        "agreed_roles": _agreed_roles(rng, role, always=account is not None),
        "profile": profile,
        "links": {
            "sector": sorted(set(sectors)),
            "expertise": sorted(set(expertise)),
            "contact": sorted(set(contact)),
            "language": sorted(set(languages)),
            "objective": sorted(set(objectives)),
        },
    }


def _agreed_roles(rng: random.Random, role: str, always: bool) -> list[str]:
    """The roles whose expectations the member confirmed (most did; the demo accounts all)."""
    roles = [r for r in (MENTEE, MENTOR) if role in (r, BOTH)]
    return [r for r in roles if rng.random() < 0.9 or always]


def _years_of_experience(rng: random.Random) -> int:
    # Half under three years (students, new graduates, career changers).
    if rng.random() < 0.5:
        return rng.randint(0, 2)
    return rng.randint(3, 35)


def _role_for(rng: random.Random, years: int) -> str:
    if years < 3:
        return MENTEE
    return rng.choices([MENTOR, BOTH, MENTEE], weights=[0.55, 0.25, 0.2])[0]
