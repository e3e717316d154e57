#pragma once
// The learned prior's yardstick (image-prior's evaluation): a plain SIREN fitted to an image's known
// pixels alone, as train_img would with only those pixels, then scored on every pixel.
#include <torch/torch.h>

#include "siren/model_spec.h"
#include "siren/tasks/image_prior_network.h"

namespace siren {

// One SIREN of `spec` per image (SIREN initialisation from `seed`), each fitted by Adam (lr 1e-4, the
// image preset's) for `steps` full-batch steps to the MSE on its known pixels; all are trained at once
// as a batch of independent networks. images (B, P, C) in [-1, 1], coords (P, 2). Returns every pixel's
// prediction, (B, P, C), detached.
torch::Tensor fit_plain_sirens(const ModelSpec& spec, const torch::Tensor& coords, const torch::Tensor& images,
                               const PriorContext& known, int steps, uint64_t seed);

}  // namespace siren
