"""The complaints report as a PDF a director can sign, drawn on the server by WeasyPrint from
the report's own HTML.

Nothing is fetched while drawing: the page's images are inline SVG or `data:` URLs, the fonts
are the machine's (fontconfig: DejaVu Sans from Debian's fonts-dejavu-core), and any other URL
is refused, so a name or quote that looks like a link cannot make the server call out.
"""

from functools import cache
from typing import Any

# WeasyPrint (with its fonts, images and CSS parsers) is imported when a PDF is first drawn,
# not when the app starts: every web process would otherwise carry it.


class FetchRefused(ValueError):
    """The report asked for something outside itself; WeasyPrint leaves it out."""


@cache
def _offline_fetcher() -> type[Any]:
    from weasyprint.urls import URLFetcher

    class OfflineFetcher(URLFetcher):  # type: ignore[misc]
        """WeasyPrint's own fetcher held to `data:` URLs, which it decodes in memory."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                raise FetchRefused(f"The report PDF fetches nothing: {url[:40]!r} refused")
            return super().fetch(url, headers)

    return OfflineFetcher


def __getattr__(name: str) -> Any:
    """`OfflineFetcher`, made on first use."""
    if name == "OfflineFetcher":
        return _offline_fetcher()
    raise AttributeError(name)


def render(html: str) -> bytes:
    """The report's HTML (with its own print stylesheet inside) as PDF bytes."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _offline_fetcher()()
    document = HTML(string=html, url_fetcher=fetcher, base_url="about:blank")
    pdf: bytes = document.write_pdf(font_config=FontConfiguration())
    return pdf
