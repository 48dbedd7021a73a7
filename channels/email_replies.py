"""The newest words of a reply: quoted history, signatures and mailing-list footers taken off.

Staff read this first and the classifier reads nothing else, so when in doubt words stay: a
postscript after "Thanks," may be the disclosure that matters most.
"""

import re

from mailparser_reply import EmailReplyParser

# Every language the reply parser knows quote headers in ("On ... wrote:", "Am ... schrieb",
# "Le ... a écrit", "Op ... schreef", "Dnia ... napisał", "Den ... skrev" ...), so a parent
# whose mail program speaks Polish or Dutch does not get their quoted history read as theirs.
LANGUAGES = ["en", "de", "fr", "nl", "pl", "da", "sv", "es", "it", "cs", "ja", "ko", "zh"]
_reply_parser = EmailReplyParser(languages=LANGUAGES)

_SIGNATURE_DELIMITER = re.compile(r"^-- ?$", re.MULTILINE)
_SENT_FROM = re.compile(
    r"\n+(?:sent from my [\w .-]{1,40}|get outlook for (?:ios|android)\S*)\s*$", re.IGNORECASE
)
# Mailman's footer, and Google Groups' when it comes without the "-- " line.
_LIST_FOOTER = re.compile(
    r"\n_{20,}\n[^\n]*mailing list[^\n]*\n.*\Z"
    r"|\n[^\n]*You received this message because you are subscribed to the Google Groups.*\Z",
    re.IGNORECASE | re.DOTALL,
)
# Gmail, Outlook, Apple Mail and Thunderbird's lines above a message forwarded in the body.
_FORWARD = re.compile(
    r"^(?:-{2,} ?(?:Forwarded message|Weitergeleitete Nachricht|Message transf[ée]r[ée]|"
    r"Doorgestuurd bericht|Wiadomo[śs][ćc] przekazana)[^\n]*|Begin forwarded message:|"
    r"-{5,} ?Original Message ?-{5,}\n(?=(?:[^\n]*\n){0,6}Subject:[^\n]*\bFw(?:d)?:))",
    re.IGNORECASE | re.MULTILINE,
)
_ATTRIBUTION = re.compile(
    r"(wrote|writes|schrieb|a écrit|schreef|napisał|skrev|escribió|escreveu|ha scritto|"
    r"написал|написала|пишет):\s*$"
)
_FROM_WORDS = r"From|Van|Von|De|Od|От|Fra|Från|Da|Lähettäjä"
_SENT_WORDS = (
    r"Sent|Date|Verzonden|Gesendet|Datum|Envoyé|Wysłano|Отправлено|Sendt|Skickat|Inviato|Enviado"
)
_TO_WORDS = r"To|Subject|Aan|Onderwerp|An|Betreff|À|Objet|Do|Temat|Кому|Тема|Til|Emne|Till|Ämne"
_HEADER_BLOCK = re.compile(
    rf"^[*\s]*(?:{_FROM_WORDS})[ *]*:[^\n]*(?:\n[^\n]*){{0,4}}?\n[*\s]*(?:{_SENT_WORDS})[ *]*:"
    rf"[^\n]*(?:\n[^\n]*){{0,6}}?\n[*\s]*(?:{_TO_WORDS})[ *]*:",
    re.MULTILINE,
)
# A line that introduces a quotation in a language the reply parser does not know: it ends
# in an address and a colon.
_INTRODUCES = re.compile(r"@[\w.-]+>?\s*:\s*$")
_SEPARATOR = re.compile(r"^\s*[-_=*]{5,}\s*$")
# A reply of this many words or fewer, above quoted text that has the writer's words below it,
# is a greeting: the answer was written below the quote.
_GREETING_WORDS = 3


def strip_quoted(text: str) -> str:
    """The newest part of a reply: quoted history, a delimited signature and list footers
    removed. A message forwarded in the body is not history: it is kept whole. If nothing
    would be left, the whole text is kept."""
    text = _LIST_FOOTER.sub("", text)
    forward = _FORWARD.search(text)
    if forward:
        own = _newest(text[: forward.start()]) if text[: forward.start()].strip() else ""
        return "\n\n".join(t for t in (own, text[forward.start() :].strip()) if t)
    return _newest(text)


def _newest(text: str) -> str:
    try:
        latest = _reply_parser.parse_reply(text) or ""
    except Exception:
        latest = text
    latest = _drop_trailing_attribution(_drop_trailing_quote(_drop_header_block(latest)))
    below = _written_below_quotes(text)
    still_quoting = any(line.startswith(">") for line in latest.split("\n"))
    if below and (still_quoting or len(latest.split()) <= _GREETING_WORDS < len(below.split())):
        latest = below
    signature = _SIGNATURE_DELIMITER.search(latest)
    if signature:
        latest = latest[: signature.start()]
    latest = _SENT_FROM.sub("", latest).strip()
    return latest or text.strip()


def _written_below_quotes(text: str) -> str:
    """A bottom-posted or inline reply: the writer's lines with the quoted ones taken out, or ""
    when nothing unquoted follows the first quotation."""
    lines = text.rstrip().split("\n")
    first_quote = next((i for i, line in enumerate(lines) if line.startswith(">")), None)
    if first_quote is None:
        return ""
    after = [line for line in lines[first_quote:] if line.strip() and not line.startswith(">")]
    if not after:
        return ""
    kept = [
        line
        for i, line in enumerate(lines)
        if not line.startswith(">") and not _introduces_quote(lines, i)
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _introduces_quote(lines: list[str], index: int) -> bool:
    following = next((line for line in lines[index + 1 :] if line.strip()), "")
    return bool(_ATTRIBUTION.search(lines[index])) and following.startswith(">")


def _drop_trailing_attribution(text: str) -> str:
    """The line that introduced a quote taken off ("On ... wrote:", "26.06.2014, 14:41,
    "Alexander" <a@example.com>:"), which may wrap once, and a separator line left above it."""
    lines = text.rstrip().split("\n")
    if len(lines) > 1 and (_ATTRIBUTION.search(lines[-1]) or _INTRODUCES.search(lines[-1])):
        lines.pop()
        if len(lines) > 1 and lines[-1].rstrip().endswith(("<", ",", '"')):
            lines.pop()
    while len(lines) > 1 and (not lines[-1].strip() or _SEPARATOR.match(lines[-1])):
        lines.pop()
    return "\n".join(lines)


def _drop_header_block(text: str) -> str:
    """Text above an Outlook-style header block (From, Sent, To, Subject in any language), even
    when an HTML-only reply put blank lines between the header lines."""
    match = _HEADER_BLOCK.search(text)
    if match and text[: match.start()].strip():
        return text[: match.start()]
    return text


def _drop_trailing_quote(text: str) -> str:
    lines = text.rstrip().split("\n")
    while lines and (lines[-1].startswith(">") or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines)
