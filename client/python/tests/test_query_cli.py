"""A 2-million-point query streamed in chunks answers exactly what the C++ CLI answers."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any, Iterator, List

import numpy as np

import siren
from siren.model import POINTS_PER_MESSAGE

POINTS = 2_000_000


def test_two_million_points_stream_in_chunks_and_equal_the_clis_answer(
    image_model: siren.Model, server: Any, cli_bin: Path, tmp_path: Path
) -> None:
    coords = np.random.default_rng(7).uniform(-1.0, 1.0, size=(POINTS, 2)).astype(np.float32)

    # The chunks the client sends, counted on the way out.
    sent: List[int] = []
    stub = image_model._client._connection.stub
    original = stub.QueryField

    def counting(requests: Iterator[Any], **kwargs: Any) -> Any:
        def counted() -> Iterator[Any]:
            for request in requests:
                sent.append(len(request.coords) // 2)
                yield request
        return original(counted(), **kwargs)

    stub.QueryField = counting
    try:
        started = time.monotonic()
        values = image_model.query(coords)
        python_seconds = time.monotonic() - started
    finally:
        stub.QueryField = original
    assert values.shape == (POINTS, 1)
    assert len(sent) == -(-POINTS // POINTS_PER_MESSAGE) and max(sent) == POINTS_PER_MESSAGE and sum(sent) == POINTS

    # The CLI reads the same float32 points from text (%.9g round-trips a float32 exactly).
    coords_file, output = tmp_path / "coords.txt", tmp_path / "values.csv"
    np.savetxt(coords_file, coords, fmt="%.9g", delimiter=",")
    started = time.monotonic()
    result = subprocess.run(
        [str(cli_bin), "query", image_model.id, "--coords", str(coords_file), "-o", str(output),
         "--server", server.address],
        capture_output=True, text=True, timeout=300,
    )
    cli_seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    cli_values = np.array(output.read_text().split(), dtype=np.float32)
    assert cli_values.shape == (POINTS,)
    assert np.array_equal(values[:, 0], cli_values), f"{np.count_nonzero(values[:, 0] != cli_values)} values differ"
    print(f"2M-point query: Python client {python_seconds:.1f} s, CLI {cli_seconds:.1f} s")
