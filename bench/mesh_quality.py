#!/usr/bin/env python3
"""Checks an exported SDF mesh with a reader that is not siren's: Open3D (Debian's python3-open3d), with
SciPy's k-d tree for the distances.

Prints figures, asserts nothing:
  - whether Open3D reads the PLY, its vertex and triangle counts;
  - closed and edge-manifold (every edge shared by exactly two triangles), connected components;
  - the Chamfer distance between the mesh surface and the input points (a triangle-mesh input is
    sampled uniformly): the mean distance from each
    input point to the nearest of N points sampled uniformly on the mesh, the mean from those samples
    to the nearest input point, and their average, in input units and as a fraction of the input's
    bounding-box diagonal; the same for the mesh's largest component alone.

The mesh must be in the input's units: export it with `siren export MODEL --format ply
--option original_units=1` (the default is the network's normalised [-1,1] coordinates).

Usage: /usr/bin/python3 bench/mesh_quality.py MESH.ply POINTS.{ply,xyz} [--samples N] [--json]
"""
import argparse
import json
import sys

import numpy as np

try:
    from scipy.spatial import cKDTree
except ImportError:
    sys.exit("needs SciPy: apt-get install python3-scipy (and run Debian's /usr/bin/python3)")

try:
    import open3d as o3d
except ImportError:
    sys.exit("needs Open3D: apt-get install python3-open3d (and run Debian's /usr/bin/python3)")


def read_points(path, count):
    """The input surface as points: an .xyz or PLY point cloud as it is, a PLY triangle mesh sampled
    uniformly by area (as siren samples it for the fit)."""
    if path.endswith(".xyz"):
        return np.loadtxt(path, usecols=(0, 1, 2))
    mesh = o3d.io.read_triangle_mesh(path)
    if len(mesh.triangles) > 0:
        return np.asarray(mesh.sample_points_uniformly(number_of_points=count).points)
    return np.asarray(o3d.io.read_point_cloud(path).points)


def nearest_distances(from_points, to_points):
    # scipy's k-d tree: Debian's Open3D 0.16 KDTreeFlann crashes on clouds of ~10^4 points.
    return cKDTree(to_points).query(from_points, k=1)[0]


def chamfer(mesh, points, samples):
    surface = np.asarray(mesh.sample_points_uniformly(number_of_points=samples).points)
    to_mesh = nearest_distances(points, surface).mean()
    to_points = nearest_distances(surface, points).mean()
    return to_mesh, to_points, 0.5 * (to_mesh + to_points)


def largest_component(mesh):
    clusters, counts, _ = mesh.cluster_connected_triangles()
    clusters = np.asarray(clusters)
    keep = np.argmax(np.asarray(counts))
    part = o3d.geometry.TriangleMesh(mesh)
    part.remove_triangles_by_mask(clusters != keep)
    part.remove_unreferenced_vertices()
    return part


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mesh")
    parser.add_argument("points")
    parser.add_argument("--samples", type=int, default=200000, help="points sampled on the mesh surface")
    parser.add_argument("--max-points", type=int, default=200000, help="input points used (a random subset; a triangle mesh is sampled with as many)")
    parser.add_argument("--json", action="store_true", help="one JSON line instead of text")
    args = parser.parse_args()

    mesh = o3d.io.read_triangle_mesh(args.mesh)
    if len(mesh.triangles) == 0:
        sys.exit(f"{args.mesh}: Open3D read no triangles")
    points = read_points(args.points, args.max_points)
    if len(points) > args.max_points:
        points = points[np.random.default_rng(0).choice(len(points), args.max_points, replace=False)]
    diagonal = float(np.linalg.norm(points.max(0) - points.min(0)))
    vertices = np.asarray(mesh.vertices)
    mesh_diagonal = float(np.linalg.norm(vertices.max(0) - vertices.min(0)))
    if not 0.25 < mesh_diagonal / diagonal < 4:
        # siren exports in the network's normalised [-1,1] coordinates unless asked otherwise.
        print(f"warning: the mesh spans {mesh_diagonal:.4g} and the input {diagonal:.4g}: different units? "
              "Export with `--option original_units=1` to compare with the input.", file=sys.stderr)
    _, counts, _ = mesh.cluster_connected_triangles()
    whole = chamfer(mesh, points, args.samples)
    largest = chamfer(largest_component(mesh), points, args.samples)
    result = {
        "mesh": args.mesh,
        "vertices": len(mesh.vertices),
        "triangles": len(mesh.triangles),
        # Closed: every edge has exactly two triangles. (Open3D's is_watertight also tests for
        # self-intersections, which takes many minutes on a million-triangle mesh.)
        "closed_edge_manifold": len(mesh.get_non_manifold_edges(allow_boundary_edges=False)) == 0,
        "components": len(counts),
        "input_points": len(points),
        "bbox_diagonal": diagonal,
        "chamfer": whole[2],
        "chamfer_points_to_mesh": whole[0],
        "chamfer_mesh_to_points": whole[1],
        "chamfer_relative": whole[2] / diagonal,
        "chamfer_largest_component": largest[2],
        "chamfer_largest_component_relative": largest[2] / diagonal,
    }
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:36s} {value:.6g}" if isinstance(value, float) else f"{key:36s} {value}")


if __name__ == "__main__":
    main()
