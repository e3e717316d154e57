"""An image fit end to end: submission, watching (bar, history, previews), the model's every method."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import siren
from conftest import TINY, synthetic_image
from siren._stubs import jobs_pb2

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_a_watched_fit_shows_a_bar_and_records_its_progress(client: siren.Client, image: np.ndarray, capsys) -> None:
    job = client.fit("image", (image * 255).astype(np.uint8), **TINY)  # uint8 and a bar this time
    captured = capsys.readouterr()
    assert f"fit {job.id}" in captured.err and "loss" in captured.err  # tqdm writes to stderr
    assert job.last_state == siren.JobState.SUCCEEDED and job.state == "succeeded"
    history = job.progress
    assert history and history[-1]["step"] == TINY["steps"] and history[-1]["total_steps"] == TINY["steps"]
    assert all({"step", "loss", "psnr", "elapsed_seconds"} <= set(record) for record in history)
    steps = [record["step"] for record in history]
    assert steps == sorted(set(steps))
    frame = job.progress_frame()
    assert frame["step"] == steps and len(frame["psnr"]) == len(steps)
    assert job.wait() == siren.JobState.SUCCEEDED  # already over: returns at once


def test_the_model_carries_its_metrics_and_metadata(image_job: siren.Job, image_model: siren.Model) -> None:
    assert image_model.id == image_job.model_id and image_model.job_id == image_job.id
    assert image_model.task == "image" and image_model.steps == TINY["steps"]
    assert image_model.in_features == 2 and image_model.out_features == 1
    assert image_model.metrics["psnr"] > 0
    assert (image_model.metadata["width"], image_model.metadata["height"]) == ("32", "32")
    assert image_model.export_formats[0].name == "png"
    assert image_job.name == "python-suite" and image_job.task == "image" and image_job.request_id


def test_render_at_the_fitted_size_and_at_four_times_it(image_model: siren.Model) -> None:
    same = image_model.render()
    assert same.shape == (32, 32) and same.dtype == np.uint8
    big = image_model.render(128, 128)
    assert big.shape == (128, 128)
    wide = image_model.render(width=64, height=16)
    assert wide.shape == (16, 64)
    with pytest.raises(siren.InvalidArgument, match="width"):
        image_model.render(width=0)


def test_query_agrees_with_the_rendering_at_pixel_centres(image_model: siren.Model) -> None:
    rendered = image_model.render().astype(np.float64)
    rows, cols = np.mgrid[0:32, 0:32]
    coords = np.stack([rows.ravel(), cols.ravel()], axis=1) / 31.0 * 2.0 - 1.0  # (row, col) in [-1, 1]
    values = image_model.query(coords)
    assert values.shape == (32 * 32, 1) and values.dtype == np.float32
    as_pixels = np.clip((values[:, 0].astype(np.float64) + 1.0) / 2.0, 0, 1) * 255.0
    assert np.max(np.abs(as_pixels - rendered.ravel())) <= 1.0
    values_again, gradients = image_model.query(coords[:100], gradients=True)
    assert gradients.shape == (100, 2) and np.allclose(values_again, values[:100])
    assert np.all(np.isfinite(gradients)) and np.any(gradients != 0)
    with pytest.raises(siren.InvalidArgument, match=r"N x 2"):
        image_model.query(np.zeros((5, 3)))


def test_export_returns_bytes_or_writes_a_file(image_model: siren.Model, tmp_path: Path) -> None:
    png = image_model.export()
    assert isinstance(png, bytes) and png.startswith(PNG_SIGNATURE)
    written = image_model.export("png", tmp_path / "twice.png", scale=2)
    assert written == tmp_path / "twice.png"
    assert Image.open(written).size == (64, 64)
    with pytest.raises(siren.InvalidArgument, match="export as png"):
        image_model.export("obj")


def test_a_downloaded_checkpoint_resumes_a_fit(client: siren.Client, image: np.ndarray, image_model: siren.Model,
                                               tmp_path: Path) -> None:
    checkpoint = image_model.download_checkpoint(tmp_path / "image.ckpt")
    assert checkpoint.stat().st_size > 1000
    resumed = client.fit("image", image, progress=False, resume=checkpoint, **{**TINY, "steps": 40})
    assert resumed.wait() == siren.JobState.SUCCEEDED
    assert resumed.model.steps == 40  # --steps is the total: 10 more


def test_jobs_and_models_are_listed_and_found_by_id(client: siren.Client, image_job: siren.Job,
                                                    image_model: siren.Model) -> None:
    assert image_job.id in {job.id for job in client.jobs()}
    assert image_model.id in {model.id for model in client.models()}
    assert client.job(image_job.id).model_id == image_model.id
    assert client.model(image_model.id).metrics == image_model.metrics


def test_a_request_id_makes_submission_idempotent(client: siren.Client, image: np.ndarray) -> None:
    first = client.fit("image", image, watch=False, request_id="python-suite-idempotent", **TINY)
    again = client.fit("image", image, watch=False, request_id="python-suite-idempotent", **TINY)
    assert again.id == first.id and first.request_id == "python-suite-idempotent"
    with pytest.raises(siren.AlreadyExists):
        client.fit("image", image, watch=False, request_id="python-suite-idempotent", **{**TINY, "steps": 31})
    assert first.wait() == siren.JobState.SUCCEEDED


def test_priority_deadline_and_task_options_reach_the_server(client: siren.Client) -> None:
    job = client.fit("image", synthetic_image(40, 20), watch=False, priority="high", deadline="1h",
                     size=(20, 10), **TINY)
    assert job.proto.options.priority == jobs_pb2.PRIORITY_HIGH
    assert job.proto.deadline_unix_ms > 0
    assert job.proto.spec.task_options["size"] == "20x10"
    model = job.model  # waits for it
    assert (model.metadata["width"], model.metadata["height"]) == ("20", "10")
    assert model.render().shape == (10, 20)


def test_previews_arrive_while_watching(client: siren.Client, image: np.ndarray) -> None:
    """A fit long enough to preview; the first preview cancels it, so the test takes seconds."""
    seen = []

    def on_preview(preview: siren.Preview) -> None:
        seen.append(preview)
        if len(seen) == 1:
            job_holder[0].cancel()

    job_holder = [client.fit("image", image, watch=False, steps=200000, hidden=32, layers=1)]
    job = job_holder[0]
    state = job.watch(preview_every=1, on_preview=on_preview, preview_size=64, progress=False, timeout=120)
    assert state == siren.JobState.CANCELLED
    assert seen and job.previews == seen
    step, png = job.previews[0]
    assert png.startswith(PNG_SIGNATURE) and step >= 0
    decoded = job.previews[0].image()
    assert decoded.dtype == np.uint8 and max(decoded.shape[:2]) <= 64
    assert Image.open(io.BytesIO(png)).size[0] <= 64
