#include "siren/colormap.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "siren/errors.h"

namespace siren {
namespace {

using Rgb = std::array<float, 3>;

constexpr Rgb hex(unsigned v) {
  return {static_cast<float>((v >> 16) & 0xFF) / 255.0f, static_cast<float>((v >> 8) & 0xFF) / 255.0f,
          static_cast<float>(v & 0xFF) / 255.0f};
}

// Evenly spaced stops, linearly interpolated (matplotlib's LinearSegmentedColormap.from_list does the same).
const std::vector<Rgb>& stops(Colormap map) {
  static const std::vector<Rgb> rdbu = {hex(0x67001f), hex(0xb2182b), hex(0xd6604d), hex(0xf4a582),
                                        hex(0xfddbc7), hex(0xf7f7f7), hex(0xd1e5f0), hex(0x92c5de),
                                        hex(0x4393c3), hex(0x2166ac), hex(0x053061)};
  static const std::vector<Rgb> viridis = {hex(0x440154), hex(0x472d7b), hex(0x3b528b), hex(0x2c728e), hex(0x21918c),
                                           hex(0x28ae80), hex(0x5ec962), hex(0xaadc32), hex(0xfde725)};
  return map == Colormap::RdBu ? rdbu : viridis;
}

}  // namespace

Image colormap_image(const std::vector<float>& values, int width, int height, Colormap map, double lo, double hi) {
  if (width <= 0 || height <= 0 || values.size() != static_cast<size_t>(width) * height)
    throw InvalidInput("colormap_image: " + std::to_string(values.size()) + " values for a " + std::to_string(width) +
                       "x" + std::to_string(height) + " image");
  if (!(hi > lo)) throw InvalidInput("colormap_image: the range must have hi > lo");
  const auto& colours = stops(map);
  const double segments = static_cast<double>(colours.size() - 1);
  Image image{width, height, 3, {}};
  image.pixels.resize(values.size() * 3);
  for (size_t i = 0; i < values.size(); ++i) {
    double u = (values[i] - lo) / (hi - lo);
    u = std::isfinite(u) ? std::clamp(u, 0.0, 1.0) : 0.5;
    const double position = u * segments;
    const size_t k = std::min(static_cast<size_t>(position), colours.size() - 2);
    const auto f = static_cast<float>(position - static_cast<double>(k));
    for (int c = 0; c < 3; ++c) image.pixels[3 * i + c] = colours[k][c] + f * (colours[k + 1][c] - colours[k][c]);
  }
  return image;
}

double abs_quantile(const std::vector<float>& values, double q) {
  std::vector<float> magnitudes;
  magnitudes.reserve(values.size());
  for (float v : values)
    if (std::isfinite(v)) magnitudes.push_back(std::abs(v));
  if (magnitudes.empty()) return 1.0;
  const auto k = static_cast<size_t>(std::clamp(q, 0.0, 1.0) * static_cast<double>(magnitudes.size() - 1));
  std::nth_element(magnitudes.begin(), magnitudes.begin() + static_cast<std::ptrdiff_t>(k), magnitudes.end());
  const double value = magnitudes[k];
  return value > 0 ? value : 1.0;
}

}  // namespace siren
