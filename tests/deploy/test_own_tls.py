"""courtroom serving HTTPS itself from COURTROOM_TLS_CERT and COURTROOM_TLS_KEY (a small
installation without Caddy), and the settings refusing a pair it could not serve with."""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from server.settings import Settings, SettingsError
from tests.deploy.certificates import Issued, issue
from tests.deploy.topology import courtroom


@pytest.fixture
def issued(tmp_path: Path) -> Issued:
    return issue(tmp_path / "pki", names=["localhost"], addresses=["127.0.0.1"])


def _env(tmp_path: Path, **tls: str) -> dict[str, str]:
    return {"COURTROOM_DATA_DIR": str(tmp_path / "data"), **tls}


def test_courtroom_serves_https_with_the_certificate_it_is_given(
    tmp_path: Path, issued: Issued
) -> None:
    settings = {"COURTROOM_TLS_CERT": str(issued.cert), "COURTROOM_TLS_KEY": str(issued.key)}
    with courtroom(tmp_path, settings, trust=issued.ca_cert) as server:
        assert server.direct_url.startswith("https://127.0.0.1:")
        trusting = ssl.create_default_context(cafile=str(issued.ca_cert))
        with urllib.request.urlopen(f"{server.direct_url}/login", context=trusting) as page:
            assert page.status == 200
            # The public URL became https by itself, and with it HSTS and Secure cookies.
            assert "max-age=" in page.headers["Strict-Transport-Security"]
        # The certificate served is the one given, not some other one the CA signed.
        port = int(server.direct_url.rsplit(":", 1)[1])
        served = ssl.get_server_certificate(("127.0.0.1", port), ca_certs=str(issued.ca_cert))
        assert ssl.PEM_cert_to_DER_cert(served) == ssl.PEM_cert_to_DER_cert(issued.cert.read_text())
        # A client that does not trust the test's CA is refused at the handshake.
        with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
            urllib.request.urlopen(f"{server.direct_url}/login", timeout=10)
        # Plain HTTP on the same port gets no page.
        plain = server.direct_url.replace("https://", "http://")
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            urllib.request.urlopen(f"{plain}/login", timeout=10)


def test_without_tls_files_the_public_url_stays_http(tmp_path: Path) -> None:
    settings = Settings.from_env(_env(tmp_path))
    assert settings.public_url == "http://127.0.0.1:8080"
    assert settings.ssl_context() is None


def test_with_tls_files_the_default_public_url_is_https(tmp_path: Path, issued: Issued) -> None:
    settings = Settings.from_env(
        _env(tmp_path, COURTROOM_TLS_CERT=str(issued.cert), COURTROOM_TLS_KEY=str(issued.key))
    )
    assert settings.public_url == "https://127.0.0.1:8080"
    assert settings.ssl_context() is not None


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("cert", "COURTROOM_TLS_CERT is set but COURTROOM_TLS_KEY is not"),
        ("key", "COURTROOM_TLS_KEY is set but COURTROOM_TLS_CERT is not"),
    ],
)
def test_one_file_without_the_other_is_refused_naming_the_missing_one(
    tmp_path: Path, issued: Issued, given: str, said: str
) -> None:
    path = issued.cert if given == "cert" else issued.key
    with pytest.raises(SettingsError, match=said):
        Settings.from_env(_env(tmp_path, **{f"COURTROOM_TLS_{given.upper()}": str(path)}))


def test_a_file_that_is_not_there_is_refused_with_its_name(tmp_path: Path, issued: Issued) -> None:
    missing = tmp_path / "nowhere.pem"
    with pytest.raises(SettingsError, match=r"COURTROOM_TLS_KEY: no such file: .*nowhere\.pem"):
        Settings.from_env(
            _env(tmp_path, COURTROOM_TLS_CERT=str(issued.cert), COURTROOM_TLS_KEY=str(missing))
        )


def test_a_key_that_is_not_the_certificates_is_refused(tmp_path: Path, issued: Issued) -> None:
    other = issue(tmp_path / "other", names=["localhost"], addresses=[])
    with pytest.raises(SettingsError, match=r"not a PEM certificate .* and its private key"):
        Settings.from_env(
            _env(tmp_path, COURTROOM_TLS_CERT=str(issued.cert), COURTROOM_TLS_KEY=str(other.key))
        )


def test_a_file_that_is_not_pem_is_refused(tmp_path: Path, issued: Issued) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    with pytest.raises(SettingsError, match="not a PEM certificate"):
        Settings.from_env(
            _env(tmp_path, COURTROOM_TLS_CERT=str(garbage), COURTROOM_TLS_KEY=str(issued.key))
        )
