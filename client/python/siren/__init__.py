"""siren: the Python client of siren-server.

Fit SIREN neural fields (images, audio, video, SDFs, PDEs) on a server, watch them train, and
render, query or export the trained fields::

    import numpy as np, siren

    client = siren.Client("localhost:50051")
    image = np.random.rand(32, 32)                       # HxW float in [0, 1], or uint8
    job = client.fit("image", image, steps=300, hidden=64)
    model = job.model
    big = model.render(128, 128)                         # uint8 128x128
    values = model.query(np.zeros((10, 2), np.float32))  # raw outputs at (row, col) in [-1, 1]

Errors are :class:`SirenError` subclasses carrying the gRPC status ``.code`` and the server's
message (``InvalidArgument``, ``NotFound``, ``Unavailable``, ...); a failed job raises
:class:`JobFailed` from :meth:`Job.wait`.
"""
from .client import Client
from .errors import (
    AlreadyExists,
    Cancelled,
    DeadlineExceeded,
    FailedPrecondition,
    Internal,
    InvalidArgument,
    JobFailed,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    SirenError,
    Unauthenticated,
    Unavailable,
    Unimplemented,
)
from .inputs import Audio
from .job import Job, Preview
from .model import ExportFormat, Model
from .states import JobState, Priority
from .tasks import Task, TaskInput, TaskOption

__version__ = "0.1.0"

__all__ = [
    "AlreadyExists",
    "Audio",
    "Cancelled",
    "Client",
    "DeadlineExceeded",
    "ExportFormat",
    "FailedPrecondition",
    "Internal",
    "InvalidArgument",
    "Job",
    "JobFailed",
    "JobState",
    "Model",
    "NotFound",
    "PermissionDenied",
    "Preview",
    "Priority",
    "ResourceExhausted",
    "SirenError",
    "Task",
    "TaskInput",
    "TaskOption",
    "Unauthenticated",
    "Unavailable",
    "Unimplemented",
]
