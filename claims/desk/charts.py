"""The dashboard's charts as geometry for inline SVG: no JavaScript, no
library, nothing fetched. Every bar carries its number as text beside it, and
a part of a bar that means something else (overdue) is hatched as well as
coloured, so the charts read in greyscale and in high-contrast modes; the
template adds <title>, <desc> and the table of the same numbers.

Pure arithmetic on numbers and labels: the view hands in what
claims.models.desk_stats computed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Horizontal bars: the label, the bar, its number.
LABEL_WIDTH = 130
BAR_SPACE = 300
VALUE_SPACE = 150
ROW_HEIGHT = 26
BAR_HEIGHT = 18
# Columns: one a week.
COLUMN_WIDTH = 30
COLUMN_GAP = 10
COLUMN_SPACE = 110  # the tallest column
TOP_MARGIN = 18  # room for the number above the tallest column
BOTTOM_MARGIN = 22  # room for the week under each column


@dataclass(frozen=True)
class Part:
    """A piece of a bar: x and width in the chart's units, and its CSS class."""

    x: float
    width: float
    css: str

    @property
    def hatched(self) -> bool:
        """Drawn with the chart's hatch pattern as well as its colour."""
        return "hatched" in self.css.split()


@dataclass(frozen=True)
class Row:
    label: str
    y: float
    parts: list[Part]
    text: str  # the number(s), printed after the bar
    text_x: float
    href: str = ""

    @property
    def label_y(self) -> float:
        return self.y + BAR_HEIGHT - 4


@dataclass(frozen=True)
class Column:
    label: str
    value: int
    x: float
    y: float
    height: float

    @property
    def middle(self) -> float:
        return self.x + COLUMN_WIDTH / 2

    @property
    def value_y(self) -> float:
        return self.y - 4


@dataclass
class Chart:
    width: float
    height: float
    rows: list[Row] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)

    @property
    def baseline(self) -> float:
        return self.height - BOTTOM_MARGIN

    @property
    def axis_y(self) -> float:
        """Where the labels under the columns sit."""
        return self.height - 6

    @property
    def label_x(self) -> float:
        return LABEL_WIDTH - 6

    @property
    def bar_x(self) -> float:
        return LABEL_WIDTH


def _scale(value: float, most: float, space: float) -> float:
    return round(space * value / most, 1) if most > 0 else 0.0


def bars(items: list[tuple[str, list[tuple[float, str]], str, str]]) -> Chart:
    """Horizontal bars, one a row: (label, [(value, css class) for each part],
    the text after the bar, a link or ""). The parts of a row lie end to end;
    the longest row fills the width."""
    most = max((sum(part[0] for part in item[1]) for item in items), default=0)
    chart = Chart(width=LABEL_WIDTH + BAR_SPACE + VALUE_SPACE, height=max(1, len(items)) * ROW_HEIGHT)
    for i, (label, parts, text, href) in enumerate(items):
        x = float(LABEL_WIDTH)
        drawn = []
        for value, css in parts:
            width = _scale(value, most, BAR_SPACE)
            if width > 0:
                drawn.append(Part(x, width, css))
                x += width
        chart.rows.append(Row(label, i * ROW_HEIGHT + 4, drawn, text, x + 6, href))
    return chart


def columns(items: list[tuple[str, int]]) -> Chart:
    """Columns, one an item: (label under it, value above it)."""
    most = max((value for _, value in items), default=0)
    step = COLUMN_WIDTH + COLUMN_GAP
    chart = Chart(width=len(items) * step + COLUMN_GAP, height=TOP_MARGIN + COLUMN_SPACE + BOTTOM_MARGIN)
    for i, (label, value) in enumerate(items):
        height = _scale(value, most, COLUMN_SPACE)
        chart.columns.append(Column(label, value, COLUMN_GAP + i * step, chart.baseline - height, height))
    return chart


def duration_words(value: timedelta | None) -> str:
    """ "3 days 4 hours", "5 hours 20 minutes", "12 minutes": the two largest units."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    units = [
        (days, ngettext("%(n)d day", "%(n)d days", days)),
        (hours, ngettext("%(n)d hour", "%(n)d hours", hours)),
        (minutes, ngettext("%(n)d minute", "%(n)d minutes", minutes)),
    ]
    first = next((i for i, (n, _words) in enumerate(units) if n), None)
    if first is None:
        return _("under a minute")
    # The largest unit and the next one down, if it is not nothing.
    shown = [(n, words) for n, words in units[first : first + 2] if n]
    return " ".join(words % {"n": n} for n, words in shown)
