#include "siren/tasks/poisson_ground_truth.h"

#include <algorithm>
#include <cmath>

#include "siren/errors.h"
#include "siren/image_derivatives.h"

namespace siren {
namespace {

void check_pixels(const Image& image, const char* what) {
  if (image.width <= 0 || image.height <= 0) throw InvalidInput(std::string(what) + " has no pixels (0x0)");
  if (image.channels != 1 && image.channels != 3)
    throw InvalidInput(std::string(what) + " has " + std::to_string(image.channels) + " channels; expected gray or RGB");
}

// The reference's [gradx, grady] of a normalised (and possibly scaled) plane: scipy's sobel on the
// (1, H, W) array, i.e. the 2-D Sobel times the singleton axis' smoothing factor.
std::vector<float> reference_gradients(const std::vector<float>& plane, int width, int height) {
  const std::vector<float> d_row = sobel(plane, width, height, ImageAxis::Rows);
  const std::vector<float> d_col = sobel(plane, width, height, ImageAxis::Cols);
  std::vector<float> out(2 * plane.size());
  for (size_t i = 0; i < plane.size(); ++i) {
    out[2 * i] = d_row[i] * kSobelSingletonAxisFactor;
    out[2 * i + 1] = d_col[i] * kSobelSingletonAxisFactor;
  }
  return out;
}

std::vector<float> scaled(std::vector<float> plane, float factor) {
  for (float& v : plane) v *= factor;  // float32, as the reference's in-place img *= 1e1
  return plane;
}

}  // namespace

std::vector<float> normalized_gray(const Image& image) {
  check_pixels(image, "the image");
  const size_t n = static_cast<size_t>(image.width) * image.height;
  std::vector<float> out(n);
  for (size_t i = 0; i < n; ++i) {
    const float* p = image.pixels.data() + i * image.channels;
    const float gray = image.channels == 1 ? p[0] : 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
    out[i] = (gray - 0.5f) / 0.5f;
  }
  return out;
}

PoissonGroundTruth gradient_ground_truth(const Image& image) {
  PoissonGroundTruth truth{image.width, image.height, PoissonTarget::Gradients, {}, normalized_gray(image)};
  truth.values = reference_gradients(scaled(truth.image, kGradientImageScale), image.width, image.height);
  return truth;
}

PoissonGroundTruth laplacian_ground_truth(const Image& image) {
  PoissonGroundTruth truth{image.width, image.height, PoissonTarget::Laplacian, {}, normalized_gray(image)};
  truth.values = laplace(scaled(truth.image, kLaplacianImageScale), image.width, image.height);
  return truth;
}

Placement composite_placement(int canvas_width, int canvas_height, int foreground_width, int foreground_height) {
  if (canvas_width <= 0 || canvas_height <= 0 || foreground_width <= 0 || foreground_height <= 0)
    throw InvalidInput("composite: the background and the foreground must have pixels");
  const double s = std::min(double(canvas_width) / foreground_width, double(canvas_height) / foreground_height);
  Placement p;
  p.width = std::clamp(static_cast<int>(std::lround(foreground_width * s)), 1, canvas_width);
  p.height = std::clamp(static_cast<int>(std::lround(foreground_height * s)), 1, canvas_height);
  p.col = (canvas_width - p.width) / 2;
  p.row = canvas_height - p.height;
  return p;
}

PoissonGroundTruth composite_ground_truth(const Image& background, const Image& foreground) {
  check_pixels(background, "the background image");
  check_pixels(foreground, "the foreground image");
  const int w = background.width, h = background.height;
  const Placement at = composite_placement(w, h, foreground.width, foreground.height);
  const std::vector<float> img1 = normalized_gray(background);
  const std::vector<float> fg = normalized_gray(resize_image(foreground, at.width, at.height));
  std::vector<float> img2(img1.size(), kCompositeCanvasValue);
  for (int r = 0; r < at.height; ++r)
    std::copy_n(fg.begin() + static_cast<size_t>(r) * at.width, at.width,
                img2.begin() + static_cast<size_t>(at.row + r) * w + at.col);

  const std::vector<float> g1 = reference_gradients(img1, w, h);
  const std::vector<float> g2 = reference_gradients(img2, w, h);
  PoissonGroundTruth truth{w, h, PoissonTarget::Gradients, std::vector<float>(g1.size()), std::vector<float>(img1.size())};
  for (size_t i = 0; i < g1.size(); ++i) truth.values[i] = 0.5f * g1[i] + 0.5f * g2[i];
  for (size_t i = 0; i < img1.size(); ++i) truth.image[i] = 0.5f * img1[i] + 0.5f * img2[i];
  return truth;
}

}  // namespace siren
