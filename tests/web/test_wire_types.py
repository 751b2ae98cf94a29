"""The browser's types of the signaling commands are the server's models:
web/js/lib/wire-types.js is exactly what server/web_types.py renders from
signaling/messages.py, and every client command has its payload type there. Regenerate with
``.venv/bin/python -m server.web_types``."""

from __future__ import annotations

from server.web_types import TARGET, payload_models, render
from signaling.events import ClientEvent


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
