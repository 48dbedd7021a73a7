"""What staff read: the feedback list, newest first, one item's whole thread, and what the page
shows of an email's attachments.

The list never counts the whole table: it counts matching items only up to COUNT_UP_TO (one
more than it will say exactly), so a first page costs the same at a million items as at ten
thousand; past that it says "more than 10,000" and offers the next page while one more row
than a page was found.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    AlertOutcome,
    Attachment,
    Channel,
    ClassificationState,
    ComplaintStage,
    Direction,
    FeedbackItem,
    FeedbackKind,
    FeedbackStatus,
    Message,
    SafeguardingAlert,
    Team,
)
from app.services.common import can_exist
from channels.email import ORIGINAL_FILENAME
from channels.email_original import OriginalEmail, open_original

PER_PAGE = 50
# The list counts matching items exactly up to this many; more is "more than 10,000".
COUNT_UP_TO = 10_000

# A message in any of these states has not been read by the classifier, so a person must read it.
UNCHECKED_STATES = (
    ClassificationState.PENDING,
    ClassificationState.UNAVAILABLE,
    ClassificationState.FAILED,
)


@dataclass(frozen=True)
class FeedbackFilters:
    kind: FeedbackKind | None = None
    channel: Channel | None = None
    status: FeedbackStatus | None = None
    team_id: int | None = None


@dataclass(frozen=True)
class FeedbackRow:
    item: FeedbackItem
    channel: Channel | None
    unchecked: bool
    safeguarding: bool = False
    # Shown only as a restricted line: the reader may not open safeguarding items.
    restricted: bool = False
    # Whether a complaint stage of the item still waits for its response.
    open_stage: bool = False

    @property
    def status(self) -> FeedbackStatus:
        """The status as staff should read it (as `complaints.stages.shown_status` says): never
        closed while a stage is still open."""
        if self.item.status == FeedbackStatus.CLOSED and self.open_stage:
            return FeedbackStatus.OPEN
        return self.item.status


@dataclass(frozen=True)
class FeedbackPage:
    rows: list[FeedbackRow]
    page: int
    # None when more than COUNT_UP_TO match: the list does not count them all.
    total: int | None
    has_next: bool = False
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int | None:
        """How many pages there are (at least one, so an empty list still has a page 1), or
        None when there are too many items to count."""
        if self.total is None:
            return None
        return max(1, -(-self.total // self.per_page))

    @property
    def counted_up_to(self) -> int:
        return COUNT_UP_TO


@dataclass(frozen=True)
class Thread:
    item: FeedbackItem
    messages: list[Message]
    unchecked: bool


def first_inbound_text() -> ColumnElement[str]:
    """What the person first wrote: the text of the item's first inbound message, for quotes."""
    return (
        select(Message.text)
        .where(Message.feedback_item_id == FeedbackItem.id)
        .where(Message.direction == Direction.INBOUND)
        .order_by(Message.received_at, Message.id)
        .limit(1)
        .correlate(FeedbackItem)
        .scalar_subquery()
    )


def _unchecked() -> ColumnElement[bool]:
    """Whether any inbound message of the item is still unread by the classifier."""
    return exists().where(
        Message.feedback_item_id == FeedbackItem.id,
        Message.direction == Direction.INBOUND,
        Message.classification_state.in_(UNCHECKED_STATES),
    )


def has_live_alert() -> ColumnElement[bool]:
    """Whether the item has an alert not closed as "not a safeguarding matter": such an item is
    for safeguarding reviewers, managers and admins only."""
    return exists().where(
        SafeguardingAlert.feedback_item_id == FeedbackItem.id,
        or_(
            SafeguardingAlert.outcome.is_(None),
            SafeguardingAlert.outcome != AlertOutcome.NOT_SAFEGUARDING,
        ),
    )


def _conditions(filters: FeedbackFilters) -> list[ColumnElement[bool]]:
    """The WHERE clauses for the chosen filters."""
    conditions: list[ColumnElement[bool]] = []
    if filters.kind:
        conditions.append(FeedbackItem.kind == filters.kind)
    if filters.status:
        conditions.append(FeedbackItem.status == filters.status)
    if filters.team_id is not None:
        conditions.append(FeedbackItem.team_id == filters.team_id)
    if filters.channel:
        conditions.append(FeedbackItem.received_via == filters.channel)
    return conditions


def find_feedback(
    filters: FeedbackFilters, page: int = 1, may_see_safeguarding: bool = False
) -> FeedbackPage:
    """One page of feedback matching the filters, newest first; a page past the end gives the
    last one. Safeguarding items are marked restricted unless the reader may see them, and a
    filtered list leaves them out for such a reader: a restricted line that matched "team X,
    by text" would tell them what the item is."""
    conditions = _conditions(filters)
    if conditions and not may_see_safeguarding:
        conditions.append(~has_live_alert())
    total = _count_up_to(conditions, COUNT_UP_TO + 1)
    if total > COUNT_UP_TO:
        rows, has_next = _page(conditions, max(1, page), may_see_safeguarding)
        if rows or page <= 1:
            return FeedbackPage(rows, max(1, page), None, has_next, PER_PAGE)
        # Past the end of a long list (only by typing the address): count it all, once.
        total = _count_up_to(conditions, None)
    page = min(max(1, page), max(1, -(-total // PER_PAGE)))
    rows, has_next = _page(conditions, page, may_see_safeguarding)
    return FeedbackPage(rows, page, total, has_next, PER_PAGE)


def _count_up_to(conditions: list[ColumnElement[bool]], most: int | None) -> int:
    """How many items match, counting no further than `most` (None: count them all)."""
    matching = select(FeedbackItem.id).where(*conditions)
    if most is not None:
        matching = matching.limit(most)
    return db.session.execute(select(func.count()).select_from(matching.subquery())).scalar_one()


def _open_stage() -> ColumnElement[bool]:
    """Whether a complaint stage of the item still waits for its response."""
    return exists().where(
        ComplaintStage.feedback_item_id == FeedbackItem.id, ComplaintStage.responded_on.is_(None)
    )


def _page(
    conditions: list[ColumnElement[bool]], page: int, may_see_safeguarding: bool
) -> tuple[list[FeedbackRow], bool]:
    """One page of matching items, newest first, and whether another page follows (one more
    row than a page was found).

    The page's ids are chosen first, and what is shown of each (unread messages, a live
    alert, an open stage) worked out for those rows only: asked of the whole list, PostgreSQL
    hashes every alert in the service to answer for fifty items."""
    # When Heard received it, not the time a message claims: an email dated years ago that
    # arrives today is new, and must not sink out of sight.
    chosen = (
        select(FeedbackItem.id, FeedbackItem.created_at)
        .where(*conditions)
        .order_by(FeedbackItem.created_at.desc(), FeedbackItem.id.desc())
        .limit(PER_PAGE + 1)
        .offset((page - 1) * PER_PAGE)
        .subquery("chosen")
    )
    query = (
        select(
            FeedbackItem,
            FeedbackItem.received_via,
            _unchecked().label("unchecked"),
            has_live_alert().label("safeguarding"),
            _open_stage().label("open_stage"),
        )
        .join(chosen, chosen.c.id == FeedbackItem.id)
        .options(joinedload(FeedbackItem.team))
        .order_by(chosen.c.created_at.desc(), chosen.c.id.desc())
    )
    found = list(db.session.execute(query))
    rows = [
        FeedbackRow(
            item=item,
            channel=channel,
            unchecked=bool(unchecked),
            safeguarding=bool(safeguarding),
            restricted=bool(safeguarding) and not may_see_safeguarding,
            open_stage=bool(open_stage),
        )
        for item, channel, unchecked, safeguarding, open_stage in found[:PER_PAGE]
    ]
    return rows, len(found) > PER_PAGE


def load_thread(item_id: int) -> Thread | None:
    """An item with every message, in and out, in the order they happened."""
    if not can_exist(item_id):
        return None
    item = db.session.execute(
        select(FeedbackItem)
        .where(FeedbackItem.id == item_id)
        .options(joinedload(FeedbackItem.team), joinedload(FeedbackItem.contact))
    ).scalar_one_or_none()
    if item is None:
        return None
    messages = list(
        db.session.execute(
            select(Message)
            .where(Message.feedback_item_id == item_id)
            .order_by(Message.received_at, Message.id)
        ).scalars()
    )
    unchecked = any(
        m.direction == Direction.INBOUND and m.classification_state in UNCHECKED_STATES
        for m in messages
    )
    return Thread(item=item, messages=messages, unchecked=unchecked)


def teams() -> list[Team]:
    """Every team, by name, for the filter."""
    return list(db.session.execute(select(Team).order_by(Team.name)).scalars())


def attachments_by_message(messages: list[Message]) -> dict[int, list[Attachment]]:
    """Each message's attachments (without their contents), by message id."""
    ids = [m.id for m in messages if m.direction == Direction.INBOUND]
    found: dict[int, list[Attachment]] = {}
    if not ids:
        return found
    # The original bytes of each email are kept as an attachment too; they are not something
    # the sender attached, so they are not listed as one.
    is_original = and_(
        Attachment.filename == ORIGINAL_FILENAME, Attachment.content_type == "message/rfc822"
    )
    rows = db.session.execute(
        select(Attachment)
        .where(Attachment.message_id.in_(ids), not_(is_original))
        .order_by(Attachment.id)
    ).scalars()
    for attachment in rows:
        found.setdefault(attachment.message_id, []).append(attachment)
    return found


def originals_by_message(messages: list[Message]) -> dict[int, OriginalEmail]:
    """Each inbound email laid open, every header and every part, by message id: staff can
    always read what was sent, even where the text Heard took from it falls short."""
    ids = [
        m.id for m in messages if m.direction == Direction.INBOUND and m.channel == Channel.EMAIL
    ]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Attachment.message_id, Attachment.data).where(
            Attachment.message_id.in_(ids),
            Attachment.filename == ORIGINAL_FILENAME,
            Attachment.content_type == "message/rfc822",
        )
    ).all()
    return {message_id: open_original(data) for message_id, data in rows if data is not None}
