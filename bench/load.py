"""Load: real Streamlit sessions over websockets, signing in as different users and moving between pages.

    python -m bench.load users --db URL --out DIR [--count 50]     # users for the server (auth.toml)
    python -m bench.load --url http://127.0.0.1:8080 --users DIR/bench-users.json --sessions 50 --minutes 5
                         [--think 2-6] [--kill-after 60 --kill-command "scripts/cluster.sh kill-app 8601"]

Each session speaks Streamlit's own protocol, as the browser does: a websocket to /_stcore/stream,
BackMsg rerun_script (ClientState: page, query string, widget states) out, ForwardMsg deltas in
until script_finished. It signs in through the sign-in form (the form's widget ids come from the
deltas), then opens the pages a township leader may open, at its own township, with think time.
A session's rerun time is from sending rerun_script to script_finished.

Reported: per page p50/p95 rerun seconds, errors (exception elements, a page that never finishes, a
lost connection outside a planned kill) and crossovers: a session that received the name of a
township or village outside its own township (another user's area) or a household of another
township. With --kill-after the command runs once mid-run (kill one app process): the sessions it
served lose their websocket, reconnect through nginx (the same routing cookie; nginx passes them to
the next process), sign in again and go on; reconnects and re-sign-ins are counted, not errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import websockets
from sqlalchemy import select
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from db.engine import make_engine
from db.passwords import hash_password
from db.schema import area
from labels import t

PAGES = ("overview", "drill", "map", "risk", "tasks", "trends", "signals")
RERUN_TIMEOUT = 120.0
CONNECT_TIMEOUT = 30.0


# ---------------------------------------------------------------- users for the server under test

def write_users(db: str, out: Path, count: int) -> Path:
    """Township leaders load01…, each given a township round robin; auth.toml for the server, JSON for the bench."""
    engine = make_engine(db)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(area.c.code, area.c.name, area.c.level, area.c.parent_code)
                                      .where(area.c.level.in_(("township", "village")))).all()
    finally:
        engine.dispose()
    townships = sorted((r.code, r.name) for r in rows if r.level == "township")
    villages: dict[str, list[str]] = {}
    for r in rows:
        if r.level == "village":
            villages.setdefault(r.parent_code, []).append(r.name)
    out.mkdir(parents=True, exist_ok=True)
    users, toml = [], []
    for i in range(count):
        code, name = townships[i % len(townships)]
        user, password = f"load{i + 1:02d}", secrets.token_urlsafe(12)
        users.append({"name": user, "password": password, "township": code, "township_name": name,
                      "villages": sorted(villages.get(code, []))})
        toml += [f"[users.{user}]", f'display_name = "{user}"', 'role = "township_leader"',
                 f'areas = ["{code}"]', f'password_hash = "{hash_password(password)}"', ""]
    (out / "auth.toml").write_text("\n".join(toml), encoding="utf-8")
    users_file = out / "bench-users.json"
    users_file.write_text(json.dumps({"users": users, "townships": [n for _c, n in townships]},
                                     ensure_ascii=False, indent=1), encoding="utf-8")
    return users_file


# ---------------------------------------------------------------- one session

@dataclass
class Result:
    """What one session saw."""

    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    crossovers: list[str] = field(default_factory=list)
    reconnects: int = 0
    sign_ins: int = 0


class Session:
    """One browser tab's worth of Streamlit protocol."""

    def __init__(self, base: str, user: dict, foreign: list[str]) -> None:
        self.base, self.user, self.foreign = base, user, foreign
        self.route = secrets.token_hex(16)  # nginx's routing cookie: this tab's process
        self.node: str | None = None
        self.ws = None
        self.result = Result()

    async def connect(self) -> None:
        parts = urlsplit(self.base)
        scheme = "wss" if parts.scheme == "https" else "ws"
        cookie = f"dashboard_route={self.route}" + (f"; dashboard_node={self.node}" if self.node else "")
        self.ws = await asyncio.wait_for(websockets.connect(
            f"{scheme}://{parts.netloc}/_stcore/stream", subprotocols=["streamlit"], origin=self.base,
            additional_headers={"Cookie": cookie}, max_size=None,
            open_timeout=CONNECT_TIMEOUT, ping_interval=None), CONNECT_TIMEOUT)
        # Keep the process nginx names (cookie dashboard_node), as a browser does.
        for header in self.ws.response.headers.get_all("Set-Cookie"):
            if header.startswith("dashboard_node="):
                self.node = header.split(";", 1)[0].split("=", 1)[1]

    async def rerun(self, page: str, query: str = "", widgets: list | None = None) -> tuple[float, list[ForwardMsg]]:
        """Ask for a run of page; (seconds until it finished, the messages of its last run)."""
        message = BackMsg()
        message.rerun_script.query_string = query
        message.rerun_script.page_name = page
        for widget in widgets or []:
            message.rerun_script.widget_states.widgets.append(widget)
        started = time.monotonic()
        await self.ws.send(message.SerializeToString())
        received: list[ForwardMsg] = []
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), RERUN_TIMEOUT)
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            received.append(forward)
            self._check(forward, raw, page)
            if forward.WhichOneof("type") == "script_finished":
                if forward.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    received = []  # the app reran itself (sign-in, navigation): the page's run follows
                    continue
                return time.monotonic() - started, received

    def _check(self, forward: ForwardMsg, raw: bytes, page: str) -> None:
        if forward.WhichOneof("type") == "delta" and forward.delta.new_element.WhichOneof("type") == "exception":
            self.result.errors.append(f"{page}: exception {forward.delta.new_element.exception.message[:120]}")
        text = raw.decode("utf-8", errors="ignore")
        for name in self.foreign:
            if name in text:
                self.result.crossovers.append(f"{self.user['name']} ({self.user['township_name']}) got {name} on {page}")

    async def sign_in(self) -> None:
        """Open the app, fill the sign-in form from its deltas and submit it."""
        _seconds, messages = await self.rerun("")
        ids = {}
        for forward in messages:
            element = forward.delta.new_element
            kind = element.WhichOneof("type")
            if kind == "text_input":
                ids[element.text_input.label] = element.text_input.id
            elif kind == "button" and element.button.is_form_submitter:
                ids["submit"] = element.button.id
        if t("auth.user_name") not in ids or "submit" not in ids:
            raise RuntimeError("no sign-in form")
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        name, password, submit = WidgetState(), WidgetState(), WidgetState()
        name.id, name.string_value = ids[t("auth.user_name")], self.user["name"]
        password.id, password.string_value = ids[t("auth.password")], self.user["password"]
        submit.id, submit.trigger_value = ids["submit"], True
        _seconds, messages = await self.rerun("", widgets=[name, password, submit])
        if any(forward.delta.new_element.WhichOneof("type") == "text_input"
               and forward.delta.new_element.text_input.label == t("auth.password") for forward in messages):
            raise RuntimeError("sign-in refused")
        self.result.sign_ins += 1

    async def run(self, until: float, think: tuple[float, float], planned_kill: asyncio.Event) -> Result:
        """Sign in, then visit pages until the deadline; reconnect (and sign in again) on a lost link."""
        pages = list(PAGES)
        random.shuffle(pages)
        index = 0
        connected = False
        while time.monotonic() < until:
            try:
                if not connected:
                    await self.connect()
                    await self.sign_in()
                    connected = True
                page = pages[index % len(pages)]
                seconds, _messages = await self.rerun(page, f"area={self.user['township']}")
                self.result.times.setdefault(page, []).append(seconds)
                index += 1
                await asyncio.sleep(random.uniform(*think))
            except (websockets.ConnectionClosed, OSError, asyncio.TimeoutError, RuntimeError) as error:
                connected = False
                if planned_kill.is_set() and not isinstance(error, (asyncio.TimeoutError, RuntimeError)):
                    self.result.reconnects += 1
                else:
                    self.result.errors.append(f"{self.user['name']}: {type(error).__name__} {error}"[:200])
                await asyncio.sleep(1)
        if self.ws is not None:
            await self.ws.close()
        return self.result


# ---------------------------------------------------------------- the run

async def drive(base: str, users: dict, sessions: int, minutes: float, think: tuple[float, float],
                kill_after: float | None, kill_command: str | None) -> list[Result]:
    """Start the sessions a little apart, optionally kill a process mid-run, gather the results."""
    until = time.monotonic() + minutes * 60
    planned_kill = asyncio.Event()
    everyone = users["users"]
    tasks = []
    for i in range(sessions):
        user = everyone[i % len(everyone)]
        own = {user["township_name"], *user["villages"]}
        foreign = [name for other in everyone if other["township"] != user["township"]
                   for name in (other["township_name"], *other["villages"])
                   if not any(name in mine for mine in own)]
        tasks.append(asyncio.create_task(Session(base, user, sorted(set(foreign))).run(until, think, planned_kill)))
        await asyncio.sleep(0.2)
    if kill_after is not None and kill_command:
        await asyncio.sleep(max(0.0, kill_after - 0.2 * sessions))
        planned_kill.set()
        print(f"load: running {kill_command!r}", file=sys.stderr)
        subprocess.run(shlex.split(kill_command), check=False)
    return await asyncio.gather(*tasks)


def report(results: list[Result], sessions: int, minutes: float) -> dict:
    """Per page p50/p95 and the totals."""
    pages: dict[str, list[float]] = {}
    for result in results:
        for page, times in result.times.items():
            pages.setdefault(page, []).extend(times)
    rows = {}
    for page, times in sorted(pages.items()):
        ordered = sorted(times)
        rows[page] = {"runs": len(ordered), "p50": round(statistics.median(ordered), 2),
                      "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2)}
    every = sorted(x for times in pages.values() for x in times)
    return {"sessions": sessions, "minutes": minutes, "pages": rows,
            "all_p95": round(every[int(0.95 * (len(every) - 1))], 2) if every else None,
            "runs": len(every), "errors": [e for r in results for e in r.errors],
            "crossovers": sorted({c for r in results for c in r.crossovers}),
            "reconnects": sum(r.reconnects for r in results),
            "sign_ins": sum(r.sign_ins for r in results)}


def main(argv: list[str] | None = None) -> int:
    """`users` writes the bench users; otherwise run the load and print the report (exit 1 on errors)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["users"]:
        parser = argparse.ArgumentParser(prog="python -m bench.load users")
        parser.add_argument("--db", required=True)
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--count", type=int, default=50)
        args = parser.parse_args(argv[1:])
        print(write_users(args.db, args.out, args.count))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--url", required=True, help="the app (through nginx), e.g. http://127.0.0.1:8080")
    parser.add_argument("--users", required=True, type=Path, help="bench-users.json of `python -m bench.load users`")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--think", default="2-6", help="seconds between page changes, MIN-MAX (default 2-6)")
    parser.add_argument("--kill-after", type=float, default=None, help="seconds into the run to run --kill-command")
    parser.add_argument("--kill-command", default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the report here")
    args = parser.parse_args(argv)
    low, high = (float(x) for x in args.think.split("-"))
    users = json.loads(args.users.read_text(encoding="utf-8"))
    started = time.monotonic()
    results = asyncio.run(drive(args.url.rstrip("/"), users, args.sessions, args.minutes, (low, high),
                                args.kill_after, args.kill_command))
    summary = report(results, args.sessions, args.minutes)
    summary["wall_seconds"] = round(time.monotonic() - started, 1)
    text = json.dumps(summary, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)  # bench/results/ is git-ignored: absent in a clone
        args.json.write_text(text, encoding="utf-8")
    return 1 if summary["errors"] or summary["crossovers"] else 0


if __name__ == "__main__":
    sys.exit(main())
