#pragma once
// The stages of a query (FieldModel::query, render_image): host coordinates checked and moved onto the
// model's device, the network evaluated there in blocks, the values moved back into host memory. Named
// apart so that siren-bench can time each stage alone (copies against kernels).
#include <torch/torch.h>

#include <vector>

#include "siren/network.h"

namespace siren {

// n * in floats -> an (n, in) tensor viewing them; throws InvalidInput for a bad length or NaN/Inf.
torch::Tensor coordinate_tensor(const std::vector<float>& coords, int in);
// Host coordinates onto `device`: through a pinned buffer for a GPU, so the copy is a DMA.
torch::Tensor coordinates_on_device(const torch::Tensor& host, const torch::Device& device);
// The network's values at coordinates already on its device, without gradients, in blocks that bound the
// activation memory (2^16 points on a CPU; 2^20 on a GPU, 1 GiB per 256-wide activation).
torch::Tensor evaluate_in_blocks(FieldNetwork& network, const torch::Tensor& coords);
// Values on any device back into host memory the caller may read at once (pinned for a GPU).
torch::Tensor values_on_host(const torch::Tensor& values);

}  // namespace siren
