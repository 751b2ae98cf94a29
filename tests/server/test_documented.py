"""Nothing the server answers is undocumented: every REST route the app registers under
/api/v1 has its operation in the OpenAPI document, every operation there is a route, and
every Socket.IO event either way is described in the signaling document."""

from __future__ import annotations

import re
from pathlib import Path

from server.app import create_app
from server.openapi import openapi_document
from server.settings import Settings
from signaling.events import ClientEvent, ServerEvent

API = "/api/v1"
METHODS = {"get", "post", "put", "patch", "delete"}
# The description of the API is served by the API; it does not describe itself.
SELF = {("get", f"{API}/openapi.json")}
SIGNALING_DOCUMENT = Path(__file__).parents[2] / "signaling" / "SIGNALING.md"


def _registered(settings: Settings) -> set[tuple[str, str]]:
    routes = set()
    for route in create_app(settings).router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter")
        method = route.method.lower()
        if isinstance(path, str) and path.startswith(API + "/") and method in METHODS:
            routes.add((method, path))
    return routes


def _documented() -> set[tuple[str, str]]:
    document = openapi_document("http://court.example")
    (server,) = document["servers"]
    assert server["url"].endswith(API)
    return {
        (method, API + path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in METHODS
    }


def test_every_api_route_is_in_the_openapi_document_and_nothing_else_is(
    settings: Settings,
) -> None:
    registered = _registered(settings) - SELF
    documented = _documented()
    assert len(registered) > 40  # the routes were found, not an empty router
    assert sorted(registered - documented) == [], "routes the OpenAPI document does not describe"
    assert sorted(documented - registered) == [], "operations the server does not serve"


def test_every_signaling_event_is_described_in_the_signaling_document() -> None:
    text = SIGNALING_DOCUMENT.read_text(encoding="utf-8")
    described = set(re.findall(r"`([a-z_]+)`", text))
    events = {event.value for event in (*ClientEvent, *ServerEvent)}
    assert sorted(events - described) == []


def test_every_file_the_architectures_concept_table_names_exists() -> None:
    root = Path(__file__).parents[2]
    text = (root / "ARCHITECTURE.md").read_text(encoding="utf-8")
    table = text.split("## Where each concept lives", 1)[1].split("\n## ", 1)[0]
    named = {p for p in re.findall(r"`([\w./*-]+)`", table) if "/" in p}
    assert len(named) > 40
    assert sorted(p for p in named if not list(root.glob(p))) == []
