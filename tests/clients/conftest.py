"""Fixtures of the real-client tests: the side venv (built once per sha256 of requirements.txt), a throwaway CA
and server certificate, and a fresh mock per test (the clients write: they delete projects, ignore alerts)."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients import sidevenv
from tests.clients.harness import Certificates, Clients, GitHubStub, Mock, TlsFront, fake_java, make_certificates


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if shutil.which("openssl") is None:  # the TLS front's certificate is made with the openssl CLI
        skip = pytest.mark.skip(reason="the openssl CLI is needed for the TLS front's throwaway certificate")
        for item in items:
            if "tests/clients/" in str(item.path).replace("\\", "/"):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("certificates"))


@pytest.fixture(scope="session")
def clients(certificates: Certificates) -> Clients:
    venv, _ = sidevenv.ensure()
    return Clients(venv, certificates)


@pytest.fixture
def mend() -> Iterator[Mock]:
    mock = Mock("mend")
    yield mock
    mock.stop()


@pytest.fixture
def mend_https(mend: Mock, certificates: Certificates) -> Iterator[TlsFront]:
    """https://127.0.0.1:PORT in front of the Mend mock, for the tools that hard-code https://."""
    front = TlsFront(certificates, mend.port)
    yield front
    front.stop()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "client"
    path.mkdir()
    return path


# ws-sdk's WSClient keeps the Unified Agent in a fixed folder ("/tmp/" + its tool name); see GitHubStub.
UA_JAR = Path("/tmp/sdk/wss-unified-agent.jar")


@pytest.fixture(scope="session")
def github(certificates: Certificates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The environment under which ws_sdk.WS() constructs offline: HTTPS_PROXY to the loopback GitHub stub and a
    fake `java` first on PATH. The placeholder agent jar is put in place once, under a lock, so two xdist workers'
    first runs do not race on the SDK's download-and-rename of that file."""
    with (UA_JAR.parent.parent / ".apiconform-ws-sdk.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not UA_JAR.exists():
            UA_JAR.parent.mkdir(parents=True, exist_ok=True)
            tmp = UA_JAR.with_suffix(".tmp")
            tmp.write_bytes(b"placeholder: the Unified Agent is never run")
            tmp.replace(UA_JAR)
    stub = GitHubStub(certificates)
    java = fake_java(tmp_path_factory.mktemp("fake-java"))
    yield {"HTTPS_PROXY": stub.proxy_url, "PATH": f"{java}{os.pathsep}{os.environ.get('PATH', '')}"}
    stub.stop()
