"""The court's record-signing key: Ed25519, in a 0600 file.

Where that file lives, when a key may be made and which keys are trusted is the server's
business (server/court_key.py). The public key is published (``courtroom archive
public-key``) so that anyone can check a manifest's signature without courtroom installed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE = "record-signing-key.pem"


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The key at ``path``, created (0600, parent 0700) if there is none. Blocking."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        return key
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    write_new_key(path, key)
    return key


def write_new_key(path: Path, key: Ed25519PrivateKey) -> None:
    """A new key file (0600), synced. FileExistsError if there is one: O_EXCL, so two
    processes starting at once never each write a different key. Blocking."""
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_fingerprint(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The court key's name as people publish and compare it: SHA-256 of the public key's
    DER form, 64 hex digits, what ``openssl pkey -pubin -in key.pem -outform DER |
    sha256sum`` prints. The export bundle's verify.py computes the same."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def normalise_fingerprint(text: str) -> str:
    """A fingerprint as typed (colons, spaces, capitals allowed) in its one stored form.
    Raises ValueError if it is not 64 hex digits."""
    cleaned = "".join(ch for ch in text if ch not in ": \t").lower()
    if len(cleaned) != 64 or any(ch not in "0123456789abcdef" for ch in cleaned):
        raise ValueError(f"not a key fingerprint (64 hex digits): {text!r}")
    return cleaned
