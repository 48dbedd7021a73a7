"""Charts for the trends page, drawn on the server by matplotlib as inline SVG.

Each chart is an image with a title and a description for screen readers; the page puts the
same numbers in a table beside it. Series differ by shape and pattern as well as colour
(solid bars against a dashed line, hatched bars), and every colour has at least 4.5:1
contrast on white. Text stays text in the SVG (no embedded or fetched fonts). Figures are
drawn without pyplot, so no GUI backend or global figure state is involved.

The page's Content-Security-Policy allows no inline CSS, so matplotlib's style="..." is
rewritten as SVG presentation attributes (fill="...", stroke="..."), which are not CSS.
"""

import io
import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

# matplotlib is imported when a chart is first drawn, not when the app starts: every web
# process (and every Twilio webhook's) would otherwise carry it.
if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

BLUE = "#1d70b8"  # GOV.UK blue, 5.2:1 on white
BLACK = "#0b0c0c"
GREY = "#505a5f"  # GOV.UK secondary text, 7:1 on white
HATCHES = ("", "///", "..")
# rcParams are global to the process: one chart at a time, so a threaded server cannot mix
# one chart's settings into another's.
_DRAWING = threading.Lock()
STYLE: "dict[RcKeyType, Any]" = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 10,
    # Team and theme names are shown as written, never read as TeX.
    "text.parse_math": False,
    "axes.edgecolor": GREY,
    "axes.labelcolor": BLACK,
    "xtick.color": BLACK,
    "ytick.color": BLACK,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def small_multiples(
    chart_id: str,
    title: str,
    description: str,
    periods: Sequence[str],
    panels: Sequence[tuple[str, Sequence[int], Sequence[int | None]]],
    now_label: str,
    before_label: str,
) -> Markup:
    """One small chart per theme: this year's counts as bars, the year before as a dashed line
    (with a gap where there are no data for the year before)."""
    columns = 2
    rows = max(1, -(-len(panels) // columns))
    height = 1.7 * rows + 1.3
    matplotlib, Figure, MaxNLocator = _matplotlib()
    with _DRAWING, matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(9, height))
        # Fixed margins in inches: a constrained layout costs more than the drawing itself.
        figure.subplots_adjust(
            left=0.06, right=0.99, top=1 - 0.5 / height, bottom=0.8 / height, hspace=0.45
        )
        grid = figure.subplots(rows, columns, sharex=True, sharey=True, squeeze=False)
        axes = list(grid.flat)
        positions = list(range(len(periods)))
        for ax, (name, counts, previous) in zip(axes, panels, strict=False):
            ax.bar(positions, counts, color=BLUE, label=now_label)
            ax.plot(
                positions,
                [float("nan") if n is None else n for n in previous],
                color=BLACK,
                linestyle="--",
                marker="o",
                markersize=3,
                label=before_label,
            )
            # Placed as plain text: set_title re-measures every tick label to place itself.
            ax.text(0, 1.04, name, transform=ax.transAxes, fontsize=10, fontweight="bold")
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        for ax in axes[len(panels) :]:
            ax.set_visible(False)
        # The axes share their ticks; period names go under the lowest chart of each column.
        axes[0].set_xticks(positions, periods)
        for column in range(columns):
            shown = [ax for ax in grid[:, column] if ax.get_visible()]
            for ax in shown:
                ax.tick_params(axis="x", labelrotation=90, labelsize=8, labelbottom=ax is shown[-1])
        # This year first, as the tables read.
        handles, labels = axes[0].get_legend_handles_labels()
        figure.legend(
            handles[::-1],
            labels[::-1],
            loc="upper left",
            bbox_to_anchor=(0.05, 1),
            ncols=2,
            frameon=False,
        )
        return _svg(figure, chart_id, title, description)


def grouped_bars(
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    groups: Sequence[tuple[str, Sequence[float]]],
    value_format: str = "{:g}",
    y_label: str = "",
) -> Markup:
    """Bars side by side for each category, one pattern per group, each bar labelled."""
    width = 0.8 / max(1, len(groups))
    matplotlib, Figure, MaxNLocator = _matplotlib()
    with _DRAWING, matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(9, 3.4), layout="constrained")
        ax = figure.subplots()
        for i, (name, values) in enumerate(groups):
            offsets = [c + (i - (len(groups) - 1) / 2) * width for c in range(len(categories))]
            bars = ax.bar(
                offsets,
                values,
                width,
                label=name,
                color=BLUE if i == 0 else "white",
                edgecolor=BLUE if i == 0 else BLACK,
                hatch=HATCHES[i % len(HATCHES)],
            )
            ax.bar_label(bars, labels=[value_format.format(v) for v in values], fontsize=8)
        ax.set_xticks(range(len(categories)), categories)
        ax.set_ylabel(y_label)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="upper left", frameon=False, ncols=len(groups))
        ax.margins(y=0.2)
        return _svg(figure, chart_id, title, description)


def lines(
    chart_id: str,
    title: str,
    description: str,
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    y_label: str,
) -> Markup:
    """A line per series, each with its own dash and marker; gaps where there is no value.

    Where two series meet (one alert: its median is its 90th percentile) the later series'
    hollow, larger marker rings the earlier one's solid dot, which is drawn on top."""
    # (dash, marker, colour, marker size, filled, drawing order: higher is on top)
    styles = (("-", "o", BLUE, 5, True, 3), ("--", "s", BLACK, 10, False, 2))
    matplotlib, Figure, _ = _matplotlib()
    with _DRAWING, matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(9, 3.2), layout="constrained")
        ax = figure.subplots()
        for (name, values), style in zip(series, styles, strict=False):
            dash, marker, colour, size, filled, order = style
            ys = [float("nan") if v is None else v for v in values]
            ax.plot(
                range(len(periods)),
                ys,
                linestyle=dash,
                marker=marker,
                markersize=size,
                markerfacecolor=colour if filled else "none",
                markeredgewidth=1.5,
                color=colour,
                label=name,
                zorder=order,
            )
        ax.set_xticks(range(len(periods)), periods, rotation=90, fontsize=8)
        ax.set_ylabel(y_label)
        ax.set_ylim(bottom=0)
        # Above the plot, where no line can run under it.
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.02), frameon=False, ncols=len(series))
        return _svg(figure, chart_id, title, description)


STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')


def _matplotlib() -> tuple[Any, Any, Any]:
    """matplotlib, its Figure and its integer tick locator, imported on first use."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    return matplotlib, Figure, MaxNLocator


def _presentation_attributes(match: re.Match[str]) -> str:
    """style="fill: #fff; font: bold 10px 'DejaVu Sans'" as fill="#fff" font-weight="bold"
    font-size="10px" font-family="sans-serif"."""
    attributes: dict[str, str] = {}
    for declaration in match.group(1).split(";"):
        name, _, value = (part.strip() for part in declaration.partition(":"))
        if not name or not value:
            continue
        if name == "font":
            words = value.split()
            attributes["font-size"] = next((w for w in words if w.endswith("px")), "10px")
            attributes["font-family"] = "sans-serif"
            if "bold" in words:
                attributes["font-weight"] = "bold"
        elif name == "font-family":
            attributes[name] = "sans-serif"
        else:
            attributes[name] = value
    return " ".join(f'{name}="{escape(value)}"' for name, value in attributes.items())


def _svg(figure: "Figure", chart_id: str, title: str, description: str) -> Markup:
    """The figure as an inline SVG image named by its title and described for screen readers."""
    buffer = io.StringIO()
    # The salt keeps clip-path ids apart when several charts share a page.
    matplotlib = _matplotlib()[0]
    with matplotlib.rc_context({"svg.hashsalt": chart_id}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    opening, body = svg[svg.index("<svg") :].split(">", 1)
    # Sized by the page, not in points; the viewBox keeps the shape.
    opening = re.sub(r'\s(?:width|height)="[^"]*"', "", opening)
    opening = opening.replace(
        "<svg",
        f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        'class="heard-chart" focusable="false"',
        1,
    )
    body = re.sub(r"<metadata>.*?</metadata>|<style[^>]*>.*?</style>", "", body, flags=re.S)
    body = STYLE_ATTRIBUTE.sub(_presentation_attributes, body)
    # matplotlib names its groups figure_1, axes_1...: the same in every chart on the page.
    body = re.sub(r'(\bid="|url\(#|href="#)', rf"\g<1>{chart_id}-", body)
    heading = (
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return Markup(f"{opening}>{heading}{body}")
