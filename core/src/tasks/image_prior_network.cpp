#include "siren/tasks/image_prior_network.h"

#include <cmath>

#include "siren/errors.h"

namespace siren {
namespace {

constexpr double kEncoderOmega = 30.0;  // the reference's Sine(): sin(30 x)
constexpr int kSetEncoderHiddenLayers = 2;
constexpr int kResBlocks = 4;

// PyTorch's default Linear/Conv initialisation from our generator: W and b ~ U(+-1/sqrt(fan_in)).
void init_default(torch::Tensor& weight, torch::Tensor& bias, int64_t fan_in, at::Generator& gen) {
  torch::NoGradGuard no_grad;
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  weight.uniform_(-bound, bound, gen);
  if (bias.defined()) bias.uniform_(-bound, bound, gen);
}

torch::nn::Linear linear(int64_t in, int64_t out, at::Generator& gen) {
  torch::nn::Linear layer(in, out);
  init_default(layer->weight, layer->bias, in, gen);
  return layer;
}

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, at::Generator& gen) {
  torch::nn::Conv2d layer(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2));
  init_default(layer->weight, layer->bias, in * kernel * kernel, gen);
  return layer;
}

// Kaiming normal (fan in, ReLU): the reference's init_weights_normal, divided by `scale`.
void kaiming_normal(torch::Tensor& weight, at::Generator& gen, double scale = 1.0) {
  torch::NoGradGuard no_grad;
  weight.normal_(0.0, std::sqrt(2.0 / static_cast<double>(weight.size(1))) / scale, gen);
}

// One hypernetwork head (the reference's FCBlock, relu, 1 hidden layer, outermost linear). Its last layer
// starts small (kaiming / 100) with a bias U(+-bias_bound): the predicted parameters begin near a SIREN's
// initialisation scale.
torch::nn::Sequential hyper_head(int64_t latent, int64_t hidden, int64_t numel, double bias_bound, at::Generator& gen) {
  torch::nn::Linear first = linear(latent, hidden, gen), middle = linear(hidden, hidden, gen),
                    last = linear(hidden, numel, gen);
  kaiming_normal(first->weight, gen);
  kaiming_normal(middle->weight, gen);
  kaiming_normal(last->weight, gen, 100.0);
  {
    torch::NoGradGuard no_grad;
    last->bias.uniform_(-bias_bound, bias_bound, gen);
  }
  return torch::nn::Sequential(first, torch::nn::ReLU(), middle, torch::nn::ReLU(), last);
}

// Layer sizes of the hypo-network: (in, out) per linear layer.
std::vector<std::pair<int64_t, int64_t>> hypo_layer_sizes(const ModelSpec& hypo) {
  std::vector<std::pair<int64_t, int64_t>> sizes{{hypo.in_features, hypo.hidden_features}};
  for (int i = 0; i < hypo.hidden_layers; ++i) sizes.emplace_back(hypo.hidden_features, hypo.hidden_features);
  sizes.emplace_back(hypo.hidden_features, hypo.out_features);
  return sizes;
}

}  // namespace

torch::Tensor HypoParameters::mean_square() const {
  torch::Tensor sum;
  int64_t count = 0;
  for (const auto* group : {&weights, &biases})
    for (const torch::Tensor& t : *group) {
      const torch::Tensor s = t.pow(2).sum();
      sum = sum.defined() ? sum + s : s;
      count += t.numel();
    }
  return sum / static_cast<double>(std::max<int64_t>(count, 1));
}

ImagePriorNetworkImpl::ImagePriorNetworkImpl(const PriorShape& shape, const ModelSpec& hypo, at::Generator generator)
    : shape_(shape), hypo_(hypo) {
  if (hypo.activation != Activation::Sine)
    throw InvalidInput("a learned image prior predicts a SIREN: the activation must be sine, got " +
                       to_string(hypo.activation));
  at::Generator& gen = generator;
  const int64_t latent = shape.latent;
  if (shape.encoder == "set") {
    // SetEncoder(C + 2 -> latent, 2 hidden layers of latent, sine): sine_init on every layer (no special
    // first layer), default biases.
    std::vector<int64_t> widths{hypo.in_features + shape.channels};
    for (int i = 0; i < kSetEncoderHiddenLayers + 2; ++i) widths.push_back(latent);
    for (size_t i = 0; i + 1 < widths.size(); ++i) {
      torch::nn::Linear layer = linear(widths[i], widths[i + 1], gen);
      {
        torch::NoGradGuard no_grad;
        const double bound = std::sqrt(6.0 / static_cast<double>(widths[i])) / kEncoderOmega;
        layer->weight.uniform_(-bound, bound, gen);
      }
      set_layers_.push_back(register_module("set_" + std::to_string(i), layer));
    }
  } else if (shape.encoder == "conv") {
    // ConvImgEncoder: conv3x3 C -> latent/2, ReLU, conv3x3 -> latent, ReLU, 4 residual blocks of two 5x5
    // convs, conv1x1, ReLU, then a linear map over the H*W positions (the reference's Linear(1024, 1) at
    // 32x32). The reference's widths are 128 and 256 = latent/2 and latent.
    conv_in_ = register_module("conv_in", conv(shape.channels, std::max<int64_t>(1, latent / 2), 3, gen));
    conv_widen_ = register_module("conv_widen", conv(std::max<int64_t>(1, latent / 2), latent, 3, gen));
    for (int i = 0; i < 2 * kResBlocks; ++i)
      res_convs_.push_back(register_module("res_" + std::to_string(i), conv(latent, latent, 5, gen)));
    conv_out_ = register_module("conv_out", conv(latent, latent, 1, gen));
    conv_pool_ = register_module("conv_pool", linear(int64_t{shape.width} * shape.height, 1, gen));
  } else {
    throw InvalidInput("unknown encoder \"" + shape.encoder + "\"; expected set or conv");
  }
  const auto sizes = hypo_layer_sizes(hypo);
  for (size_t i = 0; i < sizes.size(); ++i) {
    const auto [in, out] = sizes[i];
    weight_nets_.push_back(register_module(
        "hyper_weight_" + std::to_string(i), hyper_head(latent, shape.hyper_hidden, in * out, 1.0 / in, gen)));
    bias_nets_.push_back(register_module("hyper_bias_" + std::to_string(i),
                                         hyper_head(latent, shape.hyper_hidden, out, 1.0 / shape.hyper_hidden, gen)));
  }
}

torch::Tensor ImagePriorNetworkImpl::encode(const torch::Tensor& coords, const torch::Tensor& values,
                                            const PriorContext& context) {
  return shape_.encoder == "set" ? encode_set(coords, values, context) : encode_conv(values, context);
}

torch::Tensor ImagePriorNetworkImpl::encode_set(const torch::Tensor& coords, const torch::Tensor& values,
                                                const PriorContext& context) {
  const int64_t batch = context.index.size(0), k = context.index.size(1);
  const torch::Tensor flat_index = context.index.reshape({-1});
  const torch::Tensor known_coords = coords.index_select(0, flat_index).reshape({batch, k, coords.size(1)});
  const torch::Tensor known_values = values.gather(1, context.index.unsqueeze(-1).expand({batch, k, values.size(2)}));
  torch::Tensor h = torch::cat({known_coords, known_values}, -1);
  for (auto& layer : set_layers_) h = torch::sin(kEncoderOmega * layer->forward(h));
  // The reference's masked mean, mean(e * mask) * K / Σmask = Σ(e * mask) / Σmask.
  return (h * context.mask).sum(1) / context.mask.sum(1).clamp_min(1.0);
}

torch::Tensor ImagePriorNetworkImpl::encode_conv(const torch::Tensor& values, const PriorContext& context) {
  const int64_t batch = values.size(0);
  // The sparse image: known pixels kept, the rest 0 (the reference's img_sparse = mask * img).
  torch::Tensor known = torch::zeros({batch, values.size(1), 1}, values.options());
  known = known.scatter(1, context.index.unsqueeze(-1), context.mask);
  torch::Tensor h = (values * known).permute({0, 2, 1}).reshape({batch, shape_.channels, shape_.height, shape_.width});
  h = torch::relu(conv_in_->forward(h));
  h = torch::relu(conv_widen_->forward(h));
  for (size_t i = 0; i < res_convs_.size(); i += 2) {
    const torch::Tensor inner = torch::relu(res_convs_[i + 1]->forward(torch::relu(res_convs_[i]->forward(h))));
    h = torch::relu(inner + h);
  }
  h = torch::relu(conv_out_->forward(h));
  return conv_pool_->forward(h.reshape({batch, shape_.latent, -1})).squeeze(-1);
}

HypoParameters ImagePriorNetworkImpl::hypo_parameters(const torch::Tensor& latent) {
  const auto sizes = hypo_layer_sizes(hypo_);
  HypoParameters params;
  for (size_t i = 0; i < sizes.size(); ++i) {
    const auto [in, out] = sizes[i];
    params.weights.push_back(weight_nets_[i]->forward(latent).reshape({-1, out, in}));
    params.biases.push_back(bias_nets_[i]->forward(latent).reshape({-1, out}));
  }
  return params;
}

torch::Tensor ImagePriorNetworkImpl::render(const HypoParameters& params, const torch::Tensor& coords) const {
  return render_sirens(params, coords, hypo_);
}

torch::Tensor render_sirens(const HypoParameters& params, const torch::Tensor& coords, const ModelSpec& spec) {
  const int64_t batch = params.weights.front().size(0);
  torch::Tensor h = coords.dim() == 2 ? coords.unsqueeze(0).expand({batch, coords.size(0), coords.size(1)}) : coords;
  const size_t last = params.weights.size() - 1;
  for (size_t i = 0; i <= last; ++i) {
    h = torch::baddbmm(params.biases[i].unsqueeze(1), h, params.weights[i].transpose(1, 2));
    // omega0 multiplies the whole pre-activation, bias included, as the SIREN does.
    if (i < last) h = torch::sin((i == 0 ? spec.first_omega0 : spec.hidden_omega0) * h);
  }
  return h;
}

void load_hypo_parameters(const HypoParameters& params, int64_t item, std::vector<torch::nn::Linear>& layers) {
  if (layers.size() != params.weights.size())
    throw InvalidInput("the prior predicts " + std::to_string(params.weights.size()) + " layers, the model has " +
                       std::to_string(layers.size()));
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < layers.size(); ++i) {
    layers[i]->weight.copy_(params.weights[i][item]);
    layers[i]->bias.copy_(params.biases[i][item]);
  }
}

}  // namespace siren
