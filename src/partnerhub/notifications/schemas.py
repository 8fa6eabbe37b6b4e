"""What the notifications API reads and answers."""

from datetime import datetime

from ninja import Schema
from pydantic import Field

from partnerhub.notifications.models import DigestFrequency


class NotificationOut(Schema):
    kind: str = Field(
        description="engagement_new, engagement_changed, meeting_new, clash, action_overdue, "
        "action_stalled, line_agreed or revision_awaiting."
    )
    label: str
    country: str | None = Field(description="The partner country's ISO alpha-3 code, if the item has one.")
    title: str
    detail: str
    url: str = Field(description="The page of the record, absolute (PARTNERHUB_SITE_URL).")
    time: datetime
    unread: bool = Field(description="Newer than the caller's last visit to the notifications page.")


class NotificationsOut(Schema):
    since: datetime
    until: datetime
    count: int = Field(description="Items on all pages together.")
    next: str | None = Field(description="URL of the next page, if any.")
    previous: str | None = Field(description="URL of the previous page, if any.")
    items: list[NotificationOut]


class FollowsOut(Schema):
    countries: list[str] = Field(description="ISO alpha-3 codes of the followed partner countries.")
    themes: list[str] = Field(description="Codes of the followed themes.")
    digest_frequency: DigestFrequency


class FollowsIn(Schema):
    countries: list[str] = Field(default_factory=list, max_length=300)
    themes: list[str] = Field(default_factory=list, max_length=300)
    digest_frequency: DigestFrequency | None = None
