"""Webhooks: signed event deliveries to the e-court system, retried with back-off.

service.py registers webhooks, queues deliveries and runs the dispatcher; routes.py is the
administrators' HTTP API, wired by server.app.
"""

from server.webhooks.service import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Retry,
    WebhookEvent,
    Webhooks,
    check_url,
    signature,
)

__all__ = [
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "Retry",
    "WebhookEvent",
    "Webhooks",
    "check_url",
    "signature",
]
