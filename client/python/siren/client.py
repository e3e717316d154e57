"""The entry point: a connection to siren-server, its tasks, fits, jobs and models."""
from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Union

from ._stubs import service_pb2, tasks_pb2
from .connection import DEFAULT_SERVER, DEFAULT_TIMEOUT_SECONDS, Connection
from .errors import InvalidArgument
from .inputs import EncodedInput, InputValue, encode_input
from .job import Job, PreviewCallback
from .model import Model
from .states import Priority
from .submission import FitSettings, Submission, build_fit_spec, build_job_options
from .tasks import Task, find_task


class Client:
    """A client of one siren-server.

    Args:
        server: ``HOST:PORT`` (default ``$SIREN_SERVER``, else ``localhost:50051``).
        token: the access token, sent as ``authorization: Bearer TOKEN`` (default ``$SIREN_TOKEN``).
        tls: ``False`` (plaintext), ``True`` (TLS with the system's roots), or the path of a PEM CA
            or self-signed server certificate to trust (default ``$SIREN_TLS_CA`` when set).
        timeout: seconds for calls that should answer promptly (watches, uploads, queries and
            downloads take as long as they need).
        tls_client_cert, tls_client_key: for a server that requires mutual TLS
            (default ``$SIREN_TLS_CERT`` / ``$SIREN_TLS_KEY``).
        tls_server_name: the name to expect in the server's certificate when it is not HOST.

    Usable as a context manager (closes the channel on exit).
    """

    def __init__(
        self,
        server: Optional[str] = None,
        token: Optional[str] = None,
        tls: Union[None, bool, str, "os.PathLike[str]"] = None,
        timeout: Optional[float] = DEFAULT_TIMEOUT_SECONDS,
        *,
        tls_client_cert: Optional[Union[str, "os.PathLike[str]"]] = None,
        tls_client_key: Optional[Union[str, "os.PathLike[str]"]] = None,
        tls_server_name: Optional[str] = None,
    ) -> None:
        server = server or os.environ.get("SIREN_SERVER") or DEFAULT_SERVER
        token = token if token is not None else os.environ.get("SIREN_TOKEN") or None
        if tls is None:
            tls = os.environ.get("SIREN_TLS_CA") or False
        tls_client_cert = tls_client_cert or os.environ.get("SIREN_TLS_CERT") or None
        tls_client_key = tls_client_key or os.environ.get("SIREN_TLS_KEY") or None
        self._connection = Connection(
            server, token, tls, timeout,
            tls_client_cert=tls_client_cert, tls_client_key=tls_client_key, tls_server_name=tls_server_name,
        )
        self._tasks: Optional[List[Task]] = None

    @property
    def server(self) -> str:
        return self._connection.server

    # --- tasks ---------------------------------------------------------------------------------
    def tasks(self, refresh: bool = False) -> List[Task]:
        """Every task the server fits (ListTasks; asked once, then cached unless ``refresh``)."""
        if self._tasks is None or refresh:
            response = self._connection.unary("ListTasks", tasks_pb2.ListTasksRequest())
            self._tasks = [Task.from_proto(t) for t in response.tasks]
        return list(self._tasks)

    def task(self, name: str) -> Task:
        """The task called ``name``; :class:`~siren.InvalidArgument` naming the known ones otherwise."""
        return find_task(self.tasks(), name)

    # --- fitting -------------------------------------------------------------------------------
    def fit(
        self,
        task: str,
        inputs: Union[None, InputValue, Mapping[str, InputValue]] = None,
        *,
        watch: bool = True,
        progress: bool = True,
        request_id: Optional[str] = None,
        priority: Union[None, str, Priority] = None,
        deadline: Union[None, float, int, str, datetime.timedelta] = None,
        name: Optional[str] = None,
        steps: Optional[int] = None,
        epochs: Optional[int] = None,
        lr: Optional[float] = None,
        optimizer: Optional[str] = None,
        hidden: Optional[int] = None,
        layers: Optional[int] = None,
        w0: Optional[float] = None,
        first_w0: Optional[float] = None,
        hidden_w0: Optional[float] = None,
        activation: Optional[str] = None,
        pe_frequencies: Optional[int] = None,
        seed: Optional[int] = None,
        batch_size: Optional[int] = None,
        checkpoint_every: Optional[int] = None,
        clip_grad_norm: Optional[float] = None,
        fused_sine_layers: Optional[bool] = None,
        closed_form_derivatives: Optional[bool] = None,
        device: Optional[str] = None,
        precision: Optional[str] = None,
        cuda_graphs: Optional[bool] = None,
        rate: Optional[int] = None,
        resume: Optional[Union[str, "os.PathLike[str]"]] = None,
        preview_every: Optional[float] = None,
        on_preview: Optional[PreviewCallback] = None,
        preview_size: int = 0,
        **task_options: Any,
    ) -> Job:
        """Submits a fit and (by default) follows it with a progress bar; returns its :class:`Job`.

        Args:
            task: a task name from :meth:`tasks`, e.g. ``"image"``, ``"sdf"``, ``"poisson-grad"``.
            inputs: the task's input — a file path, bytes, a NumPy array (image HxW/HxWxC uint8 or
                float in [0,1]; audio 1-D with ``rate``; SDF points N x 6) or :class:`~siren.Audio`
                — or, for a task with several inputs, a dict ``{input name: value}``.
            watch: follow the job until it ends (``False``: return once it is queued).
            progress: show a tqdm bar (loss, PSNR) while watching.
            request_id: idempotency key (a fresh UUID by default; retries reuse it).
            priority: ``"low"``, ``"normal"`` or ``"high"``.
            deadline: seconds, a timedelta or a duration like ``"45m"``: the job fails after it.
            name: a label for listings.
            steps, lr, hidden, layers, w0 (both first_w0 and hidden_w0), activation, seed,
                batch_size, ...: network and training settings; unset ones take the task's preset.
            epochs: the reference's epochs instead of steps (steps = epochs x the task's steps per
                epoch, e.g. SDF: points / batch); the job's progress counts both.
            optimizer: ``"adam"`` or ``"lbfgs"`` (the reference's L-BFGS, one iteration per step);
                unset, the preset's (``activation="pinn"``: L-BFGS with PINNet's 20 x 8 network).
            rate: the sample rate (Hz) of a 1-D audio array.
            resume: a checkpoint file (:meth:`Model.download_checkpoint`) to continue from.
            preview_every, on_preview, preview_size: previews while watching (see :meth:`Job.watch`).
            **task_options: the task's options (``client.task(name).options``), e.g. ``size=(64, 64)``.

        Raises :class:`~siren.InvalidArgument` before anything is sent for an unknown task, option
        or input, a missing input or an array that does not fit the input.
        """
        description = self.task(task)
        encoded_options = description.encode_options(task_options)
        encoded_inputs = self._encode_inputs(description, inputs, rate)
        if resume is not None and not Path(resume).expanduser().is_file():
            raise InvalidArgument(f"resume: no such checkpoint file: {resume}")
        settings = FitSettings(
            steps=steps, epochs=epochs, lr=lr, optimizer=optimizer, hidden=hidden, layers=layers, w0=w0,
            first_w0=first_w0, hidden_w0=hidden_w0,
            activation=activation, pe_frequencies=pe_frequencies, seed=seed, batch_size=batch_size,
            checkpoint_every=checkpoint_every, clip_grad_norm=clip_grad_norm, fused_sine_layers=fused_sine_layers,
            closed_form_derivatives=closed_form_derivatives,
            device=device, precision=precision, cuda_graphs=cuda_graphs,
        )
        filename = encoded_inputs[0].filename if encoded_inputs else ""
        submission = Submission(
            spec=build_fit_spec(description.kind, encoded_options, settings, name, filename),
            job_options=build_job_options(request_id, priority, deadline),
            inputs=encoded_inputs,
            resume_checkpoint=Path(resume).expanduser() if resume is not None else None,
        )
        job = Job(self, submission.send(self._connection))
        if watch:
            job.watch(preview_every=preview_every, on_preview=on_preview, preview_size=preview_size, progress=progress)
        return job

    @staticmethod
    def _encode_inputs(
        task: Task, inputs: Union[None, InputValue, Mapping[str, InputValue]], rate: Optional[int]
    ) -> List[EncodedInput]:
        names = task.input_names
        if not names:
            if inputs is not None:
                raise InvalidArgument(f"task {task.name} takes no input (its signal is defined by its options)")
            return []
        if inputs is None:
            raise InvalidArgument(f"task {task.name} needs its input{'s' if len(names) > 1 else ''}: {', '.join(names)}")
        if isinstance(inputs, Mapping):
            given: Dict[str, InputValue] = dict(inputs)
        elif all(i.optional for i in task.inputs[1:]):  # one value: the first input (the rest may be left out)
            given = {names[0]: inputs}
        else:
            raise InvalidArgument(
                f"task {task.name} takes the inputs {', '.join(names)}: pass a dict {{name: value}}"
            )
        unknown = [n for n in given if n not in names]
        if unknown:
            raise InvalidArgument(f"task {task.name} has no input {unknown[0]!r}; its inputs: {', '.join(names)}")
        missing = [i.name for i in task.inputs if not i.optional and i.name not in given]
        if missing:
            raise InvalidArgument(f"task {task.name} is missing its input{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
        return [encode_input(i.name, given[i.name], rate, i.media) for i in task.inputs if i.name in given]

    # --- jobs and models -----------------------------------------------------------------------
    def job(self, job_id: str) -> Job:
        """The job with this id (GetJob); :class:`~siren.NotFound` if there is none."""
        return Job(self, self._connection.unary("GetJob", service_pb2.GetJobRequest(job_id=job_id)))

    def jobs(self) -> List[Job]:
        """Every job the server knows (ListJobs)."""
        response = self._connection.unary("ListJobs", service_pb2.ListJobsRequest())
        return [Job(self, j) for j in response.jobs]

    def model(self, model_id: str) -> Model:
        """The model with this id (GetModel); :class:`~siren.NotFound` if there is none."""
        return Model(self, self._connection.unary("GetModel", service_pb2.GetModelRequest(model_id=model_id)))

    def models(self) -> List[Model]:
        """Every model the server keeps (ListModels)."""
        response = self._connection.unary("ListModels", service_pb2.ListModelsRequest())
        return [Model(self, m) for m in response.models]

    def delete_job(self, job_id: str) -> None:
        """Forgets a finished or paused job (not its model)."""
        self._connection.unary("DeleteJob", service_pb2.DeleteJobRequest(job_id=job_id))

    def delete_model(self, model_id: str) -> None:
        self._connection.unary("DeleteModel", service_pb2.DeleteModelRequest(model_id=model_id))

    # --- lifetime ------------------------------------------------------------------------------
    def close(self) -> None:
        """Closes the channel."""
        self._connection.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<siren.Client {self.server}>"
