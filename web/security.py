"""The app's shared protections: security headers and ``Cache-Control: no-store`` on every
response but static files, the request body limit, and the one check of every redirect target
that comes from a request (``next``).

The CSP allows only the app's own scripts and styles: templates carry no inline scripts, no
inline styles and no event-handler attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, current_app, request

from engine.clock import Clock, SystemClock

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

STATIC_ENDPOINTS = frozenset({"static", "vendor.file"})
"""Endpoints that serve files of the app itself (no personal data: they may be cached)."""

View = TypeVar("View", bound=Callable[..., object])


def security_clock() -> Clock:
    """Real time for sessions and sign-in pauses (TERUGKEER_SECURITY_CLOCK in tests)."""
    return current_app.config.get("TERUGKEER_SECURITY_CLOCK") or SystemClock()


def is_static_request() -> bool:
    """Whether this request is for one of the app's own static files."""
    endpoint = request.endpoint or ""
    return endpoint in STATIC_ENDPOINTS or endpoint.endswith(".static")


def safe_redirect_target(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site, else ``default``: the one check for every
    return address taken from a request (``next``), against open redirects and broken headers.

    Refused: anything with a scheme or host, ``//`` (protocol-relative), backslashes (browsers
    read them as slashes), control characters such as tab and newline (browsers drop them, so
    ``/<tab>/evil.example`` becomes ``//evil.example``), and the same hidden behind
    percent-encoding.
    """
    if not target:
        return default
    for form in (target, unquote(target)):
        if any(char == "\\" or ord(char) < 0x20 or ord(char) == 0x7F for char in form):
            return default
        if not form.startswith("/") or form.startswith("//"):
            return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def allows_uploads(view: View) -> View:
    """Mark a view that takes uploaded files: its body may be TERUGKEER_UPLOAD_MAX_BYTES long
    instead of MAX_CONTENT_LENGTH. The form fields beside the files stay limited."""
    view.allows_uploads = True  # type: ignore[attr-defined]
    return view


def limit_request_body() -> None:
    """Before every request: the larger body limit for the views marked ``allows_uploads``."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "allows_uploads", False):
        limit = current_app.config["TERUGKEER_UPLOAD_MAX_BYTES"]
        request.max_content_length = limit
        request.max_form_memory_size = limit


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if not is_static_request():
        response.headers["Cache-Control"] = "no-store"
    return response


def register_security(app: Flask) -> None:
    app.before_request(limit_request_body)
    app.after_request(add_security_headers)
