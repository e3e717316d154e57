#include "siren/optim/clip_grad_norm.h"

namespace siren::optim {

void clip_grad_norm_on_device(const std::vector<torch::Tensor>& parameters, double max_norm) {
  std::vector<torch::Tensor> grads, norms;
  for (const torch::Tensor& p : parameters) {
    if (!p.grad().defined()) continue;
    grads.push_back(p.grad());
    norms.push_back(torch::linalg_vector_norm(p.grad().detach(), 2));
  }
  if (grads.empty()) return;
  const torch::Tensor total = torch::linalg_vector_norm(torch::stack(norms), 2);
  const torch::Tensor scale = torch::clamp_max(max_norm / (total + 1e-6), 1.0);
  torch::NoGradGuard no_grad;
  for (torch::Tensor& g : grads) g.mul_(scale);
}

}  // namespace siren::optim
