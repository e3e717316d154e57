#pragma once
// A learned prior over images (the paper's Sec. 4.4, the reference's meta_modules.py): an encoder maps
// a few known pixels of an image to a latent code z, a hypernetwork maps z to every weight and bias of a
// SIREN (the "hypo-network"), and that SIREN is the image. Trained over a dataset, one forward pass turns
// the known pixels of a new image into an ordinary image model.
//
// Encoders: "set" (SetEncoder: a sine MLP on (x, y, pixel) per known pixel, masked mean over them, the
// reference's default) or "conv" (ConvImgEncoder: convolutions over the image with unknown pixels
// zeroed, then a learned weighted sum over positions). The hypernetwork is one ReLU MLP per hypo-network
// parameter (latent -> hyper_hidden -> hyper_hidden -> numel), initialised as the reference's.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "siren/model_spec.h"

namespace siren {

struct PriorShape {
  std::string encoder = "set";  // set | conv
  int width = 32, height = 32, channels = 3;
  int latent = 256;         // the code's size and the encoder's width (the reference's latent_dim)
  int hyper_hidden = 256;   // the hypernetwork's hidden width (one hidden layer, as the reference)
};

// Known pixels of a batch of images: for the set encoder, K pixels per image by index into the grid and
// which of them count (mask 1); for the conv encoder K = every pixel and the mask marks the known ones.
struct PriorContext {
  torch::Tensor index;  // (B, K) int64 into the H*W grid
  torch::Tensor mask;   // (B, K, 1) float, 1 = known
};

// The predicted parameters of B hypo-networks: per linear layer a weight (B, out, in) and a bias (B, out).
struct HypoParameters {
  std::vector<torch::Tensor> weights;
  std::vector<torch::Tensor> biases;

  // Σθ² / (number of predicted values): the reference's hypo_weight_loss.
  torch::Tensor mean_square() const;
};

class ImagePriorNetworkImpl : public torch::nn::Module {
 public:
  // `hypo` is the SIREN the hypernetwork predicts (2 -> channels, sine). Initialised from `generator`.
  ImagePriorNetworkImpl(const PriorShape& shape, const ModelSpec& hypo, at::Generator generator);

  // values: (B, H*W, C) in [-1, 1]; coords: (H*W, 2). Returns z (B, latent).
  torch::Tensor encode(const torch::Tensor& coords, const torch::Tensor& values, const PriorContext& context);
  HypoParameters hypo_parameters(const torch::Tensor& latent);
  // The hypo-networks at `coords` (H*W, 2): (B, H*W, C).
  torch::Tensor render(const HypoParameters& params, const torch::Tensor& coords) const;

  const PriorShape& shape() const { return shape_; }
  const ModelSpec& hypo() const { return hypo_; }

 private:
  torch::Tensor encode_set(const torch::Tensor& coords, const torch::Tensor& values, const PriorContext& context);
  torch::Tensor encode_conv(const torch::Tensor& values, const PriorContext& context);

  PriorShape shape_;
  ModelSpec hypo_;
  std::vector<torch::nn::Linear> set_layers_;
  torch::nn::Conv2d conv_in_{nullptr}, conv_widen_{nullptr}, conv_out_{nullptr};
  std::vector<torch::nn::Conv2d> res_convs_;  // 4 blocks x 2 convs
  torch::nn::Linear conv_pool_{nullptr};
  // Per hypo-network layer: the MLP predicting its weight and the one predicting its bias.
  std::vector<torch::nn::Sequential> weight_nets_, bias_nets_;
};
TORCH_MODULE(ImagePriorNetwork);

// B SIRENs of `spec`'s shape with these parameters at coords (P, 2) shared or (B, P, 2): (B, P, out).
torch::Tensor render_sirens(const HypoParameters& params, const torch::Tensor& coords, const ModelSpec& spec);

// Copies hypo-network `item` of `params` into a plain SIREN of the same spec (an ordinary image model).
void load_hypo_parameters(const HypoParameters& params, int64_t item, std::vector<torch::nn::Linear>& layers);

}  // namespace siren
