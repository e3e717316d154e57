#pragma once
// Coarse-to-fine sampling of a mesh grid: the field is first evaluated on a coarse grid (every stride-th
// sample per axis), and a fine slab then evaluates only the samples of the coarse cells the zero level set
// may cross. The rest get a coarse value of their cell, whose sign is theirs, which is all the marching
// needs of them: a fine cube lies inside one coarse cell, so a cube with such a sample has no crossing.
//
// A cell may hold a crossing unless its 8 corners share a sign and the smallest |f| among them exceeds
// L · half its diagonal, L bounding the field's slope: 3 × the largest slope seen between neighbouring
// coarse samples, at least 3 (an SDF's is 1; a SIREN fitted with the eikonal term is close to that). Cells on
// the box's boundary with a negative corner are evaluated too: the surface's cap there interpolates
// between their samples and the grid's outer shell. Where that bound holds the mesh is the one dense
// sampling gives, vertex for vertex (tests/unit/near_surface_sampling_test.cpp). No LibTorch here.
#include <cstdint>
#include <functional>
#include <vector>

#include "siren/mesh/marching_tetrahedra.h"

namespace siren {

// Field values at points given as x0 y0 z0 x1 y1 z1 ...; returns one value per point.
using FieldEvaluator = std::function<std::vector<float>(const std::vector<float>& xyz)>;

struct NearSurfaceStats {
  int64_t coarse_samples = 0;  // evaluated on the coarse grid
  int64_t fine_samples = 0;    // evaluated in the slabs
  int64_t grid_samples = 0;    // resolution^3: what dense sampling evaluates
  double slope_bound = 0;      // the L used
};

class NearSurfaceSampler {
 public:
  // Coarse samples at most ~257 per axis (4-sample stride at resolution 1024, more above), so that the
  // coarse grid stays under 70 MB whatever the resolution.
  NearSurfaceSampler(const IsosurfaceGrid& grid, FieldEvaluator evaluate);

  // A SlabSampler (marching_tetrahedra.h): fills slab k's resolution^2 values.
  void operator()(int k, float* values);

  const NearSurfaceStats& stats() const { return stats_; }

 private:
  size_t coarse_index(int a, int b, int c) const { return (static_cast<size_t>(c) * m_ + b) * m_ + a; }
  size_t cell_index(int a, int b, int c) const { return (static_cast<size_t>(c) * (m_ - 1) + b) * (m_ - 1) + a; }
  void sample_coarse_grid();
  double largest_coarse_slope() const;
  void flag_cells();

  IsosurfaceGrid grid_;
  FieldEvaluator evaluate_;
  int n_, stride_, m_;               // fine and coarse samples per axis
  std::vector<int> coarse_at_;       // coarse sample c's fine index
  std::vector<int> first_cell_;      // per fine index: the lowest coarse cell holding it
  std::vector<float> coarse_;        // m^3 coarse values
  std::vector<uint8_t> cell_needed_; // (m-1)^3 flags
  std::vector<float> points_;        // a slab's points to evaluate
  std::vector<size_t> where_;        // their places in the slab
  NearSurfaceStats stats_;
};

}  // namespace siren
