"""A trained field on the server: render it, query it at any points, export it, download it."""
from __future__ import annotations

import io
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Tuple, Union, overload

import grpc
import numpy as np

from ._stubs import service_pb2
from .connection import rpc_errors
from .errors import InvalidArgument, SirenError
from .tasks import kind_to_name

if TYPE_CHECKING:  # pragma: no cover
    from typing import Literal

    from .client import Client

POINTS_PER_MESSAGE = 65536  # the CLI's chunk: one QueryField message, one response each
QUERY_CHUNKS_IN_FLIGHT = 2  # chunks sent ahead of their answers (the CLI: 1, lock-step)


def decode_png(png: bytes) -> np.ndarray:
    """PNG bytes -> uint8 (or uint16) array, HxW for gray, HxWxC for colour."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        image.load()
        return np.asarray(image).copy()


@dataclass(frozen=True)
class ExportFormat:
    """One format :meth:`Model.export` accepts, with its options (name -> help with the default)."""

    name: str
    extension: str
    description: str
    options: Dict[str, str]


class Model:
    """A trained model (from :attr:`Job.model` or :meth:`Client.model`).

    Attributes:
        id, job_id, task (its name, e.g. ``"image"``), in_features, out_features, steps,
        metrics (final figures, e.g. ``{"psnr": 31.2, "loss": ...}``), metadata (task facts, e.g.
        an image's ``width``/``height``/``channels``), export_formats.
    """

    def __init__(self, client: "Client", model: "service_pb2.Model") -> None:
        self._client = client
        self.proto = model
        self.id: str = model.model_id
        self.job_id: str = model.job_id
        self.task: str = kind_to_name(model.task)
        self.in_features: int = model.in_features
        self.out_features: int = model.out_features
        self.steps: int = model.steps
        self.metrics: Dict[str, float] = dict(model.metrics)
        self.metadata: Dict[str, str] = dict(model.metadata)
        self.export_formats: List[ExportFormat] = [
            ExportFormat(f.name, f.extension, f.description, dict(f.options)) for f in model.export_formats
        ]

    # --- images --------------------------------------------------------------------------------
    def render(self, width: Optional[int] = None, height: Optional[int] = None) -> np.ndarray:
        """Renders an image model at any size; returns uint8 HxW (gray) or HxWxC (colour).

        An unset side is the fitted image's (RenderImage's 0); ``render(4 * w, 4 * h)`` is a 4x
        super-resolution of a ``w x h`` fit.
        """
        for side, value in (("width", width), ("height", height)):
            if value is not None and (isinstance(value, bool) or int(value) != value or value < 1):
                raise InvalidArgument(f"render: {side} must be a positive whole number, not {value!r}")
        request = service_pb2.RenderImageRequest(model_id=self.id, width=int(width or 0), height=int(height or 0))
        return decode_png(self._download("RenderImage", request))

    # --- arbitrary points ------------------------------------------------------------------------
    @overload
    def query(self, coords: Any, gradients: "Literal[False]" = ...) -> np.ndarray: ...

    @overload
    def query(self, coords: Any, gradients: "Literal[True]") -> Tuple[np.ndarray, np.ndarray]: ...

    def query(self, coords: Any, gradients: bool = False) -> Union[np.ndarray, Tuple[np.ndarray, np.ndarray]]:
        """Evaluates the field at ``coords`` (N x in_features, in the model's coordinate space).

        Image models take (row, col) in [-1, 1]; SDFs (x, y, z) in the normalised cube. The points
        are streamed 65,536 per message, so millions are fine.

        Returns:
            the raw network outputs, float32 N x out_features; with ``gradients=True`` a pair
            ``(values, gradients)``, gradients being float32 N x in_features: d(sum of the
            outputs)/d(coords) per point (an SDF's normal direction, an image's gradient).
        """
        points = np.ascontiguousarray(np.asarray(coords, dtype=np.float32))
        if points.ndim == 1 and self.in_features == 1:
            points = points[:, None]
        if points.ndim != 2 or points.shape[1] != self.in_features:
            raise InvalidArgument(
                f"query: coords must be N x {self.in_features} (the model's in_features); got shape {tuple(np.shape(coords))}"
            )
        if not np.all(np.isfinite(points)):
            raise InvalidArgument("query: coords must be finite numbers")
        count = points.shape[0]
        values = np.empty((count, self.out_features), dtype=np.float32)
        grads = np.empty((count, self.in_features), dtype=np.float32) if gradients else None
        if count == 0:
            return (values, grads) if grads is not None else values

        chunks = [(start, min(start + POINTS_PER_MESSAGE, count)) for start in range(0, count, POINTS_PER_MESSAGE)]
        answered = threading.Semaphore(QUERY_CHUNKS_IN_FLIGHT)
        stop = threading.Event()

        def requests() -> Iterator[service_pb2.QueryFieldRequest]:
            for index, (start, end) in enumerate(chunks):
                answered.acquire()
                if stop.is_set():
                    return
                request = service_pb2.QueryFieldRequest(coords=points[start:end].ravel())
                if index == 0:
                    request.model_id = self.id
                    request.with_gradients = gradients
                yield request

        connection = self._client._connection
        call = connection.stub.QueryField(requests(), metadata=connection.metadata, timeout=None)
        received = 0
        try:
            with rpc_errors():
                for response in call:
                    if received == len(chunks):
                        raise SirenError("the server answered more chunks than were sent", grpc.StatusCode.INTERNAL)
                    start, end = chunks[received]
                    n = end - start
                    if response.out_features != self.out_features or len(response.values) != n * self.out_features:
                        raise SirenError(
                            f"the server answered {len(response.values)} values for {n} points", grpc.StatusCode.INTERNAL
                        )
                    values[start:end] = np.asarray(response.values, dtype=np.float32).reshape(n, self.out_features)
                    if grads is not None:
                        if len(response.gradients) != n * self.in_features:
                            raise SirenError(
                                f"the server answered {len(response.gradients)} gradient components for {n} points",
                                grpc.StatusCode.INTERNAL,
                            )
                        grads[start:end] = np.asarray(response.gradients, dtype=np.float32).reshape(n, self.in_features)
                    received += 1
                    answered.release()
                # The stream ended: after the last chunk the request iterator half-closed it, and the
                # server's status (OK, or why not) has been checked by the iteration.
        finally:
            stop.set()
            answered.release()  # unblock the request thread so the call can end
            if received < len(chunks):
                call.cancel()
        if received < len(chunks):
            raise SirenError(f"the query ended after {received} of {len(chunks)} chunks", grpc.StatusCode.INTERNAL)
        return (values, grads) if grads is not None else values

    # --- files -------------------------------------------------------------------------------------
    def export(
        self, format: Optional[str] = None, path: Union[None, str, "os.PathLike[str]"] = None, **options: Any
    ) -> Union[bytes, Path]:
        """Exports the model in one of its task's formats (default: the first, e.g. png, wav, ply).

        ``options`` are the format's (see :attr:`export_formats`), e.g. png ``scale=2`` or
        ``width=1024, height=768``; ply ``resolution=128``. Returns the bytes, or writes them to
        ``path`` and returns that path.
        """
        if format is not None and self.export_formats and format not in {f.name for f in self.export_formats}:
            known = ", ".join(f.name for f in self.export_formats)
            raise InvalidArgument(f"export: {self.task} models export as {known}, not {format!r}")
        request = service_pb2.ExportModelRequest(
            model_id=self.id, format=format or "", options={k: _option_text(v) for k, v in options.items()}
        )
        return self._deliver(self._download("ExportModel", request), path)

    def download_checkpoint(self, path: Union[str, "os.PathLike[str]"]) -> Path:
        """Writes the model's checkpoint (weights, Adam moments, step, RNG: Client.fit(resume=...) continues it)."""
        data = self._download("DownloadCheckpoint", service_pb2.DownloadCheckpointRequest(model_id=self.id))
        result = self._deliver(data, path)
        assert isinstance(result, Path)
        return result

    def delete(self) -> None:
        """Deletes the model on the server."""
        self._client._connection.unary("DeleteModel", service_pb2.DeleteModelRequest(model_id=self.id))

    def _download(self, method: str, request: Any) -> bytes:
        connection = self._client._connection
        buffer = bytearray()
        with rpc_errors():
            for chunk in getattr(connection.stub, method)(request, metadata=connection.metadata, timeout=None):
                buffer += chunk.data
        return bytes(buffer)

    @staticmethod
    def _deliver(data: bytes, path: Union[None, str, "os.PathLike[str]"]) -> Union[bytes, Path]:
        if path is None:
            return data
        target = Path(path).expanduser()
        target.write_bytes(data)
        return target

    def __repr__(self) -> str:
        figures = " ".join(f"{k}={v:.4g}" for k, v in sorted(self.metrics.items()))
        return f"<siren.Model {self.id} {self.task} {self.steps} steps {figures}>"


def _option_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (tuple, list)):
        return ",".join(str(v) for v in value)
    return str(value)
