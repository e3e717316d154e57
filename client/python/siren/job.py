"""A fit on the server: its state, its progress history, previews, control and its model."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable, Dict, List, NamedTuple, Optional

import grpc
import numpy as np

from ._stubs import jobs_pb2, service_pb2
from .errors import DeadlineExceeded, JobFailed, SirenError, Unavailable, from_rpc_error
from .progress import ProgressDisplay, ProgressHistory
from .states import WATCH_ENDING_STATES, JobState
from .tasks import kind_to_name

if TYPE_CHECKING:  # pragma: no cover
    from .client import Client
    from .model import Model

# A watch that breaks (the server restarting, a dropped connection) is opened again, with backoff,
# for this long before the error is raised.
REWATCH_SECONDS = 30.0


class Preview(NamedTuple):
    """A rendering of the field as it trains: the step it shows and the PNG's bytes."""

    step: int
    png: bytes

    def image(self) -> np.ndarray:
        """The preview decoded: uint8 HxW (gray) or HxWxC."""
        from .model import decode_png

        return decode_png(self.png)


PreviewCallback = Callable[[Preview], Any]
ProgressCallback = Callable[[Dict[str, Any]], Any]


class Job:
    """A job on the server (from :meth:`Client.fit` or :meth:`Client.job`).

    ``progress`` and ``previews`` hold what this object's watches received; ``state`` asks the
    server each time it is read.
    """

    def __init__(self, client: "Client", job: "jobs_pb2.Job") -> None:
        self._client = client
        self._job = job
        self._history = ProgressHistory()
        self.previews: List[Preview] = []
        """(step, PNG bytes) of every preview received while watching with ``preview_every``."""

    # --- what the job is -------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self._job.job_id

    @property
    def task(self) -> str:
        """The task's name, e.g. ``"image"``."""
        return kind_to_name(self._job.spec.task)

    @property
    def name(self) -> str:
        return self._job.spec.name

    @property
    def request_id(self) -> str:
        """The idempotency key it was submitted with."""
        return self._job.options.request_id

    @property
    def proto(self) -> "jobs_pb2.Job":
        """The Job message as last received."""
        return self._job

    @property
    def state(self) -> JobState:
        """The job's state now (asks the server)."""
        return JobState.from_proto(self.refresh().state)

    @property
    def last_state(self) -> JobState:
        """The state as last received (no call)."""
        return JobState.from_proto(self._job.state)

    @property
    def error(self) -> str:
        """The server's reason when the job FAILED, else empty."""
        return self._job.error

    @property
    def model_id(self) -> str:
        return self._job.model_id

    @property
    def progress(self) -> List[Dict[str, Any]]:
        """Every progress event watched so far: dicts with step, total_steps, loss, psnr (image tasks), ..."""
        return list(self._history.records)

    def progress_frame(self) -> Dict[str, List[Any]]:
        """The progress history column-wise, for ``pandas.DataFrame(job.progress_frame())`` or plotting."""
        return self._history.frame()

    def refresh(self) -> "jobs_pb2.Job":
        """Fetches the job again (GetJob) and returns the message."""
        self._job = self._client._connection.unary("GetJob", service_pb2.GetJobRequest(job_id=self.id))
        return self._job

    # --- following it ----------------------------------------------------------------------------
    def watch(
        self,
        preview_every: Optional[float] = None,
        on_preview: Optional[PreviewCallback] = None,
        *,
        preview_size: int = 0,
        on_progress: Optional[ProgressCallback] = None,
        progress: bool = True,
        timeout: Optional[float] = None,
    ) -> JobState:
        """Follows the job until it ends (or pauses), recording its progress; returns that state.

        Args:
            preview_every: ask for a PNG preview at most every this many seconds (the server allows
                1 s at least); they are appended to :attr:`previews`. Image-like tasks only.
            on_preview: called with each :class:`Preview` as it arrives.
            preview_size: the previews' longest side in pixels (0 = the server's 256).
            on_progress: called with each progress record (a dict) as it arrives.
            progress: show a tqdm progress bar with the loss and metrics.
            timeout: seconds before :class:`~siren.DeadlineExceeded` is raised (the job goes on).

        A failed job is not raised here (see :meth:`wait`); a broken watch (server restarting) is
        opened again for up to 30 s before :class:`~siren.Unavailable` is raised.
        """
        request = service_pb2.WatchJobRequest(job_id=self.id)
        if preview_every is not None or on_preview is not None:
            request.preview.every_seconds = float(preview_every if preview_every is not None else 1.0)
            request.preview.max_side = int(preview_size)
        display = ProgressDisplay(self.id, enabled=progress)
        deadline = None if timeout is None else time.monotonic() + timeout
        broken_since: Optional[float] = None
        backoff = 0.2
        try:
            while True:
                remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
                try:
                    stream = self._client._connection.stub.WatchJob(
                        request, metadata=self._client._connection.metadata, timeout=remaining
                    )
                    for event in stream:
                        broken_since, backoff = None, 0.2
                        self._on_event(event, display, on_preview, on_progress)
                        if event.type != jobs_pb2.JobEvent.TYPE_PROGRESS and self.last_state in WATCH_ENDING_STATES:
                            stream.cancel()
                            return self.last_state
                    if self.last_state in WATCH_ENDING_STATES:
                        return self.last_state
                    error: SirenError = Unavailable("the server ended the watch before the job finished")
                except grpc.RpcError as rpc_error:
                    error = from_rpc_error(rpc_error)
                    if rpc_error.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                        raise DeadlineExceeded(
                            f"job {self.id} still {self.last_state} after {timeout:g} s (it goes on)"
                        ) from None
                    if rpc_error.code() != grpc.StatusCode.UNAVAILABLE:
                        raise error from None
                # The stream broke or ended early (a server drain): watch again, for a while.
                now = time.monotonic()
                broken_since = broken_since if broken_since is not None else now
                if now - broken_since > REWATCH_SECONDS or (deadline is not None and now >= deadline):
                    raise error
                time.sleep(backoff)
                backoff = min(backoff * 2, 2.0)
        finally:
            display.close(str(self.last_state))

    def _on_event(
        self,
        event: "jobs_pb2.JobEvent",
        display: ProgressDisplay,
        on_preview: Optional[PreviewCallback],
        on_progress: Optional[ProgressCallback],
    ) -> None:
        if event.HasField("job") and event.job.job_id:
            self._job = event.job
        if event.type == jobs_pb2.JobEvent.TYPE_PREVIEW and event.HasField("preview"):
            preview = Preview(int(event.preview.step), bytes(event.preview.png))
            self.previews.append(preview)
            if on_preview is not None:
                on_preview(preview)
            return
        if event.type in (jobs_pb2.JobEvent.TYPE_PROGRESS, jobs_pb2.JobEvent.TYPE_SNAPSHOT,
                          jobs_pb2.JobEvent.TYPE_FINISHED):
            record = self._history.add(self._job.progress)
            if record is not None:
                display.update(self._job.progress)
                if on_progress is not None:
                    on_progress(record)

    def wait(self, timeout: Optional[float] = None) -> JobState:
        """Waits (without a bar) until the job ends; returns its final state.

        Raises :class:`~siren.JobFailed` with the server's reason when it FAILED, and
        :class:`~siren.DeadlineExceeded` after ``timeout`` seconds. A PAUSED or INTERRUPTED job ends
        the wait too (it will not go on by itself): that state is returned.
        """
        state = self.last_state
        if state not in WATCH_ENDING_STATES:
            state = self.watch(progress=False, timeout=timeout)
        if state == JobState.FAILED:
            raise JobFailed(self._job.error or "no reason given", self.id)
        return state

    # --- control -----------------------------------------------------------------------------------
    def cancel(self) -> JobState:
        """Cancels it: a queued job at once, a running one at its next step (its state kept as a model)."""
        return self._control("CancelJob", service_pb2.CancelJobRequest(job_id=self.id))

    def pause(self) -> JobState:
        """Pauses it with its full training state saved; :meth:`resume` continues exactly there."""
        return self._control("PauseJob", service_pb2.PauseJobRequest(job_id=self.id))

    def resume(self) -> JobState:
        """Queues a paused job again."""
        return self._control("ResumeJob", service_pb2.ResumeJobRequest(job_id=self.id))

    def delete(self) -> None:
        """Forgets a finished or paused job and its files (not its model)."""
        self._client._connection.unary("DeleteJob", service_pb2.DeleteJobRequest(job_id=self.id))

    def _control(self, method: str, request: Any) -> JobState:
        self._job = self._client._connection.unary(method, request)
        return self.last_state

    # --- its result --------------------------------------------------------------------------------
    @property
    def model(self) -> "Model":
        """The trained model: waits for the job first.

        Raises :class:`~siren.JobFailed` when it failed, :class:`~siren.SirenError` when it ended
        without a model.
        """
        if not self._job.model_id or self.last_state not in WATCH_ENDING_STATES:
            self.wait()
        if not self._job.model_id:
            self.refresh()
        if not self._job.model_id:
            raise SirenError(f"job {self.id} ended {self.last_state} without a model", grpc.StatusCode.NOT_FOUND)
        return self._client.model(self._job.model_id)

    def __repr__(self) -> str:
        step = self._job.progress.step
        total = self._job.progress.total_steps
        return f"<siren.Job {self.id} {self.task} {self.last_state} step {step}/{total}>"
