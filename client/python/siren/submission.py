"""SubmitFit: the spec and job options, then each named input in 1 MiB chunks, then a checkpoint.

Every submission carries a request_id (a fresh UUID unless the caller gives one), so a retry after
UNAVAILABLE (the connection dropped, the server restarting) returns the job the first attempt may
already have queued instead of queueing a second: the retries gRPC's policy leaves out for SubmitFit.
"""
from __future__ import annotations

import datetime
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Union, cast

import grpc

from ._stubs import fit_pb2, jobs_pb2, service_pb2
from .connection import Connection
from .errors import InvalidArgument, from_rpc_error
from .inputs import CHUNK_BYTES, EncodedInput
from .states import Priority

SUBMIT_ATTEMPTS = 4  # as the retry policy of every other method: 0.2 s doubling to 2 s
_REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_DURATION_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


@dataclass
class FitSettings:
    """The network and training settings of Client.fit; None = the task's preset."""

    steps: Optional[int] = None
    epochs: Optional[int] = None
    lr: Optional[float] = None
    optimizer: Optional[str] = None  # "adam" or "lbfgs" (None: the preset; activation "pinn" presets lbfgs)
    hidden: Optional[int] = None
    layers: Optional[int] = None
    w0: Optional[float] = None
    first_w0: Optional[float] = None
    hidden_w0: Optional[float] = None
    activation: Optional[str] = None
    pe_frequencies: Optional[int] = None
    seed: Optional[int] = None
    batch_size: Optional[int] = None
    checkpoint_every: Optional[int] = None
    clip_grad_norm: Optional[float] = None
    fused_sine_layers: Optional[bool] = None
    closed_form_derivatives: Optional[bool] = None
    device: Optional[str] = None
    precision: Optional[str] = None
    cuda_graphs: Optional[bool] = None


def activation_value(name: str) -> Any:
    """"relu-pe" -> ACTIVATION_RELU_PE; InvalidArgument naming the known ones."""
    enum_name = "ACTIVATION_" + name.strip().upper().replace("-", "_")
    if enum_name not in fit_pb2.Activation.keys() or enum_name == "ACTIVATION_UNSPECIFIED":
        known = [n[len("ACTIVATION_"):].lower().replace("_", "-") for n in fit_pb2.Activation.keys()][1:]
        raise InvalidArgument(f"unknown activation {name!r}; choose one of: {', '.join(known)}")
    return fit_pb2.Activation.Value(enum_name)


def build_fit_spec(
    kind: int, task_options: Dict[str, str], settings: FitSettings, name: Optional[str], input_filename: str
) -> "fit_pb2.FitSpec":
    """The FitSpec: only what the caller set; the server fills the rest from the task's preset."""
    spec = fit_pb2.FitSpec(task=cast(Any, kind), task_options=task_options, name=name or "", input_filename=input_filename)
    model, train = spec.model, spec.train
    if settings.activation is not None:
        model.activation = activation_value(settings.activation)
    if settings.hidden is not None:
        model.hidden_features = _whole(settings.hidden, "hidden")
    if settings.layers is not None:
        model.hidden_layers = _whole(settings.layers, "layers")
    # w0 sets both; the more specific first_w0 / hidden_w0 win over it (the CLI's --w0 rule).
    first = settings.first_w0 if settings.first_w0 is not None else settings.w0
    hidden = settings.hidden_w0 if settings.hidden_w0 is not None else settings.w0
    if first is not None:
        model.first_omega0 = float(first)
    if hidden is not None:
        model.hidden_omega0 = float(hidden)
    if settings.pe_frequencies is not None:
        model.pe_frequencies = _whole(settings.pe_frequencies, "pe_frequencies")
    for key, proto_field in (("steps", "steps"), ("epochs", "epochs"), ("batch_size", "batch_size"), ("seed", "seed"),
                             ("checkpoint_every", "checkpoint_every")):
        value = getattr(settings, key)
        if value is not None:
            setattr(train, proto_field, _whole(value, key))
    if settings.lr is not None:
        train.learning_rate = float(settings.lr)
    if settings.clip_grad_norm is not None:
        train.clip_grad_norm = float(settings.clip_grad_norm)
    for key in ("fused_sine_layers", "closed_form_derivatives", "cuda_graphs"):
        value = getattr(settings, key)
        if value is not None:
            setattr(train, key, bool(value))
    for key in ("device", "precision", "optimizer"):
        value = getattr(settings, key)
        if value is not None:
            setattr(train, key, str(value))
    return spec


def _whole(value: Any, what: str) -> int:
    if isinstance(value, bool) or not float(value).is_integer():
        raise InvalidArgument(f"{what}: {value!r} is not a whole number")
    return int(value)


def deadline_seconds(deadline: Union[None, float, int, str, datetime.timedelta]) -> float:
    """Seconds from a number, a timedelta or a duration text like "90s", "45m", "6h", "2d"; 0 = none."""
    if deadline is None:
        return 0.0
    if isinstance(deadline, datetime.timedelta):
        seconds = deadline.total_seconds()
    elif isinstance(deadline, str):
        match = _DURATION.match(deadline)
        if not match:
            raise InvalidArgument(f"deadline {deadline!r}: write a duration like 90s, 45m, 6h or 2d")
        seconds = float(match.group(1)) * _DURATION_UNITS[match.group(2)]
    else:
        seconds = float(deadline)
    if not seconds > 0:
        raise InvalidArgument(f"deadline {deadline!r}: must be positive")
    return seconds


def build_job_options(
    request_id: Optional[str],
    priority: Union[None, str, Priority],
    deadline: Union[None, float, int, str, datetime.timedelta],
) -> "jobs_pb2.JobOptions":
    """JobOptions with a request_id always set (a fresh UUID when none is given)."""
    if request_id is None:
        request_id = uuid.uuid4().hex
    if not _REQUEST_ID.match(request_id):
        raise InvalidArgument(f"request_id {request_id!r}: 1 to 128 characters of A-Z a-z 0-9 _ -")
    options = jobs_pb2.JobOptions(request_id=request_id, deadline_seconds=deadline_seconds(deadline))
    if priority is not None:
        options.priority = Priority.parse(priority).to_proto()
    return options


@dataclass
class Submission:
    """Everything one SubmitFit stream sends; replayable, so it can be retried."""

    spec: "fit_pb2.FitSpec"
    job_options: "jobs_pb2.JobOptions"
    inputs: List[EncodedInput] = field(default_factory=list)
    resume_checkpoint: Optional[Path] = None

    def messages(self) -> Iterator["service_pb2.SubmitFitRequest"]:
        yield service_pb2.SubmitFitRequest(spec=self.spec, job_options=self.job_options)
        for encoded in self.inputs:
            for chunk in encoded.chunks():
                yield service_pb2.SubmitFitRequest(
                    named_input_chunk=service_pb2.NamedInputChunk(name=encoded.name, data=chunk)
                )
        if self.resume_checkpoint is not None:
            with open(self.resume_checkpoint, "rb") as file:
                while True:
                    chunk = file.read(CHUNK_BYTES)
                    if not chunk:
                        break
                    yield service_pb2.SubmitFitRequest(resume_checkpoint_chunk=chunk)

    def send(self, connection: Connection) -> "jobs_pb2.Job":
        """Submits, retrying UNAVAILABLE under the same request_id; the queued (or existing) job."""
        backoff = 0.2
        for attempt in range(1, SUBMIT_ATTEMPTS + 1):
            try:
                # An upload may be long and a link slow: no deadline, as the CLI.
                return connection.stub.SubmitFit(self.messages(), metadata=connection.metadata, timeout=None)
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.UNAVAILABLE or attempt == SUBMIT_ATTEMPTS:
                    raise from_rpc_error(error) from None
            time.sleep(backoff)
            backoff = min(backoff * 2, 2.0)
        raise AssertionError("unreachable")  # pragma: no cover
