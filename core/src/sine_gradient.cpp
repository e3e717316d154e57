#include "siren/sine_gradient.h"

#include <ATen/autocast_mode.h>

#include "siren/linear.h"
#include "siren/sine_layer.h"

namespace siren {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;
using torch::autograd::variable_list;

// The tensors the forward pass keeps for the backward, per sine layer i (L of them).
struct SavedLayers {
  std::vector<torch::Tensor> sines;     // a_{i+1} = sin z_i (N, width)
  std::vector<torch::Tensor> cosines;   // ω_i cos z_i (N, width)
  std::vector<torch::Tensor> scaled;    // u_i = ω_i cos z_i ⊙ p_i = dy/d(W_i a_i + b_i), p_i = dy/da_{i+1}
  std::vector<torch::Tensor> products;  // sin z_i ⊙ p_i, the factor of the pre-activation's share
};

// The parameters as the node receives them: weight_0, bias_0, ..., weight_L, bias_L.
struct Layers {
  torch::TensorList params;
  size_t sine_layers() const { return params.size() / 2 - 1; }
  const torch::Tensor& weight(size_t i) const { return params[2 * i]; }
  const torch::Tensor& bias(size_t i) const { return params[2 * i + 1]; }
};

double omega_of(size_t layer, double first_omega0, double hidden_omega0) {
  return layer == 0 ? first_omega0 : hidden_omega0;
}

// Adds `term` to `sum` (which may still be undefined).
void accumulate(torch::Tensor& sum, const torch::Tensor& term) {
  if (sum.defined()) {
    sum.add_(term);
  } else {
    sum = term;
  }
}

// The value (N, 1) and gradient (N, D) of y at the coordinates. With `for_backward`, `saved` receives what
// the backward pass needs; without (queries), only the cosines are kept, until the gradient chain has used them.
std::pair<torch::Tensor, torch::Tensor> value_and_gradient(const torch::Tensor& coords, const Layers& net,
                                                           double first_omega0, double hidden_omega0,
                                                           bool for_backward, SavedLayers& saved) {
  const size_t last = net.sine_layers();
  // Down the value chain: z_i = ω_i (W_i a_i + b_i) in one GEMM, then sin and ω_i cos in one pass.
  torch::Tensor a = coords;
  for (size_t i = 0; i < last; ++i) {
    const double omega = omega_of(i, first_omega0, hidden_omega0);
    torch::Tensor z = addmm_no_grad(net.bias(i), a, net.weight(i), omega, omega);
    saved.cosines.push_back(sine_and_scaled_cosine_(z, omega));
    if (for_backward) saved.sines.push_back(z);
    a = z;
  }
  const torch::Tensor value = addmm_no_grad(net.bias(last), a, net.weight(last), 1.0, 1.0);
  // Down the gradient chain: p_{L-1} = w (the same row at every point), u_i = ω_i cos z_i ⊙ p_i,
  // p_{i-1} = u_i W_i; the coordinates' gradient is p_{-1}.
  if (for_backward) {
    saved.scaled.resize(last);
    saved.products.resize(last);
  }
  torch::Tensor p = net.weight(last);
  for (size_t i = last; i-- > 0;) {
    torch::Tensor u = saved.cosines[i] * p;
    if (for_backward) {
      saved.products[i] = i + 1 == last ? saved.sines[i] * p : p.mul_(saved.sines[i]);  // p is not needed again
      saved.scaled[i] = u;
    }
    p = matrix_product(u, net.weight(i));
  }
  return {value, p};
}

struct SineNetworkGradient : public torch::autograd::Function<SineNetworkGradient> {
  static variable_list forward(AutogradContext* ctx, const torch::Tensor& coords, torch::TensorList params,
                               double first_omega0, double hidden_omega0) {
    const Layers net{params};
    const size_t last = net.sine_layers();
    SavedLayers saved;
    const auto [value, gradient] = value_and_gradient(coords, net, first_omega0, hidden_omega0, true, saved);
    std::vector<torch::Tensor> keep{coords};
    keep.insert(keep.end(), params.begin(), params.end());
    for (auto* list : {&saved.sines, &saved.cosines, &saved.scaled, &saved.products})
      keep.insert(keep.end(), list->begin(), list->end());
    ctx->save_for_backward(keep);
    ctx->saved_data["first_omega0"] = first_omega0;
    ctx->saved_data["hidden_omega0"] = hidden_omega0;
    ctx->saved_data["sine_layers"] = static_cast<int64_t>(last);
    return {value, gradient};
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    TORCH_CHECK(!torch::GradMode::is_enabled(),
                "the SIREN gradient node has no third derivative (its backward pass is written out)");
    const double first_omega0 = ctx->saved_data["first_omega0"].toDouble();
    const double hidden_omega0 = ctx->saved_data["hidden_omega0"].toDouble();
    const variable_list all = ctx->get_saved_variables();
    const torch::Tensor& coords = all[0];
    const size_t last = static_cast<size_t>(ctx->saved_data["sine_layers"].toInt());
    const size_t param_count = 2 * (last + 1);  // saved: coords, the parameters, then 4 lists of `last`
    const Layers net{torch::TensorList(all.data() + 1, param_count)};
    auto saved_list = [&](size_t which) {
      const auto* begin = all.data() + 1 + param_count + which * last;
      return std::vector<torch::Tensor>(begin, begin + last);
    };
    const SavedLayers saved{saved_list(0), saved_list(1), saved_list(2), saved_list(3)};
    const torch::Tensor& grad_value = grad_outputs[0];
    const torch::Tensor& grad_gradient = grad_outputs[1];

    std::vector<torch::Tensor> grad_weight(last + 1), grad_bias(last + 1);
    // Up the gradient chain with q = the adjoint of p_{i-1}. ū_i is kept: each layer's pre-activation gets
    // the share -ω_i² (sin z_i ⊙ p_i) ⊙ ū_i (from d(ω cos z)/dz = -ω sin z and z = ω·pre) on the way down.
    std::vector<torch::Tensor> u_bar(last);
    if (grad_gradient.defined()) {
      torch::Tensor q = grad_gradient;
      for (size_t i = 0; i < last; ++i) {
        u_bar[i] = matrix_product(q, net.weight(i).t());
        grad_weight[i] = matrix_product(saved.scaled[i].t(), q);
        q = saved.cosines[i] * u_bar[i];
      }
      grad_weight[last] = q.sum(0, /*keepdim=*/true);  // p_{L-1} is the output weight row at every point
    }
    // Down the value chain, a plain backward pass with the shares added to each pre-activation's adjoint.
    torch::Tensor a_bar;  // the adjoint of a_{i+1}
    if (grad_value.defined()) {
      accumulate(grad_weight[last], matrix_product(grad_value.t(), saved.sines[last - 1]));
      grad_bias[last] = grad_value.sum(0);
      a_bar = matrix_product(grad_value, net.weight(last));
    }
    torch::Tensor grad_coords;
    for (size_t i = last; i-- > 0;) {
      const double omega = omega_of(i, first_omega0, hidden_omega0);
      torch::Tensor pre_bar;
      if (a_bar.defined()) pre_bar = a_bar.mul_(saved.cosines[i]);  // a fresh product, not needed again
      if (u_bar[i].defined()) {
        if (pre_bar.defined()) {
          pre_bar.addcmul_(u_bar[i], saved.products[i], -omega * omega);
        } else {
          pre_bar = u_bar[i].mul_(saved.products[i]).mul_(-omega * omega);
        }
      }
      if (!pre_bar.defined()) break;
      const torch::Tensor& a = i == 0 ? coords : saved.sines[i - 1];
      accumulate(grad_weight[i], matrix_product(pre_bar.t(), a));
      grad_bias[i] = pre_bar.sum(0);
      if (i > 0) {
        a_bar = matrix_product(pre_bar, net.weight(i));
      } else if (ctx->needs_input_grad(0)) {
        grad_coords = matrix_product(pre_bar, net.weight(0));
      }
    }
    tensor_list grads{grad_coords};
    for (size_t i = 0; i <= last; ++i) {
      grads.push_back(grad_weight[i]);
      grads.push_back(grad_bias[i]);
    }
    grads.push_back(torch::Tensor());  // first_omega0
    grads.push_back(torch::Tensor());  // hidden_omega0
    return grads;
  }
};

}  // namespace

bool sine_network_gradient_applies(const std::vector<torch::nn::Linear>& layers, const torch::Tensor& coords) {
  if (layers.size() < 2 || layers.back()->weight.size(0) != 1) return false;
  if (coords.dim() != 2 || coords.scalar_type() != torch::kFloat32) return false;
  for (const auto& layer : layers)
    if (layer->weight.scalar_type() != torch::kFloat32 || !layer->bias.defined()) return false;
  return !at::autocast::is_autocast_enabled(coords.device().type());
}

FieldDerivatives sine_network_gradient(const std::vector<torch::nn::Linear>& layers, double first_omega0,
                                       double hidden_omega0, const torch::Tensor& coords) {
  TORCH_CHECK(sine_network_gradient_applies(layers, coords),
              "sine_network_gradient: a one-output float32 SIREN with biases, outside autocast");
  std::vector<torch::Tensor> params;
  for (const auto& layer : layers) {
    params.push_back(layer->weight);
    params.push_back(layer->bias);
  }
  bool trains = coords.requires_grad();
  for (const auto& p : params) trains = trains || p.requires_grad();
  FieldDerivatives field;
  if (torch::GradMode::is_enabled() && trains) {
    const variable_list out =
        SineNetworkGradient::apply(coords.contiguous(), torch::TensorList(params), first_omega0, hidden_omega0);
    field.value = out[0];
    field.jacobian = out[1].unsqueeze(1);
  } else {  // a query: the forward pass alone, nothing kept for a backward pass
    SavedLayers cosines;
    const auto [value, gradient] =
        value_and_gradient(coords.contiguous(), Layers{params}, first_omega0, hidden_omega0, false, cosines);
    field.value = value;
    field.jacobian = gradient.unsqueeze(1);
  }
  return field;
}

}  // namespace siren
