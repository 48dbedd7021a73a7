"""The retention schedule's daily run."""

from app.jobs import job
from app.services.privacy import retention


@job("periodic", timeout=3600)
def apply_retention() -> int:
    """Anonymise every record the schedule says is due; how many items it did."""
    return sum(retention.apply_retention().anonymised.values())
