"""Every answer the server tests get is checked against the OpenAPI document.

Schemathesis calls each operation with generated input, and most of those answers are
refusals; the server tests drive every route into its real answers (an archived hearing's
record, a signed protocol, a verified audit log). This checks each of those: a 2xx answer
must be a status the operation documents, with the content type it documents, and a JSON
body its schema admits (unknown keys included: the views are closed); an error must be a
problem document. A mismatch fails the test that got the answer, at its teardown.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any
from urllib.parse import quote

import jsonschema_rs
from aiohttp import web

from server.openapi import openapi_document

API = "/api/v1"
# The document does not describe itself.
UNDESCRIBED = {f"{API}/openapi.json"}


@cache
def _document() -> dict[str, Any]:
    return openapi_document("http://court.example")


def _pointer(*tokens: str) -> str:
    return "#/" + "/".join(quote(t.replace("~", "~0").replace("/", "~1"), safe="~") for t in tokens)


@cache
def _validator(*tokens: str) -> Any:
    # The whole document is the root, so that its #/components references resolve.
    return jsonschema_rs.Draft202012Validator({**_document(), "$ref": _pointer(*tokens)})


class DocumentedAnswers:
    def __init__(self) -> None:
        self.mismatches: list[str] = []
        self.checked = 0

    async def check(self, request: web.Request, response: web.StreamResponse) -> None:
        resource = request.match_info.route.resource
        path = None if resource is None else resource.canonical
        if path is None or not path.startswith(API + "/") or path in UNDESCRIBED:
            return
        if not isinstance(response, web.Response) or response.body is None:
            return  # files, streamed (documented as binary)
        where = f"{request.method} {path} {response.status}"
        if response.status >= 400:
            self._body(
                where, response, "application/problem+json", ("components", "schemas", "Problem")
            )
            return
        operation = _document()["paths"].get(path.removeprefix(API), {}).get(request.method.lower())
        if operation is None:
            # A route a test added (tests/server/test_documented.py holds the app's own
            # routes and the document's operations to each other).
            return
        documented = operation["responses"].get(str(response.status))
        if documented is None:
            self.mismatches.append(f"{where}: a status the operation does not document")
            return
        if response.status == 204 or "application/json" not in documented.get("content", {}):
            return
        self._body(
            where,
            response,
            "application/json",
            (
                "paths",
                path.removeprefix(API),
                request.method.lower(),
                "responses",
                str(response.status),
                "content",
                "application/json",
                "schema",
            ),
        )

    def _body(
        self, where: str, response: web.Response, content_type: str, schema: tuple[str, ...]
    ) -> None:
        if response.content_type != content_type:
            self.mismatches.append(f"{where}: {response.content_type}, not {content_type}")
            return
        assert isinstance(response.body, bytes)
        body = json.loads(response.body)
        errors = [e.message for e in _validator(*schema).iter_errors(body)]
        self.checked += 1
        if errors:
            self.mismatches.append(f"{where}: {'; '.join(errors[:3])}")
