"""The two e-mails of a new member's first days: a welcome once their e-mail address is
confirmed, and "you're verified" once the committee has verified their membership.

Each goes at most once per member (an outbox dedupe key per member), however often the address
is confirmed again or the membership verified again (a correction of the expiry date, next
year's roster). Both are added to the caller's transaction; the caller commits.
"""

from flask_babel import lazy_gettext as _l

from app.email import absolute_url, enqueue
from app.i18n import member_locale
from app.models import User

# Lazy: each is written in its recipient's language when the message is made.
WELCOME_SUBJECT = _l("Welcome to the OLA Mentoring Program")
VERIFIED_SUBJECT = _l("Your membership is verified: here is what to do next")


def enqueue_welcome(user: User) -> None:
    """Welcome `user`, whose address was just confirmed for the first time.

    Sent after the confirmation, not at registration: the verification link is the first
    message, and a name typed on the form never goes to an address nobody has confirmed."""
    enqueue(
        user.email,
        "welcome",
        WELCOME_SUBJECT,
        dedupe_key=f"welcome:{user.id}",
        locale=member_locale(user),
        user=user,
        profile_url=absolute_url("profiles.edit"),
        directory_url=absolute_url("mentors.index"),
    )


def enqueue_membership_verified(user: User) -> None:
    """Tell `user` the committee verified their membership (by hand or by the roster)."""
    profile = user.profile
    enqueue(
        user.email,
        "membership_verified",
        VERIFIED_SUBJECT,
        dedupe_key=f"membership-verified:{user.id}",
        locale=member_locale(user),
        user=user,
        is_mentee=profile is not None and profile.is_mentee,
        is_mentor=profile is not None and profile.is_mentor,
        expires_on=profile.membership_expires_on if profile else None,
        home_url=absolute_url("main.index"),
        directory_url=absolute_url("mentors.index"),
        profile_url=absolute_url("profiles.show"),
    )
