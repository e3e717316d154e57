#pragma once
#include <torch/torch.h>

#include <vector>

namespace siren {

// The reference's get_mgrid: every axis spans [-1, 1] inclusive (sample centres at both ends),
// flattened row-major with coordinate 0 = the slowest axis (rows for images, (t, row, col) for video).
// An axis of length 1 sits at 0. Returns (prod(sizes), sizes.size()) float32.
torch::Tensor coordinate_grid(const std::vector<int64_t>& sizes);

}  // namespace siren
