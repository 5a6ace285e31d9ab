"""A small reader of nginx configuration files (blocks and directives) and a runner for the shipped one."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED = REPO_ROOT / "deploy" / "nginx" / "dashboard.conf"
# Where the install steps put the shared snippet; the shipped copy sits beside dashboard.conf.
SNIPPETS = "/etc/nginx/snippets/"
_TOKEN = re.compile(r'#[^\n]*|"(?:[^"\\]|\\.)*"|\'[^\']*\'|[{};]|[^\s{};#]+')


@dataclass
class Block:
    """A directive with its arguments, and the directives inside its braces (if any)."""

    name: str
    args: list[str]
    children: list["Block"] = field(default_factory=list)

    def find(self, name: str) -> list["Block"]:
        """Directly contained directives of that name."""
        return [child for child in self.children if child.name == name]

    def values(self, name: str) -> list[list[str]]:
        """The arguments of each directly contained directive of that name."""
        return [child.args for child in self.find(name)]


def parse(text: str) -> Block:
    """The configuration as a tree of blocks; comments dropped, quotes kept out of values."""
    tokens = [token for token in _TOKEN.findall(text) if not token.startswith("#")]
    root = Block("main", [])
    stack, words = [root], []
    for token in tokens:
        if token == "{":
            block = Block(words[0], words[1:])
            stack[-1].children.append(block)
            stack.append(block)
            words = []
        elif token == ";":
            stack[-1].children.append(Block(words[0], words[1:]))
            words = []
        elif token == "}":
            stack.pop()
        else:
            words.append(token.strip("'\""))
    assert len(stack) == 1 and not words, "unbalanced braces or a directive without ';'"
    return root


def shipped_text() -> str:
    """dashboard.conf with its `include` of the shipped snippets written out in place, as nginx reads it."""
    text = SHIPPED.read_text(encoding="utf-8")
    return re.sub(rf"include {re.escape(SNIPPETS)}([\w.-]+);",
                  lambda found: (SHIPPED.parent / found.group(1)).read_text(encoding="utf-8"), text)


def inherited(name: str, *blocks: Block) -> list[list[str]]:
    """A directive's arguments as nginx applies them in the innermost block: its own, else its parent's."""
    for block in blocks:
        if block.find(name):
            return block.values(name)
    return []


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate and key for 127.0.0.1 (openssl)."""
    cert, key = folder / "dashboard.crt", folder / "dashboard.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def local_copy(folder: Path, app_port: int = 8501, http_port: int = 80, https_port: int = 443) -> Path:
    """The shipped file made runnable unprivileged in folder: own certificate, ports and temp paths.

    Only the certificate paths, the listen ports, the upstream processes and the install folder
    change; every location and header is the shipped one (the snippet written out in place). Returns the path of an nginx.conf that includes it.
    """
    cert, key = self_signed_certificate(folder)
    text = shipped_text().replace("/opt/dashboard/", f"{REPO_ROOT}/")
    text = text.replace("/etc/nginx/tls/dashboard.crt", str(cert)).replace("/etc/nginx/tls/dashboard.key", str(key))
    # The upstream group: the one app process under test instead of the shipped two.
    servers = re.findall(r"^ *server 127\.0\.0\.1:\d+[^;]*;\n", text, flags=re.MULTILINE)
    text = text.replace(servers[0], f"    server 127.0.0.1:{app_port};\n")
    for extra in servers[1:]:
        text = text.replace(extra, "")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};").replace(
        "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    (folder / "dashboard.conf").write_text(text, encoding="utf-8")
    temp = "".join(f"    {kind}_temp_path {folder / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = folder / "nginx.conf"
    main.write_text(f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\nevents {{}}\n"
                    f"http {{\n    access_log {folder / 'access.log'};\n{temp}    include {folder / 'dashboard.conf'};\n}}\n",
                    encoding="utf-8")
    return main


def nginx_binary() -> str | None:
    """Debian's nginx (`apt-get install nginx`), if installed."""
    return shutil.which("nginx") or (str(Path("/usr/sbin/nginx")) if Path("/usr/sbin/nginx").exists() else None)
