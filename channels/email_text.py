"""Bytes and headers as text, whatever charset a mail program claimed or forgot to claim."""

import codecs
import re
from email.header import Header, decode_header

from channels.base import clean_text

# Labels senders use for text that is really UTF-8 far more often than it is really Latin-1.
_MISLABELLED_AS_LATIN = frozenset(
    {"us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "iso8859-1", "windows-1252"}
)
# Mail programs label text with a charset and then use characters from its superset, as
# browsers long ago learned (WHATWG Encoding): read each label as the superset.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "cp936": "gb18030",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "iso-2022-jp": "iso2022_jp_ext",
    "utf8": "utf-8",
}
# What Python and mail programs call raw 8-bit text whose charset nobody gave.
_UNLABELLED = frozenset({"unknown-8bit", "x-unknown", "default", "8bit"})


def decode_text(payload: bytes, charset: str | None) -> str:
    """Bytes as text, whatever the sender claimed the charset was.

    Text labelled ASCII or Latin-1 that is valid UTF-8 is read as UTF-8 (the usual mislabel),
    otherwise as Windows-1252; a label is read as the superset mail programs really use; an
    unknown label falls back to UTF-8, then Windows-1252; undecodable bytes become U+FFFD.
    """
    label = (charset or "us-ascii").strip().strip("\"'").lower()
    if label in _UNLABELLED:
        return _utf8_or_windows(payload)
    if label in _MISLABELLED_AS_LATIN or label in ("utf-8", "utf8"):
        try:
            return clean_text(payload.decode("utf-8"))
        except UnicodeDecodeError:
            label = "windows-1252" if label not in ("utf-8", "utf8") else label
    label = _SUPERSETS.get(label, label)
    try:
        codecs.lookup(label)
        text = payload.decode(label, errors="replace")
    except (LookupError, ValueError):
        return _utf8_or_windows(payload)
    return clean_text(_no_surrogates(text))


def decode_header_value(value: object) -> str:
    """A header's value as one line of text: encoded words decoded with the same charset rules
    as bodies, raw 8-bit bytes read as UTF-8 or else Windows-1252, never an exception."""
    raw = _raw_string(value)
    text = _decode_words(raw) if "=?" in raw else raw
    return _one_line(text)


def _raw_string(value: object) -> str:
    # compat32 hands raw 8-bit header bytes back as surrogate escapes, or as a Header object
    # whose str() would replace them.
    if isinstance(value, Header):
        return _decode_words(value)
    text = str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        return _utf8_or_windows(text.encode("utf-8", "surrogateescape"))
    return text


def _decode_words(raw: str | Header) -> str:
    try:
        parts = decode_header(raw)
    except Exception:
        return str(raw)
    words: list[str] = []
    for data, charset in parts:
        if isinstance(data, str):
            words.append(data)
        else:
            words.append(decode_text(data, charset) if charset else _utf8_or_windows(data))
    # decode_header keeps the whitespace between an encoded word and plain text in the plain
    # part, and drops it between two encoded words, as RFC 2047 says.
    return "".join(words)


def _utf8_or_windows(data: bytes) -> str:
    try:
        return clean_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        return clean_text(data.decode("windows-1252", errors="replace"))


def _no_surrogates(text: str) -> str:
    """UTF-7 and broken UTF-16 can decode to lone surrogates, which no database can store."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _one_line(text: str) -> str:
    text = _no_surrogates(text)
    return re.sub(r"\s*\n\s*", " ", clean_text(text)).strip()
