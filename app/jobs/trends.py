"""Keep the trends page's default view read ahead of the people who open it."""

from app.jobs import job
from app.services.reports import trends


@job("periodic", timeout=600)
def warm_trends() -> int:
    """Read the default trends view (all feedback, this month, with and without restricted
    quotes) into the cache, if the data moved on since it was last read: at a national
    service's volume that read takes seconds, and without this the first person to open the
    page after any change would wait for it. How many views were read afresh (0 when the
    cache already held them); overlapping runs only read the same thing twice."""
    month = trends.current_month()
    return sum(
        trends.warm(trends.TrendFilters(), month, may_see_safeguarding=may_see)
        for may_see in (False, True)
    )
