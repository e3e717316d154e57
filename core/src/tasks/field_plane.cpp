#include "siren/tasks/field_plane.h"

#include <algorithm>

#include "siren/errors.h"
#include "siren/grid.h"

namespace siren {

std::vector<float> evaluate_field_plane(const FieldModel& model, int size, const std::vector<float>& leading) {
  constexpr int64_t kPointsPerQuery = 1 << 16;  // bounds the coordinate buffer
  const int in = model.in_features();
  if (size <= 0) throw InvalidInput("the image size must be positive");
  if (static_cast<int>(leading.size()) + 2 != in)
    throw InvalidInput("a plane of a " + std::to_string(in) + "-input field needs " + std::to_string(in - 2) +
                       " fixed leading inputs");
  const torch::Tensor axis_tensor = coordinate_grid({size}).contiguous();  // get_mgrid's coordinates
  const std::vector<float> axis(axis_tensor.data_ptr<float>(), axis_tensor.data_ptr<float>() + size);
  const int64_t total = int64_t{size} * size;
  std::vector<float> values;
  values.reserve(static_cast<size_t>(total) * model.out_features());
  std::vector<float> coords;
  for (int64_t start = 0; start < total; start += kPointsPerQuery) {
    const int64_t n = std::min(kPointsPerQuery, total - start);
    coords.clear();
    for (int64_t p = start; p < start + n; ++p) {
      coords.insert(coords.end(), leading.begin(), leading.end());
      coords.push_back(axis[static_cast<size_t>(p / size)]);
      coords.push_back(axis[static_cast<size_t>(p % size)]);
    }
    const std::vector<float> out = model.query(coords);
    values.insert(values.end(), out.begin(), out.end());
  }
  return values;
}

}  // namespace siren
