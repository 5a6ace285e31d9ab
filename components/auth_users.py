"""Users from a file outside git, password hashing (scrypt, stdlib) and the OIDC switch (no Streamlit).

Users live in `.streamlit/secrets.toml` under `[auth.users.<name>]`, or in a separate TOML file
(`auth.toml` at the project root, or the path in $DASHBOARD_AUTH_FILE) under `[users.<name>]`:

    [users.lishu]
    display_name = "Li Shuji"      # shown in the sidebar (any language)
    role = "township_leader"            # county_leader / township_leader / department_head / case_officer / briefing
    areas = ["429999101000"]            # 12-digit codes at the role's level
    personal_detail = false             # township leaders only: true shows names and ID numbers
    unit = "fpb"                        # department heads: their own unit's code
    password_hash = "scrypt$16384$8$1$..."  # `python -m db hash-password`
    email = "lishu@example.gov.cn"      # optional: the identity an OIDC provider reports
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

AUTH_FILE_ENV = "DASHBOARD_AUTH_FILE"
DEFAULT_AUTH_FILE = Path(__file__).resolve().parent.parent / "auth.toml"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
# Settings of Streamlit's own st.login (OIDC); any of them present means the site uses a provider.
_OIDC_KEYS = ("client_id", "server_metadata_url")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash, as one self-describing string: scrypt$n$r$p$salt$hash (base64)."""
    if not password:
        raise ValueError("empty password")
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    encode = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${encode(salt)}${encode(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """True when password matches the stored hash; compared in constant time, False on any malformation."""
    try:
        kind, n, r, p, salt, digest = (stored or "").split("$")
        if kind != "scrypt" or int(n) > 2**20:  # refuse a hash that would make verifying a DoS
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt, validate=True),
                                n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Verifying an unknown user still costs one scrypt run, so timing does not reveal who exists.
_DUMMY_HASH = hash_password("unused", salt=b"\0" * 16)


@dataclass(frozen=True)
class UserRecord:
    """A configured user: role, assigned areas and unit, password hash and OIDC identity."""

    name: str
    display_name: str
    role: str
    areas: tuple[str, ...] = ()
    unit: str | None = None
    personal_detail: bool | None = None
    password_hash: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class UserConfig:
    """All configured users, where they came from, what was wrong, and whether OIDC is on."""

    users: dict[str, UserRecord]
    sources: tuple[str, ...]
    problems: tuple[str, ...]
    oidc: bool

    @property
    def configured(self) -> bool:
        """True when any user or an identity provider is configured (no sample sign-in then)."""
        return bool(self.users) or self.oidc


def _record(name: str, raw: Mapping[str, Any], roles: frozenset[str]) -> UserRecord:
    if not _NAME.fullmatch(name):
        raise ValueError(f"user name {name!r}: letters, digits, _ . - only")
    role = str(raw.get("role", ""))
    if role not in roles:
        raise ValueError(f"user {name}: unknown role {role!r}")
    areas = raw.get("areas", ())
    if isinstance(areas, str) or not all(isinstance(code, str) for code in areas):
        raise ValueError(f"user {name}: areas must be a list of 12-digit codes")
    detail = raw.get("personal_detail")
    return UserRecord(name=name, display_name=str(raw.get("display_name") or name), role=role,
                      areas=tuple(areas), unit=raw.get("unit") or None,
                      personal_detail=None if detail is None else bool(detail),
                      password_hash=raw.get("password_hash") or None, email=raw.get("email") or None)


def auth_file_path(environ: Mapping[str, str]) -> Path:
    """The users file: $DASHBOARD_AUTH_FILE, or auth.toml at the project root."""
    return Path(environ.get(AUTH_FILE_ENV) or DEFAULT_AUTH_FILE)


def load_users(secrets: Mapping[str, Any], environ: Mapping[str, str], roles: frozenset[str]) -> UserConfig:
    """Read users from the secrets' [auth.users] and the users file; a broken entry is left out and reported."""
    tables: list[tuple[str, Mapping[str, Any]]] = []
    auth_section = secrets.get("auth") or {}
    if auth_section.get("users"):
        tables.append(("secrets.toml [auth.users]", auth_section["users"]))
    problems: list[str] = []
    path = auth_file_path(environ)
    if path.is_file():
        try:
            with open(path, "rb") as handle:
                tables.append((str(path), tomllib.load(handle).get("users") or {}))
        except (OSError, tomllib.TOMLDecodeError) as error:
            problems.append(f"{path}: {error}")
    elif environ.get(AUTH_FILE_ENV):
        problems.append(f"{path}: not found")
    users: dict[str, UserRecord] = {}
    for source, table in tables:
        for name, raw in table.items():
            try:
                record = _record(name, raw if isinstance(raw, Mapping) else {}, roles)
            except ValueError as error:
                problems.append(f"{source}: {error}")
                continue
            if name in users:
                problems.append(f"{source}: user {name} is defined twice; the first definition is kept")
                continue
            users[name] = record
    oidc = any(auth_section.get(key) for key in _OIDC_KEYS) or any(
        isinstance(value, Mapping) and any(value.get(key) for key in _OIDC_KEYS)
        for key, value in auth_section.items() if key != "users")
    return UserConfig(users, tuple(source for source, _ in tables), tuple(problems), oidc)


def check_password(config: UserConfig, name: str, password: str) -> UserRecord | None:
    """The user when name and password match, else None (same cost whether or not the name exists)."""
    record = config.users.get(name)
    matches = verify_password(password, record.password_hash if record and record.password_hash else _DUMMY_HASH)
    return record if record is not None and record.password_hash and matches else None


def user_by_email(config: UserConfig, email: str | None) -> UserRecord | None:
    """The configured user an OIDC identity (email) belongs to, if any."""
    if not email:
        return None
    matches = [user for user in config.users.values() if user.email and user.email.lower() == email.lower()]
    return matches[0] if len(matches) == 1 else None
