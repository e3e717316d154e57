#pragma once
// Test helpers for triangle meshes: topology (watertight, consistently oriented, Euler characteristic)
// and small meshes made in the tests (no external data).
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace siren::testing {

struct MeshTopology {
  bool watertight = false;  // every edge shared by exactly two faces, used once in each direction
  int64_t euler = 0;        // V - E + F
  std::string problem;      // the first offending edge, if any
};

inline MeshTopology mesh_topology(const std::vector<uint32_t>& faces, int64_t vertex_count) {
  std::map<std::pair<uint32_t, uint32_t>, int> directed;
  for (size_t f = 0; f + 2 < faces.size(); f += 3)
    for (int e = 0; e < 3; ++e) ++directed[{faces[f + e], faces[f + (e + 1) % 3]}];
  MeshTopology t;
  t.watertight = !faces.empty();
  for (const auto& [edge, count] : directed) {
    const auto reverse = directed.find({edge.second, edge.first});
    if (count != 1 || reverse == directed.end() || reverse->second != 1) {
      t.watertight = false;
      t.problem = "edge " + std::to_string(edge.first) + "-" + std::to_string(edge.second) + " used " +
                  std::to_string(count) + "x, reverse " +
                  std::to_string(reverse == directed.end() ? 0 : reverse->second) + "x";
      break;
    }
  }
  const auto edges = static_cast<int64_t>(directed.size() / 2);
  t.euler = vertex_count - edges + static_cast<int64_t>(faces.size() / 3);
  return t;
}

// Signed volume enclosed by a closed mesh: positive when the normals point outward.
inline double signed_volume(const std::vector<float>& p, const std::vector<uint32_t>& faces) {
  double v = 0;
  for (size_t f = 0; f + 2 < faces.size(); f += 3) {
    const float* a = &p[3 * faces[f]];
    const float* b = &p[3 * faces[f + 1]];
    const float* c = &p[3 * faces[f + 2]];
    v += (double(a[0]) * (double(b[1]) * c[2] - double(b[2]) * c[1]) - double(a[1]) * (double(b[0]) * c[2] - double(b[2]) * c[0]) +
          double(a[2]) * (double(b[0]) * c[1] - double(b[1]) * c[0])) / 6.0;
  }
  return v;
}

inline std::array<double, 3> face_normal(const std::vector<float>& p, const std::vector<uint32_t>& faces, size_t f) {
  const float* a = &p[3 * faces[3 * f]];
  const float* b = &p[3 * faces[3 * f + 1]];
  const float* c = &p[3 * faces[3 * f + 2]];
  const double u[3] = {double(b[0]) - a[0], double(b[1]) - a[1], double(b[2]) - a[2]};
  const double v[3] = {double(c[0]) - a[0], double(c[1]) - a[1], double(c[2]) - a[2]};
  return {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
}

struct TestMesh {
  std::vector<float> positions;
  std::vector<uint32_t> faces;
};

// UV sphere, counter-clockwise (outward) winding.
inline TestMesh uv_sphere(double radius, int stacks, int slices) {
  TestMesh m;
  auto add = [&](double x, double y, double z) {
    m.positions.insert(m.positions.end(), {float(radius * x), float(radius * y), float(radius * z)});
    return static_cast<uint32_t>(m.positions.size() / 3 - 1);
  };
  const uint32_t north = add(0, 0, 1);
  std::vector<std::vector<uint32_t>> rings;
  for (int i = 1; i < stacks; ++i) {
    const double theta = M_PI * i / stacks;
    rings.emplace_back();
    for (int j = 0; j < slices; ++j) {
      const double phi = 2 * M_PI * j / slices;
      rings.back().push_back(add(std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi), std::cos(theta)));
    }
  }
  const uint32_t south = add(0, 0, -1);
  for (int j = 0; j < slices; ++j) {
    const int k = (j + 1) % slices;
    m.faces.insert(m.faces.end(), {north, rings.front()[j], rings.front()[k]});
    for (size_t r = 0; r + 1 < rings.size(); ++r) {
      m.faces.insert(m.faces.end(), {rings[r][j], rings[r + 1][j], rings[r + 1][k]});
      m.faces.insert(m.faces.end(), {rings[r][j], rings[r + 1][k], rings[r][k]});
    }
    m.faces.insert(m.faces.end(), {south, rings.back()[k], rings.back()[j]});
  }
  return m;
}

// Axis-aligned cube [-h, h]^3 as 12 triangles wound counter-clockwise seen from outside.
inline TestMesh cube_mesh(float h) {
  TestMesh m;
  for (int c = 0; c < 8; ++c) m.positions.insert(m.positions.end(), {c & 1 ? h : -h, c & 2 ? h : -h, c & 4 ? h : -h});
  for (int axis = 0; axis < 3; ++axis)
    for (int side = 0; side < 2; ++side) {
      const int u = (axis + 1) % 3, v = (axis + 2) % 3;
      auto corner = [&](int a, int b) { return static_cast<uint32_t>((side << axis) | (a << u) | (b << v)); };
      // (u, v, axis) is right-handed, so (0,0) -> (1,0) -> (1,1) winds around +axis.
      uint32_t q[4] = {corner(0, 0), corner(1, 0), corner(1, 1), corner(0, 1)};
      if (side == 0) std::swap(q[1], q[3]);
      m.faces.insert(m.faces.end(), {q[0], q[1], q[2], q[0], q[2], q[3]});
    }
  return m;
}

}  // namespace siren::testing
