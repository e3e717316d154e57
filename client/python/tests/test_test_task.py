"""A task compiled into a test build of the server (tests/support/test_task.cpp) reaches the client
through ListTasks alone: the client knows no task by itself."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Optional

import pytest

import siren
from conftest import synthetic_image
from server_process import ServerProcess, find_binary


@pytest.fixture(scope="module")
def test_task_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    binary: Optional[Path] = find_binary("SIREN_TEST_TASK_SERVER_BIN", "tests", "siren-server-with-test-task")
    if binary is None:
        pytest.skip("no siren-server-with-test-task in this build (tests/support/test_task.cpp): "
                    "nothing to list the test task")
    process = ServerProcess(binary, tmp_path_factory.mktemp("test-task"), workers=1).start()
    yield process
    process.stop()


def test_the_test_task_is_listed_and_fits(test_task_server: ServerProcess) -> None:
    with siren.Client(test_task_server.address) as client:
        task = client.task("test-constant")
        assert task.summary and task.option("value").type == "number"
        with pytest.raises(siren.InvalidArgument, match="out of range"):
            client.fit(task.name, value=2)  # checked against its ListTasks description, like any task
        inputs = {i.name: synthetic_image(16, 16) for i in task.inputs}  # it takes none today
        job = client.fit(task.name, inputs or None, progress=False, steps=5, hidden=8, layers=1, value=0.25)
        assert job.wait() == siren.JobState.SUCCEEDED
        assert job.proto.spec.task_options["value"] == "0.25"
        assert job.model.task == "test-constant"
