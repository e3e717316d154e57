#include "siren/tasks/inpainting_mask.h"

#include <ATen/CPUGeneratorImpl.h>

#include "siren/errors.h"

namespace siren {
namespace {

std::string size_text(int width, int height) { return std::to_string(width) + "x" + std::to_string(height); }

}  // namespace

torch::Tensor random_pixel_mask(int width, int height, double fraction, uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const torch::Tensor uniform = torch::rand({int64_t{height} * width, 1}, gen, torch::TensorOptions().dtype(torch::kFloat32));
  return (uniform < fraction).to(torch::kFloat32);
}

torch::Tensor pixel_mask_from_image(const Image& mask) {
  const int64_t n = int64_t{mask.width} * mask.height;
  const torch::Tensor pixels =
      torch::from_blob(const_cast<float*>(mask.pixels.data()), {n, mask.channels}, torch::kFloat32);
  return (pixels.mean(1, /*keepdim=*/true) >= 0.5).to(torch::kFloat32);
}

void check_mask_size(const Image& mask, const Image& image) {
  if (mask.width != image.width || mask.height != image.height)
    throw InvalidInput("the mask is " + size_text(mask.width, mask.height) + " pixels but the image is " +
                       size_text(image.width, image.height) + ": a mask must be the size of its image");
}

int64_t observed_pixel_count(const torch::Tensor& mask) { return static_cast<int64_t>(mask.sum().item<double>()); }

}  // namespace siren
