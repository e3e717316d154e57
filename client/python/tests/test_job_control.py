"""Cancel, pause, resume, delete, wait timeouts and a failing job, on fits too long to finish by themselves."""
from __future__ import annotations

import numpy as np
import pytest

import siren
from conftest import wait_for_state

LONG = dict(steps=500000, hidden=32, layers=1)  # never finishes within the test: it is stopped


def test_pause_resume_and_cancel_a_running_fit(client: siren.Client, image: np.ndarray) -> None:
    job = client.fit("image", image, watch=False, **LONG)
    wait_for_state(job, (siren.JobState.RUNNING,))
    with pytest.raises(siren.DeadlineExceeded, match="still running"):
        job.wait(timeout=0.5)  # the job goes on
    with pytest.raises(siren.FailedPrecondition):
        job.delete()  # a running job must be cancelled first
    job.pause()
    assert job.watch(progress=False, timeout=60) == siren.JobState.PAUSED
    paused_at = job.proto.progress.step
    assert job.resume() in (siren.JobState.QUEUED, siren.JobState.RUNNING)
    wait_for_state(job, (siren.JobState.RUNNING,))
    job.cancel()
    assert job.wait(timeout=60) == siren.JobState.CANCELLED
    assert job.proto.progress.step >= paused_at
    model = job.model  # a cancelled fit keeps its state as a model
    assert model.task == "image" and model.render().shape == (32, 32)
    job.delete()
    with pytest.raises(siren.NotFound):
        client.job(job.id)
    model.delete()
    with pytest.raises(siren.NotFound):
        client.model(model.id)


def test_a_failed_job_raises_job_failed_with_the_servers_reason(client: siren.Client, image: np.ndarray) -> None:
    job = client.fit("image", image, watch=False, deadline=1, **LONG)
    with pytest.raises(siren.JobFailed, match="deadline") as raised:
        job.wait(timeout=60)
    assert raised.value.job_id == job.id
    assert job.last_state == siren.JobState.FAILED and "deadline" in job.error


def test_an_unwatched_fit_is_followed_later_from_its_id(client: siren.Client, image: np.ndarray) -> None:
    job = client.fit("image", image, watch=False, steps=30, hidden=32, layers=1)
    again = client.job(job.id)
    records = []
    assert again.watch(progress=False, on_progress=records.append) == siren.JobState.SUCCEEDED
    assert records and records[-1]["step"] == 30 and again.progress[-1] == records[-1]


def test_a_watch_survives_a_server_restart(server_bin, tmp_path) -> None:
    """The server drains on SIGTERM (the job is checkpointed and queued again); the watch reconnects to the
    restarted server on the same port and follows the job to its end."""
    import threading

    from server_process import ServerProcess, free_port

    process = ServerProcess(server_bin, tmp_path, workers=1, port=free_port()).start()
    try:
        with siren.Client(process.address) as client:
            job = client.fit("image", np.random.default_rng(1).random((32, 32)), watch=False, steps=300,
                             hidden=32, layers=1, checkpoint_every=50)
            wait_for_state(job, (siren.JobState.RUNNING,))
            outcome = {}
            watcher = threading.Thread(target=lambda: outcome.update(state=job.watch(progress=False, timeout=120)))
            watcher.start()
            process.stop()
            process.start()
            watcher.join(150)
            assert outcome.get("state") == siren.JobState.SUCCEEDED, process.log()
            assert job.progress[-1]["step"] == 300
    finally:
        process.stop()
