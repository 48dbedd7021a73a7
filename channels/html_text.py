"""HTML email bodies as plain text: what a person would read, without scripts, styles or markup."""

import re
from html.parser import HTMLParser

# Content that is never shown to a reader, so it must never reach the classifier or staff.
# Never shown as text. <noscript> and <svg> are not here: a mail program shows a noscript
# block (it runs no scripts), and words drawn in an SVG are words someone wrote.
_HIDDEN = {"script", "style", "head", "title", "template", "object", "iframe"}
_BLOCKS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "div",
    "dl",
    "dt",
    "dd",
    "fieldset",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
}
# Elements with no end tag: they must not open a hidden section that never closes.
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
# Private-use marks where a quotation opens and closes, turned into "> " prefixes at the end, so
# quoted history in an HTML-only reply is recognised as a quote, as in a plain-text reply.
_QUOTE_OPEN, _QUOTE_CLOSE = "\ue000", "\ue001"
_BLANK_LINES = re.compile(r"\n{3,}")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "blockquote":
            self.parts.append("\n" + _QUOTE_OPEN)
        elif tag in _BLOCKS:
            self.parts.append("\n\n" if tag == "p" else "\n")
            if tag == "li":
                self.parts.append("- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HIDDEN:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag == "blockquote":
            self.parts.append(_QUOTE_CLOSE + "\n")
        elif tag in _BLOCKS and tag not in _VOID and tag != "li":
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML document: block elements become line breaks, hidden content
    (scripts, styles, the head) is dropped, entities are decoded."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    text = "".join(collector.parts)
    lines = (_SPACES.sub(" ", line).strip() for line in _quote_lines(text.split("\n")))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _quote_lines(lines: list[str]) -> list[str]:
    """Lines inside blockquotes prefixed with "> " once per level, the marks removed."""
    depth = 0
    quoted = []
    for line in lines:
        start_depth = depth
        depth = max(0, depth + line.count(_QUOTE_OPEN) - line.count(_QUOTE_CLOSE))
        text = line.replace(_QUOTE_OPEN, "").replace(_QUOTE_CLOSE, "")
        level = max(start_depth, depth) if _QUOTE_OPEN in line else start_depth
        quoted.append("> " * level + text if level and text.strip() else text)
    return quoted
