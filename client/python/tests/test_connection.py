"""Access tokens and TLS: each against a server of its own (they start in a second)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

import siren
from server_process import ServerProcess


@pytest.fixture(scope="module")
def token_server(server_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(server_bin, tmp_path_factory.mktemp("token"), ["--token", "s3cret"], workers=1).start()
    yield process
    process.stop()


def test_a_token_is_sent_as_a_bearer_header(token_server: ServerProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    with siren.Client(token_server.address, token="s3cret") as client:
        assert client.tasks()
    monkeypatch.delenv("SIREN_TOKEN", raising=False)
    with siren.Client(token_server.address) as client, pytest.raises(siren.Unauthenticated):
        client.tasks()
    with siren.Client(token_server.address, token="wrong") as client, pytest.raises(siren.Unauthenticated):
        client.jobs()
    monkeypatch.setenv("SIREN_TOKEN", "s3cret")
    with siren.Client(token_server.address) as client:  # $SIREN_TOKEN, as the CLI
        assert client.jobs() == []


@pytest.fixture(scope="module")
def tls_server(server_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is needed to make the TLS test's certificate (install-deps.sh installs it)")
    directory = tmp_path_factory.mktemp("tls")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem")],
        check=True, capture_output=True,
    )
    process = ServerProcess(
        server_bin, directory, ["--tls-cert", str(directory / "cert.pem"), "--tls-key", str(directory / "key.pem")],
        workers=1,
    ).start()
    yield process
    process.stop()


def test_tls_trusts_the_given_certificate(tls_server: ServerProcess) -> None:
    certificate = tls_server.directory / "cert.pem"
    with siren.Client(f"localhost:{tls_server.port}", tls=certificate) as client:
        assert "image" in {task.name for task in client.tasks()}
    with siren.Client(f"localhost:{tls_server.port}", tls=False, timeout=10) as plaintext:
        with pytest.raises(siren.Unavailable):
            plaintext.tasks()
    with pytest.raises(siren.InvalidArgument, match="not a PEM file"):
        siren.Client(f"localhost:{tls_server.port}", tls=tls_server.log_path)
