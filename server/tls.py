"""TLS served by courtroom itself, for a small installation without a proxy in front.

The supported layout puts Caddy in front (deploy/Caddyfile): it obtains and renews the
certificate. A court that cannot run one gives courtroom a certificate and key
(COURTROOM_TLS_CERT, COURTROOM_TLS_KEY, PEM files); renewing them then means restarting it.
"""

from __future__ import annotations

import ssl
from pathlib import Path


class TlsFilesRefused(ValueError):
    """The certificate or the key cannot be used; the message says which and why."""


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """An HTTPS server's context: TLS 1.2 or newer, Python's default ciphers for servers."""
    for name, path in (("COURTROOM_TLS_CERT", cert), ("COURTROOM_TLS_KEY", key)):
        if not path.is_file():
            raise TlsFilesRefused(f"{name}: no such file: {str(path)!r}")
        try:
            path.open("rb").close()
        except OSError as exc:
            raise TlsFilesRefused(f"{name}: {str(path)!r} cannot be read: {exc.strerror}") from None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except ssl.SSLError as exc:
        raise TlsFilesRefused(
            f"COURTROOM_TLS_CERT and COURTROOM_TLS_KEY are not a PEM certificate (chain) and its "
            f"private key ({exc.reason or exc}): {str(cert)!r}, {str(key)!r}"
        ) from None
    return context
