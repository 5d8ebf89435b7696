"""``horizonscan serve``, ``user``, ``collection`` and ``token``: the web workspace and its accounts."""

from __future__ import annotations

import os
from typing import Optional

import typer

from .app import app, state
from .common import console, fail, open_store_or_exit

user_app = typer.Typer(help="Manage users of the web workspace.\n\nExample: horizonscan user add alice --role editor", no_args_is_help=True)
collection_app = typer.Typer(help="Manage collections and who may read or write them.\n\nExample: horizonscan collection grant bishkek-team alice --access write", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens.\n\nExample: horizonscan token create alice --label laptop", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(collection_app, name="collection")
app.add_typer(token_app, name="token")


def _accounts():  # type: ignore[no-untyped-def]
    from ..accounts import Accounts

    return Accounts(open_store_or_exit().engine)


def _run(fn, *args):  # type: ignore[no-untyped-def]
    from ..accounts import AccountError

    try:
        return fn(*args)
    except AccountError as exc:
        fail(str(exc), 2)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (put a TLS proxy in front for other hosts)."),
    port: int = typer.Option(8000, help="Port."),
    workers: int = typer.Option(1, min=1, help="uvicorn worker processes: one per core is recommended (rate limits are shared out among them)."),
) -> None:
    """Serve the web workspace and the REST API (/api/v1).

    Example: horizonscan --db horizonscan.db serve --port 8000 --workers 2
    """
    import uvicorn

    os.environ["HORIZONSCAN_DB"] = state.db
    os.environ["HORIZONSCAN_WEB_WORKERS"] = str(workers)  # each process enforces its share of the rate limits
    console.print(f"horizonscan on http://{host}:{port}  (database {state.db}; Ctrl+C to stop)")
    # Forwarding headers are read by the app itself, from HORIZONSCAN_TRUSTED_PROXIES only
    # (uvicorn's own reading would believe any client on 127.0.0.1).
    uvicorn.run("horizonscan.web.server:app", host=host, port=port, workers=workers, proxy_headers=False,
                log_level="info", server_header=False)


@user_app.command("add")
def user_add(
    name: str = typer.Argument(..., help="User name."),
    role: str = typer.Option("reader", help="reader, scanner, editor or admin."),
    password: Optional[str] = typer.Option(None, envvar="HORIZONSCAN_PASSWORD", help="Password (prompted when omitted)."),
    generate: bool = typer.Option(False, "--generate-password", help="Make up a strong password and print it."),
    update: bool = typer.Option(False, "--update", help="If the user exists, set this role and password instead of failing."),
) -> None:
    """Add a user. Example: horizonscan user add alice --role editor"""
    import secrets

    from ..store.accounts import user_by_name

    if generate:
        password = secrets.token_urlsafe(12)
    elif password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    accounts = _accounts()
    if update and user_by_name(accounts.engine, name) is not None:
        _run(accounts.set_role, name, role)
        _run(accounts.set_password, name, password)
        accounts.audit("user-update", None, target=name, detail={"role": role, "via": "cli"})
    else:
        _run(accounts.add_user, name, password, role)
        accounts.audit("user-add", None, target=name, detail={"role": role, "via": "cli"})
    console.print(f"user {name} ({role})" + (f", password: {password}" if generate else ""), highlight=False)


@user_app.command("list")
def user_list() -> None:
    """List users and their roles."""
    for u in _accounts().users():
        console.print(f"{u['name']}\t{u['role']}\t{'active' if u['active'] else 'disabled'}")


@user_app.command("password")
def user_password(name: str, password: Optional[str] = typer.Option(None, envvar="HORIZONSCAN_PASSWORD")) -> None:
    """Set a user's password (ends their sessions)."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    _run(_accounts().set_password, name, password)


@user_app.command("disable")
def user_disable(name: str) -> None:
    """Disable a user: their sessions end and their tokens stop working."""
    accounts = _accounts()
    _run(accounts.deactivate, name)
    accounts.audit("user-disable", None, target=name, detail={"via": "cli"})


@collection_app.command("add")
def collection_add(collection_id: str, name: Optional[str] = typer.Option(None, help="Display name.")) -> None:
    """Create a collection. Example: horizonscan collection add bishkek-team --name "Bishkek team\""""
    accounts = _accounts()
    created = _run(accounts.add_collection, collection_id, name)
    console.print(f"{'created' if created else 'exists'}: {collection_id}")


@collection_app.command("grant")
def collection_grant(
    collection_id: str, user: str,
    access: str = typer.Option("read", help="read, write, or none to remove access."),
) -> None:
    """Let a user read or write a collection. Example: horizonscan collection grant default alice"""
    accounts = _accounts()
    _run(accounts.grant, collection_id, user, None if access == "none" else access)
    accounts.audit("grant" if access != "none" else "revoke", None, target=collection_id, detail={"user": user, "access": access, "via": "cli"})
    console.print(f"{user}: {access} on {collection_id}")


@collection_app.command("list")
def collection_list() -> None:
    """List collections and their members."""
    accounts = _accounts()
    for c in accounts.collections():
        members = ", ".join(f"{m['name']} ({m['access']})" for m in accounts.members(c["id"]))
        console.print(f"{c['id']}\t{c['name']}\t{members}")


@token_app.command("create")
def token_create(user: str, label: str = typer.Option("api", help="What the token is for.")) -> None:
    """Create an API token for a user and print it (it is stored hashed)."""
    accounts = _accounts()
    token = _run(accounts.new_token, user, label)
    accounts.audit("token-create", None, target=label, detail={"user": user, "via": "cli"})
    print(token)
