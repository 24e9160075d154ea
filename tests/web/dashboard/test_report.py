"""The dashboard's cells (web/dashboard/report.py): numbers in the user's language, also when the
same number was written before in the other language."""

from __future__ import annotations

from flask import Flask, session

from web.dashboard.report import format_decimal, number, share


def written(app: Flask, language: str) -> tuple[str, str, str]:
    with app.test_request_context("/dashboard/"):
        session["language"] = language
        return (
            number(12345).text,
            share(0.1234, 50).text,
            format_decimal(2.5, format="#,##0.0"),
        )


def test_numbers_follow_the_language_of_each_request(web_app: Flask) -> None:
    assert written(web_app, "nl") == ("12.345", "12,3%", "2,5")
    assert written(web_app, "en") == ("12,345", "12.3%", "2.5")
    assert written(web_app, "nl") == ("12.345", "12,3%", "2,5")
