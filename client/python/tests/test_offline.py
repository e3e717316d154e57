"""What the client does without a server: input encoding, option checks, errors, retried submission."""
from __future__ import annotations

import datetime
import io
import wave
from typing import Any, List

import grpc
import numpy as np
import pytest
from PIL import Image

import siren
from siren._stubs import fit_pb2, jobs_pb2, tasks_pb2
from siren.errors import error_for_status
from siren.inputs import encode_input, encode_png, encode_wav, encode_xyz
from siren.submission import FitSettings, Submission, build_fit_spec, build_job_options, deadline_seconds
from siren.tasks import TaskOption, kind_to_name, name_to_kind


def test_images_encode_to_png_of_their_shape_and_depth() -> None:
    gray = np.linspace(0, 1, 12 * 8).reshape(12, 8)
    decoded = np.asarray(Image.open(io.BytesIO(encode_png(gray))))
    assert decoded.shape == (12, 8) and decoded.dtype == np.uint16  # float gray: 16 bits, nothing lost
    assert abs(decoded[-1, -1] - 65535) <= 1
    rgb = (np.random.default_rng(0).random((5, 7, 3)) * 255).astype(np.uint8)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(encode_png(rgb)))), rgb)
    single_channel = np.zeros((4, 4, 1), np.uint8)
    assert np.asarray(Image.open(io.BytesIO(encode_png(single_channel)))).shape == (4, 4)


@pytest.mark.parametrize(
    "array, words",
    [
        (np.zeros((2, 3, 5)), "HxW or HxWxC"),
        (np.zeros(10), "HxW or HxWxC"),
        (np.zeros((4, 4)) + 2.0, "[0, 1]"),
        (np.full((4, 4), np.nan), "NaN"),
        (np.full((4, 4), 300, np.int32), "[0, 255]"),
    ],
)
def test_bad_image_arrays_are_refused_with_the_reason(array: np.ndarray, words: str) -> None:
    with pytest.raises(siren.InvalidArgument, match=words.replace("[", r"\[").replace("]", r"\]")) as raised:
        encode_input("image", array, media="image")
    assert raised.value.code == grpc.StatusCode.INVALID_ARGUMENT


def test_audio_encodes_to_wav_with_its_rate() -> None:
    samples = np.sin(np.linspace(0, 40, 1000))
    with wave.open(io.BytesIO(encode_wav(samples, 8000)), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getnframes()) == (8000, 1, 1000)
    stereo = (np.zeros((50, 2)) + 0.25).astype(np.float32)
    with wave.open(io.BytesIO(encode_input("audio", siren.Audio(stereo, 16000)).data or b""), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels()) == (16000, 2)
    with pytest.raises(siren.InvalidArgument, match="rate"):
        encode_input("audio", samples, media="audio")  # an array without its rate
    with pytest.raises(siren.InvalidArgument, match="1-D"):
        encode_input("audio", np.zeros((2, 2, 2)), rate=8000, media="audio")


def test_points_encode_to_xyz_text() -> None:
    text = encode_xyz(np.arange(12, dtype=float).reshape(2, 6)).decode()
    assert text.splitlines() == ["0 1 2 3 4 5", "6 7 8 9 10 11"]
    with pytest.raises(siren.InvalidArgument, match="N x 6"):
        encode_input("points", np.zeros((5, 3)), media="points")


def test_paths_and_bytes_pass_through(tmp_path: Any) -> None:
    path = tmp_path / "in.png"
    path.write_bytes(b"\x89PNG" + bytes(3 << 20))
    encoded = encode_input("image", str(path))
    assert encoded.filename == "in.png"
    chunks = list(encoded.chunks())
    assert [len(c) for c in chunks] == [1 << 20, 1 << 20, 1 << 20, 4]  # 1 MiB chunks, as the CLI
    assert list(encoded.chunks()) == chunks  # replayable for a retried submission
    with pytest.raises(siren.InvalidArgument, match="no such file"):
        encode_input("image", tmp_path / "missing.png")
    with pytest.raises(siren.InvalidArgument, match="cannot be encoded"):
        encode_input("video", np.zeros((2, 4, 4, 3)), media="video")
    with pytest.raises(siren.InvalidArgument, match="cannot be encoded"):
        encode_input("prior", np.zeros((4, 4)), media="file")  # opaque bytes: a path or bytes only


def option(type_: int, **fields: Any) -> TaskOption:
    return TaskOption.from_proto(tasks_pb2.TaskOption(name="x", type=type_, **fields))


def test_options_are_checked_and_written_as_the_server_reads_them() -> None:
    integer = option(tasks_pb2.TASK_OPTION_TYPE_INTEGER, min=1, max=100)
    assert integer.encode(7) == "7" and integer.encode("7") == "7"
    for bad in (0, 101, 2.5, "seven", True):
        with pytest.raises(siren.InvalidArgument):
            integer.encode(bad)
    number = option(tasks_pb2.TASK_OPTION_TYPE_NUMBER, min=0, max=1)
    assert number.encode(0.25) == "0.25"
    with pytest.raises(siren.InvalidArgument, match="out of range"):
        number.encode(1.5)
    choice = option(tasks_pb2.TASK_OPTION_TYPE_CHOICE, choices=["a", "b"])
    assert choice.encode("b") == "b"
    with pytest.raises(siren.InvalidArgument, match="one of a, b"):
        choice.encode("c")
    point = option(tasks_pb2.TASK_OPTION_TYPE_POINT, min=-1, max=1)
    assert point.encode((0.5, -1)) == "0.5,-1" and point.encode("0,0") == "0,0"
    with pytest.raises(siren.InvalidArgument):
        point.encode((0, 2))
    size = option(tasks_pb2.TASK_OPTION_TYPE_SIZE)
    assert [size.encode(v) for v in ((64, 48), 32, "20x10", "original")] == ["64x48", "32x32", "20x10", "original"]
    with pytest.raises(siren.InvalidArgument, match="not a size"):
        size.encode("big")


def test_task_names_map_to_the_enum() -> None:
    assert name_to_kind("poisson-grad") == fit_pb2.TASK_KIND_POISSON_GRAD
    assert name_to_kind("poisson_grad") == fit_pb2.TASK_KIND_POISSON_GRAD
    assert kind_to_name(fit_pb2.TASK_KIND_POISSON_COMPOSITE) == "poisson-composite"
    assert name_to_kind("no-such-task") is None


def test_speed_switches_are_sent_only_when_set() -> None:
    unset = build_fit_spec(fit_pb2.TASK_KIND_HELMHOLTZ, {}, FitSettings(), None, "")
    assert not unset.train.HasField("closed_form_derivatives") and not unset.train.HasField("fused_sine_layers")
    spec = build_fit_spec(fit_pb2.TASK_KIND_HELMHOLTZ, {}, FitSettings(closed_form_derivatives=False), None, "")
    assert spec.train.HasField("closed_form_derivatives") and spec.train.closed_form_derivatives is False


def test_job_options_always_carry_a_request_id() -> None:
    first, second = build_job_options(None, None, None), build_job_options(None, None, None)
    assert first.request_id and first.request_id != second.request_id
    options = build_job_options("mine-1", "high", "45m")
    assert (options.request_id, options.priority, options.deadline_seconds) == ("mine-1", jobs_pb2.PRIORITY_HIGH, 2700)
    assert deadline_seconds(datetime.timedelta(hours=1)) == 3600 and deadline_seconds(90) == 90
    for bad in (dict(request_id="has space"), dict(priority="urgent"), dict(deadline="soon")):
        args: dict = {"request_id": None, "priority": None, "deadline": None}
        args.update(bad)
        with pytest.raises(siren.InvalidArgument):
            build_job_options(**args)


def test_statuses_map_to_exception_classes() -> None:
    error = error_for_status(grpc.StatusCode.NOT_FOUND, "no job 'x'")
    assert isinstance(error, siren.NotFound) and isinstance(error, siren.SirenError)
    assert error.code == grpc.StatusCode.NOT_FOUND and str(error) == "NOT_FOUND: no job 'x'"
    odd = error_for_status(grpc.StatusCode.DATA_LOSS, "gone")
    assert type(odd) is siren.SirenError and odd.code == grpc.StatusCode.DATA_LOSS


class FlakyRpcError(grpc.RpcError):
    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.UNAVAILABLE

    def details(self) -> str:
        return "connection reset"


class FlakyStub:
    """SubmitFit that loses the first attempts, recording each attempt's request_id."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.request_ids: List[str] = []

    def SubmitFit(self, messages: Any, metadata: Any, timeout: Any) -> jobs_pb2.Job:
        first = next(iter(messages))
        self.request_ids.append(first.job_options.request_id)
        for _ in messages:
            pass
        if len(self.request_ids) <= self.failures:
            raise FlakyRpcError()
        return jobs_pb2.Job(job_id="j1", options=first.job_options)


class FakeConnection:
    def __init__(self, stub: FlakyStub) -> None:
        self.stub = stub
        self.metadata = ()


def test_a_folder_is_sent_as_a_tar_of_its_files(tmp_path: Any) -> None:
    import tarfile

    (tmp_path / "set" / "deeper").mkdir(parents=True)
    (tmp_path / "set" / "b.png").write_bytes(b"B")
    (tmp_path / "set" / "deeper" / "a.png").write_bytes(b"A")
    encoded = encode_input("images", tmp_path / "set")
    assert encoded.filename == "set.tar"
    with tarfile.open(fileobj=io.BytesIO(encoded.data or b"")) as tar:
        assert [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()] == [("b.png", b"B"), ("deeper/a.png", b"A")]  # type: ignore[union-attr]
    (tmp_path / "empty").mkdir()
    with pytest.raises(siren.InvalidArgument, match="empty folder"):
        encode_input("images", tmp_path / "empty")


def test_a_submission_is_retried_on_unavailable_under_one_request_id(monkeypatch: pytest.MonkeyPatch) -> None:
    backoffs: List[float] = []
    monkeypatch.setattr("siren.submission.time.sleep", backoffs.append)
    submission = Submission(
        spec=fit_pb2.FitSpec(task=fit_pb2.TASK_KIND_IMAGE),
        job_options=build_job_options(None, None, None),
        inputs=[encode_input("image", np.zeros((4, 4), np.uint8), media="image")],
    )
    stub = FlakyStub(failures=2)
    job = submission.send(FakeConnection(stub))  # type: ignore[arg-type]
    assert job.job_id == "j1" and len(stub.request_ids) == 3 and len(set(stub.request_ids)) == 1
    assert backoffs == [0.2, 0.4]  # the CLI's policy: 0.2 s doubling
    with pytest.raises(siren.Unavailable, match="connection reset"):
        submission.send(FakeConnection(FlakyStub(failures=10)))  # type: ignore[arg-type]


def test_an_unreachable_server_raises_unavailable() -> None:
    with siren.Client("127.0.0.1:1", timeout=10) as client:
        with pytest.raises(siren.Unavailable) as raised:
            client.tasks()
    assert raised.value.code == grpc.StatusCode.UNAVAILABLE
