"""``python -m audits users add|list|set-role|deactivate|activate|password|unlock``.

Passwords are never command-line arguments (they would end up in the shell history and the
process list): they are read with a hidden prompt from a terminal, or as one line from stdin
(``printf '%s\\n' "$PW" | python -m audits users add anna --role manager``).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from sqlalchemy import Engine

from accounts.auth import (
    ACCOUNT_ROLES,
    CONSOLE,
    create_user,
    get_user,
    list_users,
    set_active,
    set_password,
    set_role,
    unlock_user,
)
from base.errors import InvalidInput
from base.i18n import N_
from cli.common import EXIT_OK, Command
from storage.db import session_scope


def read_password(*, confirm: bool = True) -> str:
    """A hidden prompt (twice) on a terminal; otherwise the first line of stdin."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("Password (at least 12 characters): ")
        if confirm and getpass.getpass("Repeat the password: ") != first:
            raise InvalidInput(
                N_("The two passwords differ; nothing was changed.")
            )
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise InvalidInput(
            N_("No password given: type it at the prompt, or pipe one line into stdin."),
        )
    return line.rstrip("\r\n")


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="users_command", required=True, parser_class=type(p))
    add = sub.add_parser("add", help="add an account (the password is prompted for or read from stdin)")
    add.add_argument("name", help="login name: a–z, 0–9, . _ - @ (case does not matter)")
    add.add_argument("--role", required=True, choices=ACCOUNT_ROLES)
    add.add_argument("--email", help="e-mail address for single sign-on (st.login)")
    add.add_argument(
        "--sso-only", action="store_true", help="no password: the account signs in only by single sign-on"
    )
    lst = sub.add_parser("list", help="list the accounts")
    lst.add_argument("--json", action="store_true")
    role = sub.add_parser("set-role", help="change an account's role (applies on the user's next click)")
    role.add_argument("name")
    role.add_argument("role", choices=ACCOUNT_ROLES)
    for name, text in (("deactivate", "block an account"), ("activate", "unblock an account")):
        sub.add_parser(name, help=text).add_argument("name")
    sub.add_parser("password", help="set a new password (prompted for or read from stdin)").add_argument(
        "name"
    )
    sub.add_parser(
        "unlock", help="forget an account's failed logins, so it can sign in at once (after guessing)"
    ).add_argument("name")


def _add(args: argparse.Namespace, engine: Engine) -> int:
    if args.sso_only and not args.email:
        raise InvalidInput(
            N_("--sso-only needs --email: single sign-on finds the account by its e-mail address."),
        )
    password = None if args.sso_only else read_password()
    with session_scope(engine) as session:
        user = create_user(
            session, actor=CONSOLE, name=args.name, role=args.role, password=password, email=args.email
        )
    print(f"Added {user.role} {user.name!r}" + (f" <{user.email}>" if user.email else "") + ".")
    return EXIT_OK


def _list(args: argparse.Namespace, engine: Engine) -> int:
    with session_scope(engine, read_only=True) as session:
        users = list_users(session, actor=CONSOLE)
    if args.json:
        rows = [
            {"name": u.name, "role": u.role, "email": u.email, "active": u.active, "password": u.has_password}
            for u in users
        ]
        print(json.dumps(rows, ensure_ascii=False))
        return EXIT_OK
    if not users:
        print("No accounts yet. Add one: python -m audits users add NAME --role admin")
    for u in users:
        state = "active" if u.active else "deactivated"
        login = "password" if u.has_password else "single sign-on only"
        print(f"{u.name}\t{u.role}\t{u.email or '-'}\t{state}\t{login}")
    return EXIT_OK


def _unlock(args: argparse.Namespace, engine: Engine) -> int:
    with session_scope(engine) as session:
        user = get_user(session, name=args.name)
        cleared = unlock_user(session, actor=CONSOLE, name=user.name)
    print(f"Forgot {cleared} failed logins of {user.name!r}; the account can sign in again now.")
    return EXIT_OK


def _change(args: argparse.Namespace, engine: Engine) -> int:
    new_password = read_password() if args.users_command == "password" else None
    with session_scope(engine) as session:
        user = get_user(session, name=args.name)
        if args.users_command == "set-role":
            user = set_role(session, actor=CONSOLE, user_id=user.id, role=args.role)
            message = f"{user.name!r} is now {user.role}."
        elif args.users_command == "password":
            assert new_password is not None
            user = set_password(session, actor=CONSOLE, user_id=user.id, password=new_password)
            message = f"New password set for {user.name!r}."
        else:
            active = args.users_command == "activate"
            user = set_active(session, actor=CONSOLE, user_id=user.id, active=active)
            message = f"{user.name!r} is {'active' if active else 'deactivated'}."
    print(message)
    return EXIT_OK


def run(args: argparse.Namespace, engine: Engine) -> int:
    if args.users_command == "add":
        return _add(args, engine)
    if args.users_command == "list":
        return _list(args, engine)
    if args.users_command == "unlock":
        return _unlock(args, engine)
    return _change(args, engine)


USERS = Command("users", "manage accounts and roles", add_arguments, run)
