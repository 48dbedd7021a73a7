"""The complaints report as a PDF a director can sign, drawn on the server by WeasyPrint from
the report's own HTML.

Nothing is fetched while drawing: the page's images are inline SVG or `data:` URLs, the fonts
are the machine's (fontconfig: DejaVu Sans from Debian's fonts-dejavu-core), and any other URL
is refused, so a name or quote that looks like a link cannot make the server call out.
"""

from typing import Any

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher


class FetchRefused(ValueError):
    """The report asked for something outside itself; WeasyPrint leaves it out."""


class OfflineFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's own fetcher held to `data:` URLs, which it decodes in memory."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith("data:"):
            raise FetchRefused(f"The report PDF fetches nothing: {url[:40]!r} refused")
        return super().fetch(url, headers)


def render(html: str) -> bytes:
    """The report's HTML (with its own print stylesheet inside) as PDF bytes."""
    document = HTML(string=html, url_fetcher=OfflineFetcher(), base_url="about:blank")
    pdf: bytes = document.write_pdf(font_config=FontConfiguration())
    return pdf
