"""Staff correcting what the classifier said of an item: its themes here; its safeguarding flag
through the safeguarding decisions (closing an alert as "not a safeguarding matter", or a
reviewer's manual flag), which keep their own `SafeguardingCorrection` rows.

A correction is kept as made (who, when, before, after, why), is written to the audit log, and
stands against the classifier: a later message in the thread may bring themes new to it, but
never puts back one that staff took off. `correction_examples.py` turns the corrections into
training examples for `heard train --include-corrections`.
"""

from collections.abc import Iterable

from sqlalchemy import select

from app.extensions import db
from app.models import FeedbackItem, StaffRole, StaffUser, ThemeCorrection
from app.services.classification.themes import set_item_themes, taxonomy_themes
from app.services.common import Refusal
from app.services.staff import audit_log
from app.services.staff.audit_log import Action

# Everyone who reads feedback for its substance (the page checks the role); a safeguarding
# item stays closed to those who may not review it, by the guard on every page about an item.
THEME_CORRECTION_ROLES = (
    StaffRole.COMPLAINTS_OFFICER,
    StaffRole.MANAGER,
    StaffRole.LEARNING_TEAM,
    StaffRole.ADMIN,
    StaffRole.SAFEGUARDING_REVIEWER,
)
MAX_REASON_CHARS = 2000


class CorrectionRefused(Refusal):
    """A correction that cannot be saved; the message says why, in words for staff."""


def _checked(chosen: Iterable[str]) -> list[str]:
    chosen = set(chosen)
    known = taxonomy_themes()
    if chosen - set(known):
        raise CorrectionRefused("Choose themes from the list")
    return [theme for theme in known if theme in chosen]


def _reason(value: str | None) -> str | None:
    reason = (value or "").strip()
    if len(reason) > MAX_REASON_CHARS:
        raise CorrectionRefused(f"The reason must be {MAX_REASON_CHARS} characters or fewer")
    return reason or None


def correct_themes(
    item: FeedbackItem,
    staff_user: StaffUser,
    chosen: Iterable[str],
    reason: str | None = None,
    ip: str | None = None,
) -> ThemeCorrection:
    """Give an item exactly the chosen themes, keeping what they were, who changed them, when
    and why, and recording it in the audit log (which commits it all). Saving the same themes
    is kept too: staff confirming the classifier is as good a label as staff correcting it."""
    after = _checked(chosen)
    why = _reason(reason)
    # Locked, so a classification finishing at the same moment waits and then sees this.
    # A plain select: refresh() would repeat any eager joins the item was first loaded with,
    # and PostgreSQL cannot lock the nullable side of an outer join.
    db.session.execute(
        select(FeedbackItem)
        .where(FeedbackItem.id == item.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    before = sorted(item.themes or [])
    correction = ThemeCorrection(
        feedback_item_id=item.id,
        staff_user_id=staff_user.id,
        themes_before=before,
        themes_after=after,
        reason=why,
    )
    db.session.add(correction)
    set_item_themes(item, after)
    db.session.flush()
    audit_log.record(
        Action.THEMES_CORRECTED,
        staff_user,
        "feedback_item",
        item.id,
        # Theme ids only: the reason may quote the feedback, so it stays with the correction.
        {
            "correction_id": correction.id,
            "added": sorted(set(after) - set(before)),
            "removed": sorted(set(before) - set(after)),
        },
        ip_address=ip,
    )
    return correction


def history(item_id: int) -> list[ThemeCorrection]:
    """Every theme correction of an item, oldest first."""
    query = (
        select(ThemeCorrection)
        .where(ThemeCorrection.feedback_item_id == item_id)
        .order_by(ThemeCorrection.at, ThemeCorrection.id)
    )
    return list(db.session.execute(query).scalars())


def latest(item_id: int) -> ThemeCorrection | None:
    """The item's newest theme correction, if staff have corrected it."""
    found = history(item_id)
    return found[-1] if found else None


def withheld_themes(item_id: int) -> set[str]:
    """Themes staff took off the item and have not put back: the classifier may not restore
    them. A theme staff never saw on the item is not withheld, so a later message can add it."""
    found = history(item_id)
    if not found:
        return set()
    seen = {theme for correction in found for theme in correction.themes_before}
    return seen - set(found[-1].themes_after)


def themes_to_add(item: FeedbackItem, predicted: Iterable[str]) -> list[str]:
    """Of the themes the classifier found in a new message, those it may add to the item."""
    withheld = withheld_themes(item.id)
    return [theme for theme in predicted if theme not in withheld]
