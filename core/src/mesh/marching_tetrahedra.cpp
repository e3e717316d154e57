#include "siren/mesh/marching_tetrahedra.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "siren/errors.h"

namespace siren {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// Cube corners are 3-bit codes: bit 0 = +x, bit 1 = +y, bit 2 = +z.
struct Tetrahedron {
  int corner[4];
};

// The 6 Kuhn tetrahedra of a cube: for each axis order (p, q, r) the path 000 -> p -> p+q -> 111,
// each listed with positive orientation (det(v1-v0, v2-v0, v3-v0) > 0).
std::array<Tetrahedron, 6> kuhn_tetrahedra() {
  const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  std::array<Tetrahedron, 6> tets{};
  for (int t = 0; t < 6; ++t) {
    const int a = 1 << orders[t][0], b = 1 << orders[t][1];
    Tetrahedron tet{{0, a, a | b, 7}};
    auto vec = [](int from, int to) {
      return std::array<int, 3>{((to >> 0) & 1) - ((from >> 0) & 1), ((to >> 1) & 1) - ((from >> 1) & 1),
                                ((to >> 2) & 1) - ((from >> 2) & 1)};
    };
    const auto u = vec(tet.corner[0], tet.corner[1]), v = vec(tet.corner[0], tet.corner[2]),
               w = vec(tet.corner[0], tet.corner[3]);
    const int det = u[0] * (v[1] * w[2] - v[2] * w[1]) - u[1] * (v[0] * w[2] - v[2] * w[0]) +
                    u[2] * (v[0] * w[1] - v[1] * w[0]);
    if (det < 0) std::swap(tet.corner[1], tet.corner[2]);
    tets[t] = tet;
  }
  return tets;
}

// For each inside-mask of a tetrahedron's 4 vertices: the vertex order (a, b, c, d), an even
// permutation of (0, 1, 2, 3) (so it keeps the positive orientation), with the inside vertices first
// for 1 or 2 inside, and the single outside vertex first for 3 inside.
struct TetCase {
  int inside_count;
  int order[4];
};

std::array<TetCase, 16> tet_cases() {
  std::array<TetCase, 16> cases{};
  for (int mask = 0; mask < 16; ++mask) {
    TetCase c{};
    int inside[4], outside[4], ni = 0, no = 0;
    for (int v = 0; v < 4; ++v) (mask >> v & 1 ? inside[ni++] : outside[no++]) = v;
    c.inside_count = ni;
    int k = 0;
    if (ni == 3) {
      c.order[k++] = outside[0];
      for (int i = 0; i < 3; ++i) c.order[k++] = inside[i];
    } else {
      for (int i = 0; i < ni; ++i) c.order[k++] = inside[i];
      for (int i = 0; i < no; ++i) c.order[k++] = outside[i];
    }
    int inversions = 0;
    for (int i = 0; i < 4; ++i)
      for (int j = i + 1; j < 4; ++j) inversions += c.order[i] > c.order[j];
    if (inversions % 2 == 1) std::swap(c.order[2], c.order[3]);  // both on the same side in every case
    cases[mask] = c;
  }
  return cases;
}

class Extractor {
 public:
  Extractor(const IsosurfaceGrid& grid, IsosurfaceSink& sink)
      : grid_(grid),
        sink_(sink),
        n_(grid.resolution),
        p_(grid.resolution + 2),
        tets_(kuhn_tetrahedra()),
        cases_(tet_cases()) {
    const size_t plane = static_cast<size_t>(p_) * p_;
    slab_lo_.assign(plane, 0.0f);
    slab_hi_.assign(plane, 0.0f);
    edges_lo_.assign(plane * 3, kNone);
    edges_hi_.assign(plane * 3, kNone);
    cross_.assign(plane * 4, kNone);
    scratch_.assign(static_cast<size_t>(n_) * n_, 0.0f);
    shell_ = static_cast<float>(std::max({grid.spacing(0), grid.spacing(1), grid.spacing(2)}));
    for (int a = 0; a < 3; ++a) {
      position_[a].resize(p_);
      for (int i = 0; i < p_; ++i) position_[a][i] = grid.coordinate(a, i - 1);  // padded index -> coordinate
    }
  }

  IsosurfaceStats run(const SlabSampler& sample) {
    std::fill(slab_lo_.begin(), slab_lo_.end(), shell_);
    for (int kp = 0; kp + 1 < p_; ++kp) {
      load_slab(kp + 1, sample);
      for (int jp = 0; jp + 1 < p_; ++jp)
        for (int ip = 0; ip + 1 < p_; ++ip) cube(ip, jp, kp);
      std::swap(slab_lo_, slab_hi_);
      std::swap(edges_lo_, edges_hi_);
      std::fill(edges_hi_.begin(), edges_hi_.end(), kNone);
      std::fill(cross_.begin(), cross_.end(), kNone);
    }
    return stats_;
  }

 private:
  // Padded slab kp (0 and P-1 are the shell) into slab_hi_.
  void load_slab(int kp, const SlabSampler& sample) {
    std::fill(slab_hi_.begin(), slab_hi_.end(), shell_);
    if (kp == p_ - 1) return;
    const int k = kp - 1;
    sample(k, scratch_.data());
    for (int j = 0; j < n_; ++j)
      for (int i = 0; i < n_; ++i) {
        const float v = scratch_[static_cast<size_t>(j) * n_ + i];
        if (!std::isfinite(v))
          throw std::runtime_error("the field is NaN or infinite at grid sample (" + std::to_string(i) + ", " +
                                   std::to_string(j) + ", " + std::to_string(k) + ")");
        slab_hi_[static_cast<size_t>(j + 1) * p_ + (i + 1)] = v;
      }
  }

  float value(int ip, int jp, int corner) const {
    const auto& slab = corner & 4 ? slab_hi_ : slab_lo_;
    return slab[static_cast<size_t>(jp + (corner >> 1 & 1)) * p_ + ip + (corner & 1)];
  }

  void cube(int ip, int jp, int kp) {
    float v[8];
    int inside = 0;
    for (int c = 0; c < 8; ++c) {
      v[c] = value(ip, jp, c);
      inside += v[c] < 0;
    }
    if (inside == 0 || inside == 8) return;
    for (const Tetrahedron& tet : tets_) {
      int mask = 0;
      for (int t = 0; t < 4; ++t) mask |= (v[tet.corner[t]] < 0) << t;
      const TetCase& c = cases_[mask];
      if (c.inside_count == 0 || c.inside_count == 4) continue;
      const int a = tet.corner[c.order[0]], b = tet.corner[c.order[1]], cc = tet.corner[c.order[2]],
                d = tet.corner[c.order[3]];
      if (c.inside_count == 1) {
        emit(edge(ip, jp, kp, a, b, v), edge(ip, jp, kp, a, cc, v), edge(ip, jp, kp, a, d, v));
      } else if (c.inside_count == 3) {
        emit(edge(ip, jp, kp, a, b, v), edge(ip, jp, kp, a, d, v), edge(ip, jp, kp, a, cc, v));
      } else {
        // Quad e_ac, e_ad, e_bd, e_bc (normal from {a, b} towards {c, d}); split along the shorter diagonal.
        const uint32_t q[4] = {edge(ip, jp, kp, a, cc, v), edge(ip, jp, kp, a, d, v), edge(ip, jp, kp, b, d, v),
                               edge(ip, jp, kp, b, cc, v)};
        const auto p0 = crossing(ip, jp, kp, a, cc, v), p1 = crossing(ip, jp, kp, a, d, v),
                   p2 = crossing(ip, jp, kp, b, d, v), p3 = crossing(ip, jp, kp, b, cc, v);
        if (distance2(p0, p2) <= distance2(p1, p3)) {
          emit(q[0], q[1], q[2]);
          emit(q[0], q[2], q[3]);
        } else {
          emit(q[0], q[1], q[3]);
          emit(q[1], q[2], q[3]);
        }
      }
    }
  }

  void emit(uint32_t a, uint32_t b, uint32_t c) {
    sink_.triangle(a, b, c);
    ++stats_.triangles;
  }

  // The zero crossing on the grid edge between two corners of the cube at (ip, jp, kp).
  std::array<double, 3> crossing(int ip, int jp, int kp, int c0, int c1, const float* v) const {
    const double t = double(v[c0]) / (double(v[c0]) - double(v[c1]));
    const int i0 = ip + (c0 & 1), j0 = jp + (c0 >> 1 & 1), k0 = kp + (c0 >> 2 & 1);
    const int i1 = ip + (c1 & 1), j1 = jp + (c1 >> 1 & 1), k1 = kp + (c1 >> 2 & 1);
    return {position_[0][i0] + t * (position_[0][i1] - position_[0][i0]),
            position_[1][j0] + t * (position_[1][j1] - position_[1][j0]),
            position_[2][k0] + t * (position_[2][k1] - position_[2][k0])};
  }

  // The vertex on that edge, created once and shared by every triangle using the edge.
  uint32_t edge(int ip, int jp, int kp, int c0, int c1, const float* v) {
    int lower = c0, upper = c1;
    if ((lower & upper) != lower) std::swap(lower, upper);  // Kuhn edges join comparable corners
    const int dir = upper ^ lower;                          // 1..7
    const size_t cell = static_cast<size_t>(jp + (lower >> 1 & 1)) * p_ + ip + (lower & 1);
    uint32_t* slot;
    if (dir & 4)
      slot = &cross_[cell * 4 + (dir - 4)];
    else
      slot = &(lower & 4 ? edges_hi_ : edges_lo_)[cell * 3 + (dir - 1)];
    if (*slot != kNone) return *slot;
    // Always interpolate from the lower corner, so the position does not depend on which cube asks.
    const auto x = crossing(ip, jp, kp, lower, upper, v);
    *slot = sink_.vertex(x[0], x[1], x[2]);
    if (*slot == kNone) throw std::runtime_error("the mesh has too many vertices");
    ++stats_.vertices;
    return *slot;
  }

  double distance2(const std::array<double, 3>& p, const std::array<double, 3>& q) const {
    return (p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]);
  }

  const IsosurfaceGrid& grid_;
  IsosurfaceSink& sink_;
  const int n_, p_;
  const std::array<Tetrahedron, 6> tets_;
  const std::array<TetCase, 16> cases_;
  float shell_ = 1.0f;
  std::vector<double> position_[3];
  std::vector<float> slab_lo_, slab_hi_, scratch_;
  std::vector<uint32_t> edges_lo_, edges_hi_, cross_;
  IsosurfaceStats stats_;
};

}  // namespace

void IsosurfaceGrid::validate() const {
  if (resolution < 2 || resolution > 65536)
    throw InvalidInput("the grid resolution must be between 2 and 65536, got " + std::to_string(resolution));
  for (int a = 0; a < 3; ++a)
    if (!std::isfinite(lo[a]) || !std::isfinite(hi[a]) || !(hi[a] > lo[a]))
      throw InvalidInput("the bounding box must have min < max on every axis");
}

IsosurfaceStats extract_isosurface(const IsosurfaceGrid& grid, const SlabSampler& sample, IsosurfaceSink& sink) {
  grid.validate();
  Extractor extractor(grid, sink);
  return extractor.run(sample);
}

}  // namespace siren
