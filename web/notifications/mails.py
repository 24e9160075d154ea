"""The mails, in the user's language (Dutch unless they chose English): rendered from
templates/notifications/*.txt within ``force_locale``."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from web.notifications.content import Digest, Release
from web.notifications.smtp import Mail


def mail_language(language: str | None) -> str:
    """The user's language when it is one the app offers; else the default (Dutch)."""
    if language in current_app.config["LANGUAGES"]:
        return str(language)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def digest_mail(to: str, language: str | None, display_name: str, content: Digest) -> Mail:
    chosen = mail_language(language)
    with force_locale(chosen):
        counts = {section.name: section.total for section in content.sections}
        subject = _(
            "Terugkeer: %(overdue)d te laat, %(soon)d bijna verlopen, %(new)d nieuw",
            **counts,
        )
        text = render_template(
            "notifications/digest.txt",
            name=display_name,
            digest=content,
            titles={
                "overdue": _("Te laat"),
                "soon": _("Binnen twee werkdagen verlopen"),
                "new": _("Nieuw sinds het vorige overzicht"),
            },
            day=format_date,
        )
    return Mail(to=to, subject=subject, text=text, language=chosen)


def release_mail(to: str, language: str | None, display_name: str, content: Release) -> Mail:
    chosen = mail_language(language)
    with force_locale(chosen):
        subject = _(
            "Terugkeer: directe invrijheidstelling in zaak %(case)s", case=content.case_number
        )
        text = render_template(
            "notifications/immediate_release.txt",
            name=display_name,
            release=content,
            day=format_date,
        )
    return Mail(to=to, subject=subject, text=text, language=chosen)
