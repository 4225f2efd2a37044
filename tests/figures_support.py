"""Reading the per-faction figures table (`geo.legend.figures_html`) back, as a browser would."""

from __future__ import annotations

from html.parser import HTMLParser


class FigureRows(HTMLParser):
    """The table's rows by faction code (``data-faction``), each the text of its cells (the
    label first), and every tag met (to prove no markup came from a label)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.tags: list[str] = []
        self._row: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        code = dict(attrs).get("data-faction")
        if tag == "tr" and code:
            self._row = code
            self.rows[code] = []
        elif tag == "td" and self._row:
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self._row:
            self.rows[self._row].append("".join(self._cell).strip())
            self._cell = None


def figure_rows(html: str) -> FigureRows:
    """The parsed table (``.rows``, ``.tags``) of a figures block."""
    parser = FigureRows()
    parser.feed(html)
    return parser
