"""The OpenAPI 3.1 description of the REST API, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

# Every error, on every route, is an RFC 9457 problem document (server/problems.py).
PROBLEM_RESPONSE = {
    "description": "An error, as RFC 9457 problem details with a stable code",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def openapi_document(server_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "courtroom API",
            "version": "0.1.0",
            "description": "Criminal court hearings by video: hearings and their recordings.",
        },
        "servers": [{"url": f"{server_url}/api/v1"}],
        "paths": {
            "/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Whether the platform is up",
                    "responses": {
                        "default": PROBLEM_RESPONSE,
                        "200": {
                            "description": "Up",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"status": {"const": "ok"}},
                                    }
                                }
                            },
                        },
                    },
                }
            },
            "/hearings": {
                "get": {
                    "operationId": "listHearings",
                    "summary": "All hearings",
                    "responses": {
                        "default": PROBLEM_RESPONSE,
                        "200": {
                            "description": "Hearings, oldest first",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "hearings": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Hearing"},
                                            }
                                        },
                                    }
                                }
                            },
                        },
                    },
                }
            },
            "/recordings": {
                "get": {
                    "operationId": "listRecordings",
                    "summary": "Recordings of all hearings, with their measured durations",
                    "responses": {
                        "default": PROBLEM_RESPONSE,
                        "200": {
                            "description": "Recordings, oldest first",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "recordings": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Recording"},
                                            }
                                        },
                                    }
                                }
                            },
                        },
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Hearing": {
                    "type": "object",
                    "required": ["id", "case_number", "title"],
                    "properties": {
                        "id": {"type": "string"},
                        "case_number": {"type": "string"},
                        "title": {"type": "string"},
                    },
                },
                "Recording": {
                    "type": "object",
                    "required": [
                        "id",
                        "hearing_id",
                        "started_at",
                        "stopped_at",
                        "duration_s",
                    ],
                    "properties": {
                        "id": {"type": "string"},
                        "hearing_id": {"type": "string"},
                        "started_at": {"type": "number", "description": "Unix seconds"},
                        "stopped_at": {"type": ["number", "null"]},
                        "duration_s": {"type": ["number", "null"]},
                    },
                },
                "Problem": {
                    "type": "object",
                    "description": "RFC 9457 problem details",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "code": {"type": "string"},
                    },
                },
            }
        },
    }
