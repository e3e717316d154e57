#pragma once
// Oriented point clouds for the SDF task (no LibTorch here). Input formats, detected by content:
//  * PLY ("ply\n" magic), ascii or binary (little/big endian): vertex x, y, z and, if present,
//    nx, ny, nz (any property order; int/float/double types); faces as vertex_indices lists.
//    With normals -> the vertices are the points. A mesh without normals -> oriented points sampled
//    on its surface, area-weighted, normals from the triangle winding (counter-clockwise = outward,
//    the PLY/OBJ convention), so a plain mesh needs no MeshLab round trip.
//  * otherwise the reference's .xyz text: one point per line, exactly six numbers
//    "x y z nx ny nz"; blank lines and '#' comments are skipped (np.genfromtxt's defaults).
// Every loader throws InvalidInput with the line/element at fault: empty input, NaN/Inf, zero-length
// normals, truncated binary data, out-of-range face indices, a PLY with neither normals nor faces.
#include <cstdint>
#include <string>
#include <vector>

namespace siren {

struct OrientedPoints {
  std::vector<float> positions;  // 3 per point, row-major
  std::vector<float> normals;    // 3 per point (as given: not renormalised, like the reference)

  int64_t size() const { return static_cast<int64_t>(positions.size() / 3); }
};

// A PLY file's geometry as read. normals is empty when the file has none; faces are triangles
// (polygons are fanned), 3 indices each.
struct PlyGeometry {
  std::vector<float> positions;
  std::vector<float> normals;
  std::vector<uint32_t> faces;

  int64_t vertex_count() const { return static_cast<int64_t>(positions.size() / 3); }
  int64_t face_count() const { return static_cast<int64_t>(faces.size() / 3); }
};

constexpr int64_t kDefaultMeshSamples = 250000;  // the reference README's point count per batch (GPU)

struct PointCloudOptions {
  int64_t mesh_samples = kDefaultMeshSamples;  // points drawn on a mesh that has no normals
  uint64_t seed = 0;                           // for that draw (deterministic)
};

// Format by content: PLY if the bytes start with the PLY magic, .xyz text otherwise.
OrientedPoints load_oriented_points(const std::string& bytes, const PointCloudOptions& options = {});

OrientedPoints parse_xyz(const std::string& bytes);
PlyGeometry parse_ply(const std::string& bytes);
bool looks_like_ply(const std::string& bytes);

// `count` points uniformly on the surface (triangles picked by area, uniform barycentrics), each with
// its triangle's unit normal from the winding. Zero-area triangles are never picked.
OrientedPoints sample_mesh_surface(const std::vector<float>& positions, const std::vector<uint32_t>& faces,
                                   int64_t count, uint64_t seed);

}  // namespace siren
