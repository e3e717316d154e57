#include "siren/positional_encoding.h"

#include <cmath>
#include <vector>

namespace siren {

PositionalEncodingImpl::PositionalEncodingImpl(int in_features, int frequencies)
    : in_features_(in_features), frequencies_(frequencies) {}

torch::Tensor PositionalEncodingImpl::forward(const torch::Tensor& coords) {
  std::vector<torch::Tensor> parts;
  parts.reserve(1 + 2 * in_features_ * frequencies_);
  parts.push_back(coords);
  for (int i = 0; i < frequencies_; ++i) {
    const double scale = std::pow(2.0, i) * M_PI;
    for (int j = 0; j < in_features_; ++j) {
      const torch::Tensor c = coords.narrow(-1, j, 1) * scale;
      parts.push_back(torch::sin(c));
      parts.push_back(torch::cos(c));
    }
  }
  return torch::cat(parts, -1);
}

int reference_pe_frequencies(int in_features, int64_t samples_per_axis) {
  if (in_features >= 3) return 10;
  // nyquist_rate = 1 / (2 * (2 / samples)) = samples / 4
  const double nyquist = static_cast<double>(samples_per_axis) / 4.0;
  const int frequencies = nyquist >= 2.0 ? static_cast<int>(std::floor(std::log2(nyquist))) : 1;
  return std::max(frequencies, 1);
}

}  // namespace siren
