"""Exceptions: every gRPC status the server answers becomes a :class:`SirenError` subclass.

Each carries ``.code`` (a :class:`grpc.StatusCode`) and ``.message`` (the server's text, or the
client's own when it caught the problem before sending). Checks that ListTasks makes possible
(unknown task, unknown option, missing input, wrong array shape) raise :class:`InvalidArgument`
locally, with the same code the server would have answered.
"""
from __future__ import annotations

from typing import Dict, Optional, Type

import grpc


class SirenError(Exception):
    """Base of every error this package raises for a failed call or a refused request."""

    default_code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(self, message: str, code: Optional[grpc.StatusCode] = None) -> None:
        super().__init__(message)
        self.message = message
        self.code: grpc.StatusCode = code if code is not None else self.default_code

    def __str__(self) -> str:
        return f"{self.code.name}: {self.message}" if self.message else self.code.name


class InvalidArgument(SirenError, ValueError):
    """The request is malformed: unknown task, option or input; a value out of range; a bad array."""

    default_code = grpc.StatusCode.INVALID_ARGUMENT


class NotFound(SirenError, KeyError):
    """No job or model with that id."""

    default_code = grpc.StatusCode.NOT_FOUND

    def __str__(self) -> str:  # KeyError would quote the message
        return SirenError.__str__(self)


class AlreadyExists(SirenError):
    """A request_id reused with different settings."""

    default_code = grpc.StatusCode.ALREADY_EXISTS


class FailedPrecondition(SirenError):
    """The job is not in a state that allows this (e.g. deleting a running job)."""

    default_code = grpc.StatusCode.FAILED_PRECONDITION


class ResourceExhausted(SirenError):
    """The server's queue or limits are full (too many jobs, too large an upload or render)."""

    default_code = grpc.StatusCode.RESOURCE_EXHAUSTED


class Unauthenticated(SirenError):
    """No token, or the wrong one (Client(token=...) / $SIREN_TOKEN)."""

    default_code = grpc.StatusCode.UNAUTHENTICATED


class PermissionDenied(SirenError):
    """The token is not allowed this call."""

    default_code = grpc.StatusCode.PERMISSION_DENIED


class Unavailable(SirenError, ConnectionError):
    """The server cannot be reached (after the retries)."""

    default_code = grpc.StatusCode.UNAVAILABLE


class DeadlineExceeded(SirenError, TimeoutError):
    """A call, or a wait, took longer than its timeout."""

    default_code = grpc.StatusCode.DEADLINE_EXCEEDED


class Cancelled(SirenError):
    """The call was cancelled on the client side."""

    default_code = grpc.StatusCode.CANCELLED


class Unimplemented(SirenError):
    """The server does not have this RPC (an older siren-server)."""

    default_code = grpc.StatusCode.UNIMPLEMENTED


class Internal(SirenError):
    """The server failed in a way it did not expect; its log says more."""

    default_code = grpc.StatusCode.INTERNAL


class JobFailed(SirenError):
    """A job ended FAILED; ``.message`` is the server's reason and ``.job_id`` the job."""

    default_code = grpc.StatusCode.ABORTED

    def __init__(self, message: str, job_id: str = "") -> None:
        super().__init__(message)
        self.job_id = job_id

    def __str__(self) -> str:
        return f"job {self.job_id} failed: {self.message}"


_BY_CODE: Dict[grpc.StatusCode, Type[SirenError]] = {
    cls.default_code: cls
    for cls in (
        InvalidArgument,
        NotFound,
        AlreadyExists,
        FailedPrecondition,
        ResourceExhausted,
        Unauthenticated,
        PermissionDenied,
        Unavailable,
        DeadlineExceeded,
        Cancelled,
        Unimplemented,
        Internal,
    )
}


def error_for_status(code: grpc.StatusCode, message: str) -> SirenError:
    """The exception for a status: its subclass when there is one, else a SirenError with the code."""
    cls = _BY_CODE.get(code)
    return cls(message) if cls is not None else SirenError(message, code)


def from_rpc_error(error: grpc.RpcError) -> SirenError:
    """Converts what grpc raised (a grpc.Call that is also an RpcError) into a SirenError."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    details = error.details() if hasattr(error, "details") else str(error)
    return error_for_status(code, details or "")
