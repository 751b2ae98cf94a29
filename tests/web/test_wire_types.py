"""The browser's types of the wire shapes are the server's declarations:
web/js/lib/wire-types.js is exactly what server/web_types.py renders from
signaling/messages.py and signaling/live/notices.py (every command and every notification has
its payload type there), and web/js/lib/rest-types.js what server/rest_types.py renders from
the OpenAPI document's views (every JSON operation has its answer type there). Regenerate with
``.venv/bin/python -m server.web_types`` and ``.venv/bin/python -m server.rest_types``."""

from __future__ import annotations

from server import rest_types
from server.openapi import openapi_document
from server.web_types import DOCUMENT, TARGET, payload_models, render, render_document
from signaling.events import ClientEvent, ServerEvent
from signaling.live.notices import NOTICES


def test_the_pages_command_types_are_generated_from_the_servers_models() -> None:
    assert TARGET.read_text(encoding="utf-8") == render(), (
        "web/js/lib/wire-types.js is stale: run .venv/bin/python -m server.web_types"
    )


def test_every_client_command_has_a_payload_type() -> None:
    models = payload_models()
    assert list(models) == list(ClientEvent)
    text = render()
    for event, model in models.items():
        assert f"{event.value}: {model.__name__}" in text
        assert f"}} {model.__name__} (the payload of " in text


def test_every_notification_has_its_payload_type() -> None:
    """Each ServerEvent has a declared payload (signaling.live.notices), rendered for the
    page; tests/signaling/conftest.py checks what a real hearing sends against the same."""
    assert set(NOTICES) == set(ServerEvent)
    text = render()
    for event, shape in NOTICES.items():
        assert f"{event.value}: {shape.__name__}" in text
        assert "(the payload of " in text.split(f"}} {shape.__name__} ", 1)[1].split("\n")[0]
    assert "} JoinAck */" in text


def test_the_signaling_documents_shapes_are_generated_from_the_same() -> None:
    document = DOCUMENT.read_text(encoding="utf-8")
    assert document == render_document(document), (
        "signaling/SIGNALING.md's shapes are stale: run .venv/bin/python -m server.web_types"
    )


def test_the_pages_rest_types_are_generated_from_the_servers_views() -> None:
    assert rest_types.TARGET.read_text(encoding="utf-8") == rest_types.render(), (
        "web/js/lib/rest-types.js is stale: run .venv/bin/python -m server.rest_types"
    )


def test_every_json_operation_has_its_answer_type() -> None:
    """Each operation that answers JSON or nothing is in RestAnswers under its method and
    path, typed by the view its handler builds; one that answers a file is not (pages link
    to it)."""
    document = openapi_document("")
    text = rest_types.render()
    answered = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            name = f'"{method.upper()} /api/v1{path}": '
            media = {
                kind
                for status, response in operation["responses"].items()
                if status.startswith("2")
                for kind in response.get("content", {})
            }
            answers_a_file = bool(media - {"application/json"})
            assert (name in text) is not answers_a_file, name
            answered += name in text
    assert answered > 40
    for view in ("HearingList", "Hearing", "Session", "ArchivedRecord", "AuditPage", "Role"):
        assert f"}} {view} */" in text
