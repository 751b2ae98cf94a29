"""Nothing the server answers is undocumented: every REST route the app registers under
/api/v1 has its operation in the OpenAPI document, every operation there is a route, every
JSON answer has a schema generated from its view that names its fields, and every Socket.IO
event either way is described in the signaling document."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from server.app import create_app
from server.archive.jobs import JobKind
from server.archive.views import ArchiveJobs
from server.openapi import Document, openapi_document
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


def _vague(schema: object, schemas: dict[str, Any], seen: set[str], at: str) -> list[str]:
    """Where a schema says "an object" without saying which keys it has."""
    if isinstance(schema, list):
        return [v for i, item in enumerate(schema) for v in _vague(item, schemas, seen, at)]
    if not isinstance(schema, dict):
        return []
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.removeprefix("#/components/schemas/")
        if name in seen:
            return []
        seen.add(name)
        return _vague(schemas[name], schemas, seen, name)
    found = []
    if schema.get("type") == "object" and not {"properties", "additionalProperties"} & set(schema):
        found.append(at)
    for key, value in schema.items():
        if key not in ("enum", "const", "examples", "default"):
            found += _vague(value, schemas, seen, f"{at}/{key}")
    return found


def test_every_json_answer_is_described_by_a_schema_that_names_its_fields() -> None:
    document = openapi_document("http://court.example")
    schemas = document["components"]["schemas"]
    checked = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if not status.startswith("2") or status == "204":
                    continue
                content = response.get("content", {})
                assert content, (method, path, status, "an answer without content")
                for media, described in content.items():
                    if media != "application/json":
                        assert described["schema"] == {"type": "string", "format": "binary"}
                        continue
                    schema = described.get("schema")
                    assert schema, (method, path, status, "a JSON answer without a schema")
                    # A view by name: the handler builds that TypedDict, the page's types
                    # (web/js/lib/rest-types.js) name it, never an object written in place.
                    assert set(schema) == {"$ref"}, (method, path, status, "not a named view")
                    where = f"{method} {path} {status}"
                    assert _vague(schema, schemas, set(), where) == [], "objects of no shape"
                    checked += 1
    assert checked > 40


def test_a_json_operation_cannot_be_documented_without_its_answers_schema() -> None:
    with pytest.raises(ValueError, match="readAnything"):
        Document().operation("get", "/anything", "readAnything", "Anything")


def test_the_archive_jobs_view_has_one_job_of_each_kind() -> None:
    assert set(ArchiveJobs.__annotations__) == {kind.value for kind in JobKind}


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
