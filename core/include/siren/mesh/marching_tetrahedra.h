#pragma once
// Zero level set of a scalar field sampled on an N x N x N grid, extracted one z-slab at a time so
// memory stays O(N^2) (the reference samples the whole N^3 volume first: ~98 GB of activations and
// samples at N = 1600). No LibTorch here.
//
// Method: every grid cube is split into the 6 tetrahedra of the Freudenthal (Kuhn) decomposition
// along its (0,0,0)-(1,1,1) diagonal. All cubes use the same diagonal, so neighbouring cubes split
// their shared faces the same way and the tetrahedra form one consistent tetrahedral mesh of the
// grid. Marching through it (linear interpolation on the crossed edges, one vertex per crossed grid
// edge, shared by every triangle that uses that edge) gives a surface that is watertight and free of
// the ambiguous-case cracks of table-driven marching cubes. Triangles are wound so their normals
// point from negative to positive values: outward for an SDF that is positive outside.
//
// Samples < 0 are inside, >= 0 outside. The grid is wrapped in a virtual shell of positive samples one
// voxel beyond the bounding box, so where the field is negative on the box boundary the surface is
// closed by a cap at most one voxel outside the box instead of being left open (the reference's
// marching cubes leaves a hole there); inside the box the surface is unchanged.
#include <array>
#include <cstdint>
#include <functional>

namespace siren {

struct IsosurfaceGrid {
  int resolution = 256;                  // samples per axis, >= 2; the box ends are samples
  std::array<double, 3> lo{-1, -1, -1};  // bounding box (the reference: [-1, 1]^3)
  std::array<double, 3> hi{1, 1, 1};

  double spacing(int axis) const { return (hi[axis] - lo[axis]) / (resolution - 1); }
  double coordinate(int axis, int index) const { return lo[axis] + index * spacing(axis); }
  void validate() const;  // throws InvalidInput
};

// Fills values[j * N + i] with the field at (x_i, y_j, z_k), x_i = lo + i * spacing. Called once per
// k = 0 .. N-1, in order.
using SlabSampler = std::function<void(int k, float* values)>;

class IsosurfaceSink {
 public:
  virtual ~IsosurfaceSink() = default;
  // Returns the vertex's index (0, 1, 2, ... in call order).
  virtual uint32_t vertex(double x, double y, double z) = 0;
  virtual void triangle(uint32_t a, uint32_t b, uint32_t c) = 0;
};

struct IsosurfaceStats {
  int64_t vertices = 0;
  int64_t triangles = 0;
};

// Throws std::runtime_error if a sample is NaN or infinite.
IsosurfaceStats extract_isosurface(const IsosurfaceGrid& grid, const SlabSampler& sample, IsosurfaceSink& sink);

}  // namespace siren
