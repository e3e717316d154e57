"""The generated protobuf and gRPC modules (setup.py makes them from proto/ at build time).

Everything else imports them from here, so a source checkout that was never built fails with a
message that says what to do instead of a bare ModuleNotFoundError.
"""
from __future__ import annotations

try:
    from siren._proto.siren.v1 import fit_pb2, jobs_pb2, service_pb2, service_pb2_grpc, tasks_pb2
except ImportError as error:  # pragma: no cover - only in an unbuilt checkout
    raise ImportError(
        "siren: the gRPC stubs are missing (siren/_proto is generated when the package is built). "
        "Install the package, e.g. `pip install ./client/python` from the siren repository."
    ) from error

__all__ = ["fit_pb2", "jobs_pb2", "service_pb2", "service_pb2_grpc", "tasks_pb2"]
