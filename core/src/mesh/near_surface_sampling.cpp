#include "siren/mesh/near_surface_sampling.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace siren {
namespace {

constexpr int kMinStride = 4;          // finer coarse grids cost more than they save (a sphere at 256-1024)
constexpr int kMaxCoarseCells = 256;   // per axis: 257^3 floats = 68 MB
constexpr double kSlopeSafety = 3.0;   // over the steepest slope the coarse grid shows, and over 1

}  // namespace

NearSurfaceSampler::NearSurfaceSampler(const IsosurfaceGrid& grid, FieldEvaluator evaluate)
    : grid_(grid), evaluate_(std::move(evaluate)), n_(grid.resolution) {
  grid_.validate();
  stride_ = std::max(kMinStride, (n_ - 1 + kMaxCoarseCells - 1) / kMaxCoarseCells);
  for (int i = 0; i < n_ - 1; i += stride_) coarse_at_.push_back(i);
  coarse_at_.push_back(n_ - 1);
  m_ = static_cast<int>(coarse_at_.size());
  first_cell_.resize(n_);
  for (int i = 0; i < n_; ++i) first_cell_[i] = std::min(i / stride_, m_ - 2);
  stats_.grid_samples = static_cast<int64_t>(n_) * n_ * n_;
  sample_coarse_grid();
  flag_cells();
}

void NearSurfaceSampler::sample_coarse_grid() {
  coarse_.resize(static_cast<size_t>(m_) * m_ * m_);
  std::vector<float> plane(static_cast<size_t>(m_) * m_ * 3);
  for (int c = 0; c < m_; ++c) {
    for (int b = 0; b < m_; ++b)
      for (int a = 0; a < m_; ++a) {
        float* p = &plane[(static_cast<size_t>(b) * m_ + a) * 3];
        p[0] = static_cast<float>(grid_.coordinate(0, coarse_at_[a]));
        p[1] = static_cast<float>(grid_.coordinate(1, coarse_at_[b]));
        p[2] = static_cast<float>(grid_.coordinate(2, coarse_at_[c]));
      }
    const std::vector<float> values = evaluate_(plane);
    if (values.size() != static_cast<size_t>(m_) * m_)
      throw std::runtime_error("the field gave " + std::to_string(values.size()) + " values for " +
                               std::to_string(m_ * m_) + " points");
    std::copy(values.begin(), values.end(), coarse_.begin() + coarse_index(0, 0, c));
  }
  stats_.coarse_samples = static_cast<int64_t>(coarse_.size());
}

double NearSurfaceSampler::largest_coarse_slope() const {
  double slope = 0;
  for (int c = 0; c < m_; ++c)
    for (int b = 0; b < m_; ++b)
      for (int a = 0; a < m_; ++a) {
        const float v = coarse_[coarse_index(a, b, c)];
        const int at[3] = {a, b, c};
        for (int axis = 0; axis < 3; ++axis) {
          if (at[axis] + 1 >= m_) continue;
          int next[3] = {a, b, c};
          ++next[axis];
          const float w = coarse_[coarse_index(next[0], next[1], next[2])];
          const double step = grid_.coordinate(axis, coarse_at_[at[axis] + 1]) - grid_.coordinate(axis, coarse_at_[at[axis]]);
          if (std::isfinite(v) && std::isfinite(w)) slope = std::max(slope, std::abs(double(w) - double(v)) / step);
        }
      }
  return slope;
}

void NearSurfaceSampler::flag_cells() {
  stats_.slope_bound = kSlopeSafety * std::max(1.0, largest_coarse_slope());
  const int cells = m_ - 1;
  cell_needed_.assign(static_cast<size_t>(cells) * cells * cells, 0);
  std::vector<double> width[3];
  for (int axis = 0; axis < 3; ++axis)
    for (int a = 0; a < cells; ++a)
      width[axis].push_back(grid_.coordinate(axis, coarse_at_[a + 1]) - grid_.coordinate(axis, coarse_at_[a]));
  for (int c = 0; c < cells; ++c)
    for (int b = 0; b < cells; ++b)
      for (int a = 0; a < cells; ++a) {
        bool finite = true;
        int negative = 0;
        double smallest = INFINITY;
        for (int corner = 0; corner < 8; ++corner) {
          const float v = coarse_[coarse_index(a + (corner & 1), b + (corner >> 1 & 1), c + (corner >> 2 & 1))];
          finite = finite && std::isfinite(v);
          negative += v < 0;
          smallest = std::min(smallest, std::abs(double(v)));
        }
        const double half_diagonal =
            0.5 * std::sqrt(width[0][a] * width[0][a] + width[1][b] * width[1][b] + width[2][c] * width[2][c]);
        const bool on_boundary = a == 0 || b == 0 || c == 0 || a == cells - 1 || b == cells - 1 || c == cells - 1;
        const bool needed = !finite || (negative > 0 && negative < 8) || smallest <= stats_.slope_bound * half_diagonal ||
                            (on_boundary && negative > 0);
        cell_needed_[cell_index(a, b, c)] = needed;
      }
}

void NearSurfaceSampler::operator()(int k, float* values) {
  // The coarse cells holding slab k (two where k is a coarse sample's own index), then per (a, b) whether
  // either needs its fine samples.
  const int cz = first_cell_[k];
  const int cz_below = k == coarse_at_[cz] && cz > 0 ? cz - 1 : cz;
  const int cells = m_ - 1;
  std::vector<uint8_t> column_needed(static_cast<size_t>(cells) * cells);
  for (int b = 0; b < cells; ++b)
    for (int a = 0; a < cells; ++a)
      column_needed[static_cast<size_t>(b) * cells + a] =
          cell_needed_[cell_index(a, b, cz)] | cell_needed_[cell_index(a, b, cz_below)];
  points_.clear();
  where_.clear();
  const auto z = static_cast<float>(grid_.coordinate(2, k));
  for (int j = 0; j < n_; ++j) {
    const int by = first_cell_[j];
    const int by_below = j == coarse_at_[by] && by > 0 ? by - 1 : by;
    for (int i = 0; i < n_; ++i) {
      const int ax = first_cell_[i];
      const int ax_below = i == coarse_at_[ax] && ax > 0 ? ax - 1 : ax;
      const bool needed = column_needed[static_cast<size_t>(by) * cells + ax] |
                          column_needed[static_cast<size_t>(by) * cells + ax_below] |
                          column_needed[static_cast<size_t>(by_below) * cells + ax] |
                          column_needed[static_cast<size_t>(by_below) * cells + ax_below];
      const size_t p = static_cast<size_t>(j) * n_ + i;
      if (needed) {
        points_.insert(points_.end(), {static_cast<float>(grid_.coordinate(0, i)),
                                       static_cast<float>(grid_.coordinate(1, j)), z});
        where_.push_back(p);
      } else {
        values[p] = coarse_[coarse_index(ax, by, cz)];  // a corner of a cell of one sign: the sample's sign
      }
    }
  }
  if (where_.empty()) return;
  const std::vector<float> fine = evaluate_(points_);
  if (fine.size() != where_.size())
    throw std::runtime_error("the field gave " + std::to_string(fine.size()) + " values for " +
                             std::to_string(where_.size()) + " points");
  for (size_t q = 0; q < where_.size(); ++q) values[where_[q]] = fine[q];
  stats_.fine_samples += static_cast<int64_t>(where_.size());
}

}  // namespace siren
