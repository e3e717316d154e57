#include "siren/query_stages.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "siren/errors.h"

namespace siren {
namespace {

constexpr int64_t kQueryBlockPoints = 1 << 16;        // bounds activation memory per forward pass
constexpr int64_t kDeviceQueryBlockPoints = 1 << 20;  // a GPU block fills the device

}  // namespace

torch::Tensor coordinate_tensor(const std::vector<float>& coords, int in) {
  if (coords.size() % static_cast<size_t>(in) != 0)
    throw InvalidInput("got " + std::to_string(coords.size()) + " coordinate values, not a multiple of the model's " +
                       std::to_string(in) + " input features");
  for (float v : coords)
    if (!std::isfinite(v)) throw InvalidInput("coordinates contain NaN or infinite values");
  const auto n = static_cast<int64_t>(coords.size() / in);
  return torch::from_blob(const_cast<float*>(coords.data()), {n, in}, torch::kFloat32);
}

torch::Tensor coordinates_on_device(const torch::Tensor& host, const torch::Device& device) {
  if (device.is_cpu()) return host;
  torch::Tensor pinned = torch::empty(host.sizes(), host.options().pinned_memory(true));
  pinned.copy_(host);
  return pinned.to(device, /*non_blocking=*/true);
}

torch::Tensor evaluate_in_blocks(FieldNetwork& network, const torch::Tensor& coords) {
  torch::NoGradGuard no_grad;
  const int64_t block = coords.device().is_cpu() ? kQueryBlockPoints : kDeviceQueryBlockPoints;
  std::vector<torch::Tensor> blocks;
  for (int64_t start = 0; start < coords.size(0); start += block)
    blocks.push_back(network->forward(coords.narrow(0, start, std::min(block, coords.size(0) - start))));
  if (blocks.empty()) return torch::zeros({0, network->spec().out_features}, coords.options());
  return torch::cat(blocks, 0);
}

torch::Tensor values_on_host(const torch::Tensor& values) {
  if (values.device().is_cpu()) return values.contiguous();
  torch::Tensor pinned = torch::empty(values.sizes(), values.options().device(torch::kCPU).pinned_memory(true));
  pinned.copy_(values, /*non_blocking=*/false);
  return pinned;
}

}  // namespace siren
