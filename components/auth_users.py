"""Users from a file outside git, password hashing (scrypt, stdlib) and the OIDC switch (no Streamlit).

Users live in `.streamlit/secrets.toml` under `[auth.users.<name>]`, or in a separate TOML file
(`auth.toml` at the project root, or the path in $DASHBOARD_AUTH_FILE) under `[users.<name>]`:

    [users.lishu]
    display_name = "Li Shuji"      # shown in the sidebar (any language)
    role = "township_leader"            # province_leader / city_leader / county_leader / township_leader /
                                        # department_head / case_officer / briefing / data_admin / unit_reporter /
                                        # big_screen (the meeting room's wall: counts only, never idles out)
    areas = ["429999101000"]            # 12-digit codes at the role's level (a city leader: the city's)
    personal_detail = false             # township leaders only: true shows names and ID numbers
    unit = "fpb"                        # department heads and unit reporters (required): their own unit's code
    password_hash = "scrypt$16384$8$1$..."  # `python -m db hash-password`
    email = "lishu@example.gov.cn"      # optional: matched only when the provider says it is verified
    oidc_subject = "248289761001"       # optional: the provider's `sub` claim; matched before any email
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from db.passwords import hash_password, verify_password

AUTH_FILE_ENV = "DASHBOARD_AUTH_FILE"
DEFAULT_AUTH_FILE = Path(__file__).resolve().parent.parent / "auth.toml"
_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
# Settings of Streamlit's own st.login (OIDC); any of them present means the site uses a provider.
_OIDC_KEYS = ("client_id", "server_metadata_url")


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
    subject: str | None = None  # the OIDC provider's `sub` for this person


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
    if role == "unit_reporter" and not raw.get("unit"):
        raise ValueError(f"user {name}: a unit_reporter needs the code of its unit")
    return UserRecord(name=name, display_name=str(raw.get("display_name") or name), role=role,
                      areas=tuple(areas), unit=raw.get("unit") or None,
                      personal_detail=None if detail is None else bool(detail),
                      password_hash=raw.get("password_hash") or None, email=raw.get("email") or None,
                      subject=str(raw["oidc_subject"]) if raw.get("oidc_subject") else None)


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


def _verified(claims: Mapping[str, Any]) -> bool:
    # Some providers send the claim as the string "true"; anything else (absent, false) is unverified.
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def user_for_identity(config: UserConfig, claims: Mapping[str, Any]) -> UserRecord | None:
    """The configured user an OIDC identity belongs to: by the provider's subject, else by a verified email.

    An email the provider has not verified proves nothing (many providers let anyone type one in),
    so it never signs anybody in.
    """
    subject = claims.get("sub")
    if subject:
        by_subject = [user for user in config.users.values() if user.subject and user.subject == str(subject)]
        if len(by_subject) == 1:
            return by_subject[0]
    if not _verified(claims):
        return None
    # A user with a configured subject is that subject only: the email is no second way in.
    by_email = user_by_email(config, claims.get("email"))
    return by_email if by_email is not None and not by_email.subject else None
