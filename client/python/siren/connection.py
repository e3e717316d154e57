"""The channel to siren-server: plaintext or TLS, the access token, the retry policy, error mapping.

Mirrors the C++ CLI (client/connection.cpp, proto/retry_policy.cpp): 64 MiB messages, and gRPC's
own retries of UNAVAILABLE (4 attempts, 0.2 s doubling to 2 s) for every method but SubmitFit,
which the client retries itself under the fit's request_id (see submission.py).
"""
from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any, Iterator, List, Optional, Sequence, Tuple, Union

import grpc

from ._stubs import service_pb2_grpc
from .errors import InvalidArgument, from_rpc_error

DEFAULT_SERVER = "localhost:50051"
DEFAULT_TIMEOUT_SECONDS = 60.0  # unary calls; streams that follow a job, upload or query get none
MAX_MESSAGE_BYTES = 64 * 1024 * 1024

# The CLI's policy, word for word: a method-level entry overrides the service-level one, so SubmitFit
# gets no retryPolicy (a retried upload could queue a job twice without a request_id).
RETRY_POLICY = {
    "methodConfig": [
        {
            "name": [{"service": "siren.v1.Siren"}],
            "retryPolicy": {
                "maxAttempts": 4,
                "initialBackoff": "0.2s",
                "maxBackoff": "2s",
                "backoffMultiplier": 2,
                "retryableStatusCodes": ["UNAVAILABLE"],
            },
        },
        {"name": [{"service": "siren.v1.Siren", "method": "SubmitFit"}]},
    ]
}

Metadata = Sequence[Tuple[str, str]]


def _read_pem(path: Union[str, os.PathLike], what: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InvalidArgument(f"{what}: cannot read '{path}': {error.strerror}") from error
    if b"-----BEGIN " not in data:
        raise InvalidArgument(f"{what}: '{path}' is not a PEM file (no '-----BEGIN' line)")
    return data


class Connection:
    """One gRPC channel and its stub, plus the per-call metadata (the token) and default timeout.

    Args:
        server: ``HOST:PORT`` of siren-server.
        token: sent as ``authorization: Bearer TOKEN`` on every call when set.
        tls: ``False`` for plaintext; ``True`` for TLS trusting the system's roots; or the path of a
            PEM CA (or self-signed server certificate) to trust.
        timeout: seconds for calls that should answer promptly (not for watches, uploads, queries).
        tls_client_cert, tls_client_key: a client certificate and its key, for mutual TLS.
        tls_server_name: the name the server's certificate must carry, when it differs from HOST.
    """

    def __init__(
        self,
        server: str,
        token: Optional[str] = None,
        tls: Union[bool, str, os.PathLike] = False,
        timeout: Optional[float] = DEFAULT_TIMEOUT_SECONDS,
        tls_client_cert: Optional[Union[str, os.PathLike]] = None,
        tls_client_key: Optional[Union[str, os.PathLike]] = None,
        tls_server_name: Optional[str] = None,
    ) -> None:
        self.server = server
        self.timeout = timeout
        self._metadata: List[Tuple[str, str]] = [("authorization", f"Bearer {token}")] if token else []
        options: List[Tuple[str, object]] = [
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.enable_retries", 1),
            ("grpc.service_config", json.dumps(RETRY_POLICY)),
        ]
        if (tls_client_cert is None) != (tls_client_key is None):
            raise InvalidArgument(
                "tls_client_cert and tls_client_key go together: give both for a server that requires mutual TLS, "
                "or neither"
            )
        if tls is False and tls_client_cert is None:
            self.channel = grpc.insecure_channel(server, options=options)
        else:
            root = None if tls is True or tls is False else _read_pem(tls, "tls (CA certificate)")
            cert = _read_pem(tls_client_cert, "tls_client_cert") if tls_client_cert is not None else None
            key = _read_pem(tls_client_key, "tls_client_key") if tls_client_key is not None else None
            if tls_server_name:
                options.append(("grpc.ssl_target_name_override", tls_server_name))
            credentials = grpc.ssl_channel_credentials(root_certificates=root, private_key=key, certificate_chain=cert)
            self.channel = grpc.secure_channel(server, credentials, options=options)
        self.stub = service_pb2_grpc.SirenStub(self.channel)

    @property
    def metadata(self) -> Metadata:
        """What every call sends: the bearer token, when there is one."""
        return self._metadata

    def unary(self, method: str, request: Any, timeout: Optional[float] = -1.0) -> Any:
        """Calls a unary RPC by name (e.g. ``"GetJob"``); grpc errors become SirenError subclasses.

        ``timeout=-1`` (the default) uses the connection's timeout; ``None`` waits indefinitely.
        """
        call = getattr(self.stub, method)
        with rpc_errors():
            return call(request, metadata=self._metadata, timeout=self.timeout if timeout == -1.0 else timeout)

    def close(self) -> None:
        """Closes the channel; calls in flight are cancelled."""
        self.channel.close()


@contextlib.contextmanager
def rpc_errors() -> Iterator[None]:
    """Turns a grpc.RpcError raised inside the block into the matching SirenError."""
    try:
        yield
    except grpc.RpcError as error:
        raise from_rpc_error(error) from None
