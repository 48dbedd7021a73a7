"""Jinja set-up: GOV.UK Frontend macros, WTForms helpers, security headers, and every template
filter, registered here in one place. Staff-only context (navigation, labels, the item page's
panels) comes from the staff shell in app.web.staff, so public pages never reach staff helpers."""

from datetime import date, datetime
from pathlib import Path

from flask import Flask, Response, current_app, request
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import BytecodeCache, ChoiceLoader, PackageLoader, PrefixLoader
from jinja2.bccache import Bucket

from app.services.common import UK_TIME

# Everything is served by the app itself: no CDN, no third-party origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


class _ProcessBytecodeCache(BytecodeCache):
    """Compiled templates shared by every app in the process. Compiling the GOV.UK macros
    takes about half a second; tests and CLI commands that build several apps pay it once.
    Buckets are keyed by template name and source checksum, so a changed template recompiles."""

    _compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._compiled.get(f"{bucket.key}:{bucket.checksum}")
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[f"{bucket.key}:{bucket.checksum}"] = bucket.bytecode_to_string()


# Characters that reorder the text after them (bidi overrides and isolates): shown to staff as
# visible marks, so "evil.exe" cannot pass as "exe.live" and a sentence cannot hide its words.
_BIDI_CONTROLS = {
    code: f"[U+{code:04X}]" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


def neutralise_bidi(text: object) -> str:
    """Text with its direction-changing control characters made visible."""
    return str(text or "").translate(_BIDI_CONTROLS)


def uk_day(value: date | None) -> str:
    """A date as people in the UK write it: 7 January 2026."""
    return f"{value.day} {value:%B %Y}" if value else ""


def london_time(value: datetime | None) -> str:
    """A stored UTC time as people in England read it: 3 March 2026, 2:05pm."""
    if value is None:
        return ""
    local = value.astimezone(UK_TIME)
    meridiem = "am" if local.hour < 12 else "pm"
    return f"{local.day} {local:%B %Y}, {local.hour % 12 or 12}:{local:%M}{meridiem}"


# Staff see which language each message and each person is in (staff pages are in English).
LANGUAGE_NAMES = {"cy": "Welsh", "en": "English"}


def language_name(code: object) -> str:
    """The language of a message or a contact, by name, for staff."""
    return LANGUAGE_NAMES.get(str(code or ""), "Language not known")


def init_app(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("app"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.bytecode_cache = _ProcessBytecodeCache()
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    app.jinja_env.filters["visible_controls"] = neutralise_bidi
    app.jinja_env.filters["uk_day"] = uk_day
    app.jinja_env.filters["london_time"] = london_time
    app.jinja_env.filters["language_name"] = language_name
    # Without `npm run build` pages still work, unstyled; the layout says so to developers.
    app.jinja_env.globals["assets_built"] = Path(app.static_folder or "", "heard.css").exists()
    app.after_request(_security_headers)


def _security_headers(response: Response) -> Response:
    if current_app.config["HSTS"]:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if not request.path.startswith("/static/"):
        # Feedback pages may be on a shared phone: do not let the back button or a cache show them.
        response.headers.setdefault("Cache-Control", "no-store")
    return response
