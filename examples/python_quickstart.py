#!/usr/bin/env python3
"""The Python client in five steps (docs/python.md walks through it):

1. fit an image given as a NumPy array, with a live progress bar and previews;
2. plot its PSNR curve with matplotlib;
3. render the trained field at 4x the fitted resolution;
4. fit a signed distance function to oriented points (a NumPy array too);
5. export its zero level set as a PLY mesh and read it with trimesh.

Needs a running siren-server (``siren-server --port 50051 --data-dir ./siren-data``) and
``pip install ./client/python matplotlib trimesh``. Everything is small by default so that it runs on a
2-core CPU in a few minutes; the environment variables make it smaller or bigger:

    SIREN_SERVER        HOST:PORT of the server (default localhost:50051)
    EXAMPLE_IMAGE_SIZE  side of the fitted image in pixels (default 128)
    EXAMPLE_STEPS       training steps of each fit (default 500)
    EXAMPLE_HIDDEN      hidden features (default 128); EXAMPLE_LAYERS hidden layers (default 3)
    EXAMPLE_MESH_RESOLUTION  marching-cubes grid of the mesh export (default 128)
    EXAMPLE_OUT         where the figures and the mesh go (default ./siren-example-out)
"""
from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image

import siren

try:
    import matplotlib

    matplotlib.use("Agg")  # files, not windows: runs over ssh and in CI
    import matplotlib.pyplot as plt
    import trimesh
except ImportError as missing:
    sys.exit(f"this example also needs matplotlib and trimesh: pip install matplotlib trimesh ({missing})")

REPO = Path(__file__).resolve().parent.parent
SIZE = int(os.environ.get("EXAMPLE_IMAGE_SIZE", "128"))
STEPS = int(os.environ.get("EXAMPLE_STEPS", "500"))
HIDDEN = int(os.environ.get("EXAMPLE_HIDDEN", "128"))
LAYERS = int(os.environ.get("EXAMPLE_LAYERS", "3"))
MESH_RESOLUTION = int(os.environ.get("EXAMPLE_MESH_RESOLUTION", "128"))
OUT = Path(os.environ.get("EXAMPLE_OUT", "siren-example-out"))


def load_image() -> np.ndarray:
    """The repository's cameraman as a float HxW array in [0, 1] (any NumPy image works)."""
    with Image.open(REPO / "data" / "cameraman_256.png") as picture:
        gray = picture.convert("L").resize((SIZE, SIZE), Image.Resampling.BOX)
    return np.asarray(gray, dtype=np.float32) / 255.0


def sphere_points(count: int) -> np.ndarray:
    """N x 6 oriented points (x y z nx ny nz) on a unit sphere: what the sdf task fits."""
    golden = math.pi * (3.0 - math.sqrt(5.0))
    i = np.arange(count)
    y = 1.0 - 2.0 * (i + 0.5) / count
    r = np.sqrt(1.0 - y * y)
    normals = np.stack([r * np.cos(golden * i), y, r * np.sin(golden * i)], axis=1)
    return np.concatenate([normals, normals], axis=1)  # on a unit sphere, a point is its normal


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    client = siren.Client()  # $SIREN_SERVER, else localhost:50051
    print("tasks:", ", ".join(task.name for task in client.tasks()))

    # 1. Fit the image; the progress bar shows loss and PSNR, previews come every 2 s.
    image = load_image()
    job = client.fit("image", image, steps=STEPS, hidden=HIDDEN, layers=LAYERS, preview_every=2)
    model = job.model
    print(f"image fit {job.id}: PSNR {model.metrics.get('psnr', float('nan')):.2f} dB, "
          f"{len(job.previews)} previews")

    # 2. Its PSNR curve (job.progress_frame() is a dict of columns: pandas.DataFrame takes it as is).
    frame = job.progress_frame()
    plt.figure(figsize=(5, 3.5))
    plt.plot(frame["step"], frame["psnr"])
    plt.xlabel("step")
    plt.ylabel("PSNR (dB)")
    plt.title(f"SIREN fitting a {SIZE}x{SIZE} image")
    plt.tight_layout()
    plt.savefig(OUT / "psnr.png", dpi=120)
    print("PSNR curve:", OUT / "psnr.png")

    # 3. The field is continuous: render it at 4x the fitted resolution.
    big = model.render(4 * SIZE, 4 * SIZE)
    Image.fromarray(big).save(OUT / "render_4x.png")
    print(f"4x render: {big.shape[1]}x{big.shape[0]} ->", OUT / "render_4x.png")

    # 4. A signed distance function from oriented points (NumPy N x 6).
    sdf_job = client.fit("sdf", sphere_points(5000), steps=STEPS, hidden=HIDDEN, layers=LAYERS,
                         on_surface_points=1000)
    sdf = sdf_job.model
    inside, _ = sdf.query(np.zeros((1, 3), np.float32), gradients=True)
    print(f"sdf fit {sdf_job.id}: signed distance at the centre {inside[0, 0]:.3f} (negative once it has learnt "
          "the inside)")

    # 5. Its zero level set as a mesh, read back with trimesh.
    ply = sdf.export("ply", OUT / "sphere.ply", resolution=MESH_RESOLUTION)
    mesh = trimesh.load(ply, force="mesh")
    print(f"mesh {ply}: {len(mesh.vertices)} vertices, {len(mesh.faces)} faces, "
          f"watertight {mesh.is_watertight}, extents {np.round(mesh.extents, 2).tolist()}")


if __name__ == "__main__":
    main()
