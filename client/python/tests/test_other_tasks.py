"""The other kinds of input: oriented points (SDF) with its mesh export, audio arrays, two named images."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image

import siren
from conftest import TINY, sphere_points, synthetic_image


def test_an_sdf_fits_from_an_array_and_exports_a_ply_mesh(sdf_model: siren.Model) -> None:
    assert sdf_model.task == "sdf" and sdf_model.in_features == 3
    mesh = sdf_model.export("ply", resolution=32)
    assert isinstance(mesh, bytes) and mesh.startswith(b"ply")
    values, gradients = sdf_model.query(np.zeros((10, 3), np.float32), gradients=True)
    assert values.shape == (10, 1) and gradients.shape == (10, 3)


def test_an_sdf_fit_counted_in_epochs_runs_points_over_batch_steps_each(client: siren.Client) -> None:
    # 2,000 points in batches of 200 surface points: 10 steps an epoch, as the reference's loop counts.
    job = client.fit("sdf", sphere_points(2000), progress=False, on_surface_points=200, epochs=2, hidden=32, layers=1)
    assert job.wait() == siren.JobState.SUCCEEDED
    assert job.model.steps == 20
    last = job.progress[-1]  # watched to the end
    assert (last["step"], last["total_steps"], last["epoch"], last["total_epochs"]) == (20, 20, 2, 2)


def test_audio_fits_from_a_1d_array_with_its_rate(client: siren.Client) -> None:
    rate = 8000
    samples = 0.5 * np.sin(2 * np.pi * 440 * np.arange(800) / rate)
    job = client.fit("audio", samples, rate=rate, progress=False, **TINY)
    assert job.wait() == siren.JobState.SUCCEEDED
    model = job.model
    assert model.task == "audio" and model.in_features == 1
    wav = model.export(rate=rate)  # a float WAV (format 3), which the standard library's wave cannot read
    assert isinstance(wav, bytes) and wav[:4] == b"RIFF" and wav[8:12] == b"WAVE" and len(wav) > 800 * 4
    assert model.query(np.linspace(-100, 100, 5)).shape == (5, 1)  # a 1-D array of times works for 1 input


def test_a_task_with_two_inputs_takes_a_dict(client: siren.Client) -> None:
    background, foreground = synthetic_image(32, 32), synthetic_image(16, 16)[::-1]
    job = client.fit("poisson-composite", {"background": background, "foreground": foreground},
                     progress=False, size="original", **TINY)  # its preset resizes to 512x512
    assert job.wait() == siren.JobState.SUCCEEDED
    model = job.model
    assert model.task == "poisson-composite" and model.export_formats[0].name == "png"
    blended = Image.open(io.BytesIO(model.export()))  # RenderImage is for image models only
    assert blended.size == (32, 32)


def test_an_optional_input_may_be_left_out(client: siren.Client) -> None:
    inpainting = next(t for t in client.tasks() if t.name == "image-inpainting")
    assert [(i.name, i.optional, i.media) for i in inpainting.inputs] == [("image", False, "image"), ("mask", True, "image")]
    image = synthetic_image(24, 24)
    job = client.fit("image-inpainting", image, progress=False, sparsity=0.5, **TINY)  # no mask: a random half
    assert job.wait() == siren.JobState.SUCCEEDED
    assert job.model.render().shape[:2] == (24, 24)  # renders as an image model (RenderImage)
    mask = np.zeros((24, 24), np.float32)
    mask[:, :12] = 1.0
    job = client.fit("image-inpainting", {"image": image, "mask": mask}, progress=False, **TINY)
    assert job.wait() == siren.JobState.SUCCEEDED
