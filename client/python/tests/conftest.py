"""Fixtures: one real siren-server for the session, a client of it, the CLI, tiny test signals.

The binaries come from $SIREN_SERVER_BIN / $SIREN_CLI_BIN (CTest sets them) or the repository's
build/ directory. Without a server the suite fails rather than skips: `make test` must not pass
a client it never ran.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Iterator, Tuple

import numpy as np
import pytest

import siren
from server_process import ServerProcess, find_binary

# Fits stay tiny: a 2-core CI machine runs the whole C++ suite besides.
TINY = dict(steps=30, hidden=32, layers=1)


def synthetic_image(width: int = 32, height: int = 32) -> np.ndarray:
    """Float gray HxW in [0,1]: smooth gradients, a bright square, a dark stripe (as the e2e tests')."""
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float64)
    image = 0.15 + 0.5 * cols / (width - 1) + 0.2 * np.sin(rows * 0.4)
    image[4:11, 13:20] = 0.95
    image[:, 5:7] = 0.05
    return np.clip(image, 0.0, 1.0)


def sphere_points(count: int) -> np.ndarray:
    """N x 6 oriented points (x y z nx ny nz) on a unit sphere around (3, -2, 5) (a Fibonacci lattice)."""
    golden = math.pi * (3.0 - math.sqrt(5.0))
    i = np.arange(count, dtype=np.float64)
    y = 1.0 - 2.0 * (i + 0.5) / count
    r = np.sqrt(1.0 - y * y)
    normals = np.stack([r * np.cos(golden * i), y, r * np.sin(golden * i)], axis=1)
    return np.concatenate([normals + np.array([3.0, -2.0, 5.0]), normals], axis=1)


@pytest.fixture(scope="session")
def server_bin() -> Path:
    binary = find_binary("SIREN_SERVER_BIN", "server", "siren-server")
    if binary is None:
        pytest.fail("siren-server not found: build it (make build) or set SIREN_SERVER_BIN", pytrace=False)
    return binary


@pytest.fixture(scope="session")
def cli_bin() -> Path:
    binary = find_binary("SIREN_CLI_BIN", "client", "siren")
    if binary is None:
        pytest.fail("the siren CLI not found: build it (make build) or set SIREN_CLI_BIN", pytrace=False)
    return binary


@pytest.fixture(scope="session")
def server(server_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(server_bin, tmp_path_factory.mktemp("server")).start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def client(server: ServerProcess) -> Iterator[siren.Client]:
    with siren.Client(server.address) as connected:
        yield connected


@pytest.fixture(scope="session")
def image() -> np.ndarray:
    return synthetic_image()


@pytest.fixture(scope="session")
def image_job(client: siren.Client, image: np.ndarray) -> siren.Job:
    """A finished tiny image fit (watched without a bar), shared by the tests that read its model."""
    job = client.fit("image", image, progress=False, name="python-suite", **TINY)
    assert job.wait() == siren.JobState.SUCCEEDED
    return job


@pytest.fixture(scope="session")
def image_model(image_job: siren.Job) -> siren.Model:
    return image_job.model


@pytest.fixture(scope="session")
def sdf_model(client: siren.Client) -> siren.Model:
    job = client.fit("sdf", sphere_points(2000), progress=False, on_surface_points=200, **TINY)
    assert job.wait() == siren.JobState.SUCCEEDED
    return job.model


def wait_for_state(job: siren.Job, wanted: Tuple[siren.JobState, ...], timeout: float = 60.0) -> siren.JobState:
    """Polls GetJob until the job is in one of ``wanted``."""
    import time

    deadline = time.monotonic() + timeout
    state = job.state
    while state not in wanted:
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job.id} still {state} after {timeout} s, wanted {wanted}")
        time.sleep(0.05)
        state = job.state
    return state
