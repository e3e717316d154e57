#include "siren/image_derivatives.h"

#include <string>

#include "siren/errors.h"

namespace siren {
namespace {

void check_plane(const std::vector<float>& plane, int width, int height) {
  if (width <= 0 || height <= 0) throw InvalidInput("the image has no pixels (0x0)");
  if (plane.size() != static_cast<size_t>(width) * static_cast<size_t>(height))
    throw InvalidInput("a " + std::to_string(width) + "x" + std::to_string(height) + " plane needs " +
                       std::to_string(static_cast<size_t>(width) * height) + " samples, got " +
                       std::to_string(plane.size()));
}

// One scipy correlate1d pass with a 3-tap kernel (k0, k1, k2) along `axis`, reflect border: each
// output is k0 * in[i-1] + k1 * in[i] + k2 * in[i+1], summed in double, stored as float.
std::vector<float> correlate3(const std::vector<float>& in, int width, int height, ImageAxis axis, double k0,
                              double k1, double k2) {
  std::vector<float> out(in.size());
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < width; ++c) {
      double prev, next;
      if (axis == ImageAxis::Rows) {
        prev = in[static_cast<size_t>(reflect_index(r - 1, height)) * width + c];
        next = in[static_cast<size_t>(reflect_index(r + 1, height)) * width + c];
      } else {
        prev = in[static_cast<size_t>(r) * width + reflect_index(c - 1, width)];
        next = in[static_cast<size_t>(r) * width + reflect_index(c + 1, width)];
      }
      const double here = in[static_cast<size_t>(r) * width + c];
      out[static_cast<size_t>(r) * width + c] = static_cast<float>(k0 * prev + k1 * here + k2 * next);
    }
  return out;
}

ImageAxis other(ImageAxis axis) { return axis == ImageAxis::Rows ? ImageAxis::Cols : ImageAxis::Rows; }

}  // namespace

int reflect_index(int i, int n) {
  if (i < 0) return -i - 1;
  if (i >= n) return 2 * n - i - 1;
  return i;
}

std::vector<float> sobel(const std::vector<float>& plane, int width, int height, ImageAxis axis) {
  check_plane(plane, width, height);
  // scipy.ndimage.sobel: correlate1d(input, [-1, 0, 1], axis), then [1, 2, 1] along every other axis.
  const std::vector<float> derivative = correlate3(plane, width, height, axis, -1.0, 0.0, 1.0);
  return correlate3(derivative, width, height, other(axis), 1.0, 2.0, 1.0);
}

std::vector<float> laplace(const std::vector<float>& plane, int width, int height) {
  check_plane(plane, width, height);
  // scipy.ndimage.laplace = generic_laplace with derivative2 = correlate1d(input, [1, -2, 1], axis):
  // the first axis' result, then each further axis' result added in the output dtype (float32).
  const std::vector<float> rows = correlate3(plane, width, height, ImageAxis::Rows, 1.0, -2.0, 1.0);
  std::vector<float> out = correlate3(plane, width, height, ImageAxis::Cols, 1.0, -2.0, 1.0);
  for (size_t i = 0; i < out.size(); ++i) out[i] = rows[i] + out[i];
  return out;
}

}  // namespace siren
