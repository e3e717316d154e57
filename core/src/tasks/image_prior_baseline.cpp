#include "siren/tasks/image_prior_baseline.h"

#include <cmath>

namespace siren {
namespace {

constexpr double kBaselineLearningRate = 1e-4;

// A batch of SIREN layers: W ~ U(+-1/in) on the first layer, U(+-sqrt(6/in)/omega0) after; biases as
// nn.Linear's default, U(+-1/sqrt(in)) (init.h).
HypoParameters siren_initialisation(const ModelSpec& spec, int64_t batch, const torch::Device& device, uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  std::vector<int64_t> widths{spec.in_features};
  for (int i = 0; i <= spec.hidden_layers; ++i) widths.push_back(spec.hidden_features);
  widths.push_back(spec.out_features);
  HypoParameters params;
  for (size_t i = 0; i + 1 < widths.size(); ++i) {
    const auto in = static_cast<double>(widths[i]);
    const double bound = i == 0 ? 1.0 / in : std::sqrt(6.0 / in) / spec.hidden_omega0;
    const double bias_bound = 1.0 / std::sqrt(in);
    params.weights.push_back(
        (torch::rand({batch, widths[i + 1], widths[i]}, gen) * 2 - 1).mul(bound).to(device).requires_grad_(true));
    params.biases.push_back(
        (torch::rand({batch, widths[i + 1]}, gen) * 2 - 1).mul(bias_bound).to(device).requires_grad_(true));
  }
  return params;
}

}  // namespace

torch::Tensor fit_plain_sirens(const ModelSpec& spec, const torch::Tensor& coords, const torch::Tensor& images,
                               const PriorContext& known, int steps, uint64_t seed) {
  torch::AutoGradMode enable_grad(true);
  const int64_t batch = images.size(0), k = known.index.size(1);
  HypoParameters params = siren_initialisation(spec, batch, images.device(), seed);
  std::vector<torch::Tensor> leaves = params.weights;
  leaves.insert(leaves.end(), params.biases.begin(), params.biases.end());
  torch::optim::Adam adam(leaves, torch::optim::AdamOptions(kBaselineLearningRate));
  const torch::Tensor known_coords = coords.index_select(0, known.index.reshape({-1})).reshape({batch, k, coords.size(1)});
  const torch::Tensor known_values = images.gather(1, known.index.unsqueeze(-1).expand({batch, k, images.size(2)}));
  const torch::Tensor weight = known.mask / (known.mask.sum(1, true).clamp_min(1.0) * images.size(2));
  for (int step = 0; step < steps; ++step) {
    // The sum of each network's own MSE on its known pixels: the networks share no parameter, and Adam
    // is elementwise, so each trains exactly as it would alone.
    const torch::Tensor loss = ((render_sirens(params, known_coords, spec) - known_values).pow(2) * weight).sum();
    adam.zero_grad();
    loss.backward();
    adam.step();
  }
  torch::NoGradGuard no_grad;
  return render_sirens(params, coords, spec).detach();
}

}  // namespace siren
