#pragma once
// Which pixels an inpainting fit is supervised on: a (H*W, 1) float tensor, 1 = observed, 0 = never
// seen. Either drawn at random (the reference's `torch.rand(resolution) < sparsity`) or read from a
// mask image (its --mask_path).
#include <cstdint>

#include <torch/torch.h>

#include "siren/io/image.h"

namespace siren {

// Each pixel observed with probability `fraction`, independently, from a generator seeded with `seed`
// (so a resumed fit rebuilds the same mask).
torch::Tensor random_pixel_mask(int width, int height, double fraction, uint64_t seed);

// A pixel is observed where the mask image is light: the mean of its channels >= 0.5 (white = seen,
// black = to inpaint). The reference weights the loss by the mask's values; a binary reading keeps a
// mask saved with antialiased or JPEG-noisy edges from weighting pixels by fractions.
torch::Tensor pixel_mask_from_image(const Image& mask);

// Throws InvalidInput when the mask is not the image's size (checked before either is resized).
void check_mask_size(const Image& mask, const Image& image);

int64_t observed_pixel_count(const torch::Tensor& mask);

}  // namespace siren
