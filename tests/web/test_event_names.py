"""The browser and the server spell every Socket.IO event the same way."""

from __future__ import annotations

import re
from pathlib import Path

from signaling import events

EVENTS_JS = Path(__file__).resolve().parents[2] / "web" / "js" / "events.js"


def _js_object(source: str, name: str) -> dict[str, str]:
    match = re.search(
        rf"export\s+const\s+{name}\s*=\s*Object\.freeze\(\{{(?P<body>.*?)\}}\);",
        source,
        re.DOTALL,
    )
    assert match is not None, f"{name} is not declared in {EVENTS_JS.name}"
    body = match.group("body")
    pairs = re.findall(r'^\s*([A-Z][A-Z0-9_]*)\s*:\s*"([^"]*)"\s*,?\s*$', body, re.MULTILINE)
    # Every non-blank line must be a KEY: "value" pair, so nothing slips past the regex.
    lines = [line for line in body.splitlines() if line.strip()]
    assert len(pairs) == len(lines), f'{name} has lines that are not KEY: "value"'
    return dict(pairs)


def test_client_events_in_the_browser_equal_the_server_ones() -> None:
    source = EVENTS_JS.read_text(encoding="utf-8")
    expected = {member.name: member.value for member in events.ClientEvent}
    assert _js_object(source, "ClientEvent") == expected


def test_server_events_in_the_browser_equal_the_server_ones() -> None:
    source = EVENTS_JS.read_text(encoding="utf-8")
    expected = {member.name: member.value for member in events.ServerEvent}
    assert _js_object(source, "ServerEvent") == expected


def test_the_namespace_in_the_browser_equals_the_server_one() -> None:
    source = EVENTS_JS.read_text(encoding="utf-8")
    match = re.search(r'export\s+const\s+NAMESPACE\s*=\s*"([^"]*)"\s*;', source)
    assert match is not None
    assert match.group(1) == events.NAMESPACE
