"""Counters of the rate limits (sign-in, reset, registration ...), when they are kept in the
database: one row per limit and key, for a fixed window."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class RateLimitCounter(db.Model):
    __tablename__ = "rate_limit_counters"

    # The limit's key as Flask-Limiter writes it: "LIMITER/<key>/<endpoint>/<amount>/<window>".
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"<RateLimitCounter {self.key} {self.hits} until {self.expires_at}>"
