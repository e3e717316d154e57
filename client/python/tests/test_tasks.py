"""ListTasks as the client presents it, and the checks it makes possible before anything is sent."""
from __future__ import annotations

import grpc
import numpy as np
import pytest

import siren
from siren._stubs import fit_pb2


def test_tasks_describe_inputs_options_presets_and_exports(client: siren.Client) -> None:
    tasks = {task.name: task for task in client.tasks()}
    assert {"image", "audio", "sdf", "poisson-grad", "helmholtz"} <= set(tasks)
    image = tasks["image"]
    assert image.kind == fit_pb2.TASK_KIND_IMAGE and image.summary
    assert image.input_names == ["image"]
    assert image.option("size").type == "size"
    assert image.preset["steps"] > 0 and image.preset["hidden"] > 0 and image.preset["lr"] > 0
    assert image.export_formats[0] == "png"
    sdf = tasks["sdf"]
    assert sdf.input_names == ["points"] and sdf.export_formats[0] == "ply"
    on_surface = sdf.option("on-surface-points")  # the CLI's spelling works too
    assert on_surface.type == "integer" and on_surface.default == "1400" and on_surface.min >= 1
    assert tasks["helmholtz"].inputs == ()  # defined by its options: no upload
    assert tasks["poisson-composite"].input_names == ["background", "foreground"]
    assert client.task("poisson_grad").name == "poisson-grad"


def test_an_unknown_task_names_the_known_ones(client: siren.Client) -> None:
    with pytest.raises(siren.InvalidArgument, match=r"unknown task 'painting'.*image") as raised:
        client.fit("painting", np.zeros((8, 8)))
    assert raised.value.code == grpc.StatusCode.INVALID_ARGUMENT


def count_jobs(client: siren.Client) -> int:
    return len(client.jobs())


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda c, img: c.fit("image", img, steps=5, colour_depth=3), r"no option 'colour_depth'; its options: size"),
        (lambda c, img: c.fit("image", img, steps=5, size="huge"), r"option size: 'huge' is not a size"),
        (lambda c, img: c.fit("sdf", np.zeros((10, 6)), on_surface_points=0), r"out of range"),
        (lambda c, img: c.fit("image", np.zeros((2, 3, 5))), r"HxW or HxWxC with C 1, 3 or 4; got shape \(2, 3, 5\)"),
        (lambda c, img: c.fit("image"), r"task image needs its input: image"),
        (lambda c, img: c.fit("image", {"picture": img}), r"has no input 'picture'; its inputs: image"),
        (lambda c, img: c.fit("poisson-composite", img), r"takes the inputs background, foreground"),
        (lambda c, img: c.fit("poisson-composite", {"background": img}), r"missing its input: foreground"),
        (lambda c, img: c.fit("audio", np.zeros(100)), r"needs its sample rate"),
        (lambda c, img: c.fit("helmholtz", img), r"takes no input"),
        (lambda c, img: c.fit("image", img, activation="cosine"), r"unknown activation 'cosine'"),
        (lambda c, img: c.fit("image", img, request_id="not ok!"), r"request_id"),
    ],
    ids=["unknown-option", "bad-size", "out-of-range", "array-shape", "missing-input", "unknown-input",
         "several-inputs", "missing-one-of-two", "audio-without-rate", "input-for-no-input-task",
         "unknown-activation", "bad-request-id"],
)
def test_bad_requests_raise_before_anything_is_sent(client: siren.Client, image: np.ndarray, call, message) -> None:
    before = count_jobs(client)
    with pytest.raises(siren.InvalidArgument, match=message):
        call(client, image)
    assert count_jobs(client) == before  # refused here: the server never saw it


def test_what_only_the_server_can_tell_comes_back_with_its_code_and_message(client: siren.Client) -> None:
    with pytest.raises(siren.InvalidArgument) as raised:
        client.fit("image", b"these bytes are not an image", watch=False, **{"steps": 5})
    assert raised.value.code == grpc.StatusCode.INVALID_ARGUMENT and raised.value.message
    with pytest.raises(siren.NotFound) as missing:
        client.job("no-such-job")
    assert missing.value.code == grpc.StatusCode.NOT_FOUND and "no-such-job" in missing.value.message
    with pytest.raises(siren.NotFound):
        client.model("no-such-model")
