"""Turns what a user passes as a fit's input into the bytes the server decodes.

An input may be a file path (a folder is sent as a tar of its files), raw bytes (an encoded file), a NumPy array, an :class:`Audio` or a
PIL image. Arrays are encoded by what the input holds (its ListTasks ``media``):

* images: ``HxW`` or ``HxWxC`` (C = 1, 3 or 4), uint8,
  uint16, bool, or float in [0, 1] -> PNG (float gray images as 16-bit PNG, so nothing is lost);
* audio: 1-D, or ``N x channels``, float (scaled by its peak if beyond [-1, 1]) or int16
  -> WAV (standard library ``wave``); the sample rate comes from ``Audio(samples, rate)`` or
  ``fit(..., rate=HZ)``;
* oriented points (the SDF task): ``N x 6`` (x y z nx ny nz) -> .xyz text.

Anything that cannot be encoded raises :class:`~siren.InvalidArgument` before the upload starts.
"""
from __future__ import annotations

import io
import os
import tarfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Union, cast

import numpy as np

from .errors import InvalidArgument

CHUNK_BYTES = 1 << 20  # 1 MiB per named_input_chunk, as the CLI sends

MEDIA = ("file", "image", "audio", "video", "points")  # ListTasks' InputMedia, lower case


@dataclass(frozen=True)
class Audio:
    """Audio samples with their rate: 1-D (mono) or ``N x channels``, float in [-1, 1] or int16."""

    samples: Any
    rate: int


InputValue = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, np.ndarray, Audio, Any]


@dataclass(frozen=True)
class EncodedInput:
    """One named input ready to upload: a file read in chunks, or bytes held in memory.

    ``chunks()`` may be called more than once (a retried submission sends the input again).
    """

    name: str
    filename: str
    path: Optional[Path] = None
    data: Optional[bytes] = None

    def chunks(self) -> Iterator[bytes]:
        if self.data is not None:
            for offset in range(0, len(self.data), CHUNK_BYTES):
                yield self.data[offset : offset + CHUNK_BYTES]
            return
        assert self.path is not None
        with open(self.path, "rb") as file:
            while True:
                chunk = file.read(CHUNK_BYTES)
                if not chunk:
                    return
                yield chunk


def encode_input(name: str, value: InputValue, rate: Optional[int] = None, media: str = "file") -> EncodedInput:
    """Encodes the value of input ``name``, which holds ``media`` (see the module's docstring);
    InvalidArgument if it can't."""
    where = f"input {name!r}"
    if isinstance(value, (str, os.PathLike)):
        path = Path(value).expanduser()
        if path.is_dir():
            return EncodedInput(name, path.name + ".tar", data=folder_as_tar(path, where))
        if not path.is_file():
            raise InvalidArgument(f"{where}: no such file: {path}")
        if not os.access(path, os.R_OK):
            raise InvalidArgument(f"{where}: cannot read {path}")
        return EncodedInput(name, path.name, path=path)
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        if not data:
            raise InvalidArgument(f"{where}: the bytes are empty")
        return EncodedInput(name, "", data=data)
    if isinstance(value, Audio):
        return EncodedInput(name, f"{name}.wav", data=encode_wav(value.samples, value.rate, where))
    if _is_pil_image(value):
        buffer = io.BytesIO()
        cast(Any, value).save(buffer, format="PNG")
        return EncodedInput(name, f"{name}.png", data=buffer.getvalue())
    if isinstance(value, (np.ndarray, list, tuple)):
        array = np.asarray(value)
        encoder = _array_encoder(media)
        if encoder is None:
            raise InvalidArgument(f"{where}: a NumPy array cannot be encoded for this input; pass a file path or bytes")
        if encoder is encode_wav:
            if rate is None:
                raise InvalidArgument(f"{where}: an audio array needs its sample rate: fit(..., rate=HZ) or siren.Audio(samples, rate)")
            return EncodedInput(name, f"{name}.wav", data=encode_wav(array, rate, where))
        extension = ".png" if encoder is encode_png else ".xyz"
        return EncodedInput(name, name + extension, data=encoder(array, where))
    raise InvalidArgument(
        f"{where}: {type(value).__name__} is not an input; pass a file path, bytes, a NumPy array or siren.Audio"
    )


def folder_as_tar(folder: Path, where: str = "input") -> bytes:
    """The regular files under ``folder`` (recursively, sorted, named relative to it) as one tar, as the
    CLI sends a folder (e.g. image-prior's dataset)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    if not files:
        raise InvalidArgument(f"{where}: {folder} is an empty folder: it holds no files to send")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for file in files:
            tar.add(file, arcname=file.relative_to(folder).as_posix(), recursive=False)
    return buffer.getvalue()


def _array_encoder(media: str) -> Optional[Callable[..., bytes]]:
    return {"image": encode_png, "audio": encode_wav, "points": encode_xyz}.get(media)


def _is_pil_image(value: Any) -> bool:
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a dependency
        return False
    return isinstance(value, Image.Image)


def encode_png(array: np.ndarray, where: str = "image") -> bytes:
    """An image array (HxW or HxWxC, C 1/3/4; uint8, uint16, bool or float in [0,1]) as PNG bytes."""
    from PIL import Image

    array = np.asarray(array)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if not (array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (3, 4))):
        raise InvalidArgument(
            f"{where}: an image array is HxW or HxWxC with C 1, 3 or 4; got shape {tuple(array.shape)}"
        )
    if array.shape[0] < 1 or array.shape[1] < 1:
        raise InvalidArgument(f"{where}: the image array is empty (shape {tuple(array.shape)})")
    gray = array.ndim == 2
    if array.dtype == np.bool_:
        array = array.astype(np.uint8) * 255
    elif np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)):
            raise InvalidArgument(f"{where}: the image array has NaN or infinite values")
        low, high = float(array.min()), float(array.max())
        if low < 0.0 or high > 1.0:
            raise InvalidArgument(
                f"{where}: a float image must be in [0, 1]; this one spans [{low:g}, {high:g}] "
                "(divide by 255 for 8-bit values, or pass uint8)"
            )
        array = np.rint(array * 65535.0).astype(np.uint16) if gray else np.rint(array * 255.0).astype(np.uint8)
    elif np.issubdtype(array.dtype, np.integer) and array.dtype not in (np.uint8, np.uint16):
        low, high = int(array.min()), int(array.max())
        if low < 0 or high > 255:
            raise InvalidArgument(
                f"{where}: integer pixels must be in [0, 255] (or use uint16); this array spans [{low}, {high}]"
            )
        array = array.astype(np.uint8)
    elif not np.issubdtype(array.dtype, np.integer):
        raise InvalidArgument(f"{where}: cannot make an image of dtype {array.dtype}")
    if array.dtype == np.uint16 and not gray:  # Pillow writes 16-bit PNGs for gray images only
        array = (array // 257).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(array)).save(buffer, format="PNG")
    return buffer.getvalue()


def encode_wav(samples: Any, rate: Optional[int], where: str = "audio") -> bytes:
    """Audio samples (1-D or N x channels; float or int16) as a PCM WAV file (float: 32-bit PCM)."""
    array = np.asarray(samples)
    if isinstance(rate, bool) or not isinstance(rate, (int, np.integer)) or rate < 1:
        raise InvalidArgument(f"{where}: the sample rate must be a positive whole number of Hz, not {rate!r}")
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] < 2 or array.shape[1] < 1:
        raise InvalidArgument(
            f"{where}: an audio array is 1-D (mono) or N x channels with at least 2 samples; got shape {tuple(np.shape(samples))}"
        )
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)):
            raise InvalidArgument(f"{where}: the audio array has NaN or infinite values")
        peak = float(np.abs(array).max())
        if peak > 1.0:
            array = array / peak  # the server divides by the peak anyway
        pcm = np.rint(np.clip(array, -1.0, 1.0) * 2147483647.0).astype("<i4")
        width = 4
    elif array.dtype == np.int16:
        pcm, width = array.astype("<i2"), 2
    else:
        raise InvalidArgument(f"{where}: audio samples must be float (in [-1, 1]) or int16, not {array.dtype}")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(pcm.shape[1])
        out.setsampwidth(width)
        out.setframerate(int(rate))
        out.writeframes(np.ascontiguousarray(pcm).tobytes())
    return buffer.getvalue()


def encode_xyz(points: Any, where: str = "points") -> bytes:
    """Oriented points, an N x 6 array (x y z nx ny nz), as .xyz text."""
    array = np.asarray(points, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] != 6 or array.shape[0] < 1:
        raise InvalidArgument(
            f"{where}: oriented points are an N x 6 array (x y z nx ny nz per row); got shape {tuple(np.shape(points))}"
        )
    if not np.all(np.isfinite(array)):
        raise InvalidArgument(f"{where}: the points have NaN or infinite values")
    buffer = io.StringIO()
    np.savetxt(buffer, array, fmt="%.9g")
    return buffer.getvalue().encode()
