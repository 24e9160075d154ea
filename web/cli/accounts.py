"""``terugkeer create-user`` and ``create-token``."""

from __future__ import annotations

import click

from config import Config
from web import create_app
from web.accounts import AccountError, create_user, ensure_organisation
from web.api import tokens
from web.extensions import db
from web.models import ORGANISATION_KINDS, ROLES, User


@click.command("create-user")
@click.argument("username")
@click.option("--organisation", "organisation_code", required=True, help="e.g. PI-ZWL, GM0363")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--display-name", help="Name shown in the app (default: the username).")
@click.option("--organisation-name", help="Creates the organisation when it does not exist.")
@click.option("--organisation-kind", type=click.Choice(ORGANISATION_KINDS))
def create_user_command(
    username: str,
    organisation_code: str,
    roles: tuple[str, ...],
    password: str,
    display_name: str | None,
    organisation_name: str | None,
    organisation_kind: str | None,
) -> None:
    """Create a user (and, with its name and kind, the organisation)."""
    app = create_app(Config(TERUGKEER_RUN_SCHEDULER=False))
    with app.app_context():
        try:
            organisation = ensure_organisation(
                organisation_code, organisation_name, organisation_kind
            )
            user = create_user(
                username,
                organisation=organisation,
                roles=roles,
                password=password,
                display_name=display_name,
            )
        except AccountError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(
            f"Created user {user.username} ({', '.join(user.role_list)}) "
            f"at {organisation.name} ({organisation.code})"
        )
        db.engine.dispose()


@click.command("create-token")
@click.argument("username")
@click.option("--name", default="terugkeer create-token", show_default=True, help="What it is for.")
@click.option(
    "--days",
    default=tokens.DEFAULT_VALIDITY_DAYS,
    show_default=True,
    type=click.Choice([str(days) for days in tokens.VALIDITY_DAYS]),
    help="How long it works.",
)
def create_token_command(username: str, name: str, days: str) -> None:
    """Make a personal API token for USERNAME and print its secret (shown only this once)."""
    app = create_app(Config(TERUGKEER_RUN_SCHEDULER=False))
    with app.app_context():
        user = User.by_username(username)
        if user is None or not user.is_active:
            raise click.ClickException(f"no active user {username!r}")
        try:
            token, secret = tokens.create_token(user, name, int(days))
        except tokens.TokenError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(
            f"Token {token.prefix}... for {user.username}, valid until {token.expires_at:%Y-%m-%d}:"
        )
        click.echo(secret)
        click.echo("Send it as: Authorization: Bearer <token>. It is not shown again.")
        db.engine.dispose()
