// Coarse-to-fine sampling of a mesh grid gives the mesh of dense sampling, vertex for vertex, while
// evaluating a fraction of the grid.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <stdexcept>
#include <vector>

#include "siren/mesh/marching_tetrahedra.h"
#include "siren/mesh/near_surface_sampling.h"

namespace siren {
namespace {

using Field = std::function<float(float, float, float)>;

class RecordedMesh : public IsosurfaceSink {
 public:
  uint32_t vertex(double x, double y, double z) override {
    positions.insert(positions.end(), {x, y, z});
    return static_cast<uint32_t>(positions.size() / 3 - 1);
  }
  void triangle(uint32_t a, uint32_t b, uint32_t c) override { faces.insert(faces.end(), {a, b, c}); }
  std::vector<double> positions;
  std::vector<uint32_t> faces;
};

FieldEvaluator evaluator(const Field& field, int64_t* evaluated) {
  return [field, evaluated](const std::vector<float>& xyz) {
    std::vector<float> values(xyz.size() / 3);
    for (size_t p = 0; p < values.size(); ++p) values[p] = field(xyz[3 * p], xyz[3 * p + 1], xyz[3 * p + 2]);
    *evaluated += static_cast<int64_t>(values.size());
    return values;
  };
}

RecordedMesh dense_mesh(const IsosurfaceGrid& grid, const Field& field) {
  RecordedMesh mesh;
  const int n = grid.resolution;
  extract_isosurface(grid, [&](int k, float* values) {
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i)
        values[j * n + i] = field(static_cast<float>(grid.coordinate(0, i)), static_cast<float>(grid.coordinate(1, j)),
                                  static_cast<float>(grid.coordinate(2, k)));
  }, mesh);
  return mesh;
}

struct NearSurfaceRun {
  RecordedMesh mesh;
  NearSurfaceStats stats;
  int64_t evaluated = 0;
};

NearSurfaceRun near_surface_mesh(const IsosurfaceGrid& grid, const Field& field) {
  NearSurfaceRun run;
  NearSurfaceSampler sampler(grid, evaluator(field, &run.evaluated));
  extract_isosurface(grid, [&](int k, float* values) { sampler(k, values); }, run.mesh);
  run.stats = sampler.stats();
  return run;
}

float sphere(float x, float y, float z, float cx, float cy, float cz, float r) {
  return std::sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz)) - r;
}

// The same triangles over the same vertices, at the same coordinates to the last bit.
void expect_same_mesh(const Field& field, int resolution, NearSurfaceRun* out = nullptr) {
  IsosurfaceGrid grid;
  grid.resolution = resolution;
  const RecordedMesh dense = dense_mesh(grid, field);
  NearSurfaceRun near = near_surface_mesh(grid, field);
  ASSERT_FALSE(dense.faces.empty()) << "the test's field has no surface in the box";
  EXPECT_EQ(near.mesh.faces, dense.faces) << "resolution " << resolution;
  EXPECT_EQ(near.mesh.positions, dense.positions) << "resolution " << resolution;
  EXPECT_EQ(near.evaluated, near.stats.coarse_samples + near.stats.fine_samples);
  EXPECT_EQ(near.stats.grid_samples, int64_t{resolution} * resolution * resolution);
  if (out) *out = std::move(near);
}

TEST(NearSurfaceSampling, AnOffCentreSphereMeshesAsDenseSamplingDoesFromAThirdOfTheSamples) {
  const Field field = [](float x, float y, float z) { return sphere(x, y, z, 0.1f, -0.05f, 0.2f, 0.5f); };
  for (const int resolution : {37, 50, 64}) expect_same_mesh(field, resolution);  // 36 and 63 cells: 4 | 36
  NearSurfaceRun run;
  expect_same_mesh(field, 96, &run);
  // A surface crosses few of the cells; what dense sampling evaluates everywhere is evaluated near it.
  EXPECT_LT(run.evaluated, run.stats.grid_samples / 3) << run.stats.coarse_samples << " coarse, " << run.stats.fine_samples
                                                       << " fine of " << run.stats.grid_samples;
  EXPECT_DOUBLE_EQ(run.stats.slope_bound, 3.0);  // an SDF's slope is 1: the floor
}

TEST(NearSurfaceSampling, ASurfaceLeavingTheBoxKeepsItsCap) {
  // Deep inside across much of the x = 1 face: the cap there interpolates between the boundary samples,
  // far from the surface, and the grid's outer shell.
  expect_same_mesh([](float x, float y, float z) { return sphere(x, y, z, 1.0f, 0.0f, 0.1f, 0.9f); }, 50);
}

TEST(NearSurfaceSampling, WavySurfacesAndSteepFieldsToo) {
  expect_same_mesh(
      [](float x, float y, float z) {
        return std::sqrt(x * x + y * y + z * z) - 0.6f + 0.05f * std::sin(8 * x) * std::sin(8 * y) * std::sin(8 * z);
      },
      61);
  // Twenty times an SDF: the slope bound follows what the coarse grid shows.
  NearSurfaceRun steep;
  expect_same_mesh([](float x, float y, float z) { return 20 * sphere(x, y, z, 0, 0, 0, 0.45f); }, 45, &steep);
  EXPECT_GT(steep.stats.slope_bound, 3 * 19.0);
  // Two spheres smaller than a coarse cell apart: each is found.
  expect_same_mesh(
      [](float x, float y, float z) {
        return std::min(sphere(x, y, z, -0.33f, 0.21f, 0.0f, 0.06f), sphere(x, y, z, 0.4f, -0.4f, 0.37f, 0.05f));
      },
      81);
}

TEST(NearSurfaceSampling, ANonFiniteValueStillStopsTheMesh) {
  IsosurfaceGrid grid;
  grid.resolution = 33;
  const Field field = [](float x, float y, float z) {
    return x > 0.5f && y > 0.5f && z > 0.5f ? NAN : sphere(x, y, z, 0, 0, 0, 0.5f);
  };
  RecordedMesh mesh;
  int64_t evaluated = 0;
  EXPECT_THROW(
      {
        NearSurfaceSampler sampler(grid, evaluator(field, &evaluated));
        extract_isosurface(grid, [&](int k, float* values) { sampler(k, values); }, mesh);
      },
      std::runtime_error);
}

TEST(NearSurfaceSampling, TheSmallestGridIsOneCoarseCell) {
  expect_same_mesh([](float x, float y, float z) { return sphere(x, y, z, 1, 1, 1, 1); }, 2);
  expect_same_mesh([](float x, float y, float z) { return sphere(x, y, z, 0.2f, 0, 0, 0.5f); }, 5);
}

}  // namespace
}  // namespace siren
