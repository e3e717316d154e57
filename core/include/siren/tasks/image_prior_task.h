#pragma once
// Learning a prior over images (the reference's train_img_neural_process): an encoder + hypernetwork
// (image_prior_network.h) trained over a dataset so that a few known pixels of an unseen image give a
// SIREN of the whole image. Each step takes `batch_size` training images, and per image the known
// pixels the reference's ImageGeneralizationWrapper draws: set encoder, 200 random pixels of which a
// random 10..200 count; conv encoder, each pixel with probability U(10, 200) / pixels. The loss is the
// reference's image_hypernetwork_loss: MSE over every pixel + kl x mean(z^2) + fw x mean(θ^2).
//
// The encoder and hypernetwork live in the fit's network as its "prior" submodule (network_preparing_task.h),
// so checkpoints, resumes and the device follow them. The network itself is a SIREN of the hypo-network's
// shape: after each report it holds the hypo-network predicted for the first image of the batch, so the
// model renders and exports as an image (at the end: the first held-out image from 100 known pixels).
//
// The final figures (batch size 0 = the held-out evaluation batch, as test_neural_process.py): mean MSE
// and PSNR over the held-out images knowing 10, 100 and 1000 random pixels (those that fit), the top half
// and every pixel; and beside them a plain SIREN fitted to the same known pixels alone, on a few of them.
#include <memory>
#include <vector>

#include "siren/io/image.h"
#include "siren/network_preparing_task.h"
#include "siren/task.h"
#include "siren/tasks/image_prior_network.h"

namespace siren {

struct ImagePriorOptions {
  PriorShape shape;
  double holdout = 0.1;     // fraction (< 1) or count (>= 1) of images kept out of training
  int context_min = 10, context_max = 200;
  double kl = 0.1, fw = 100.0;  // the reference's --kl_weight and --fw_weight
  int eval_images = 1000;       // held-out images scored (at most)
  int baseline_images = 5;      // held-out images also fitted by a plain SIREN
  int baseline_steps = 500;     // its Adam steps (lr 1e-4, the image preset's)
};

class ImagePriorTask : public Task, public NetworkPreparingTask {
 public:
  // images: all of the options' width x height and channels (uniform_images). At least 2.
  ImagePriorTask(const std::vector<Image>& images, ImagePriorOptions options);

  std::string kind() const override;
  void configure_model(ModelSpec& spec) const override;
  void to(const torch::Device& device) override;
  int64_t num_points() const override { return train_values_.size(0); }
  Batch sample(int64_t batch_size, at::Generator& gen) const override;
  int64_t steps_per_epoch(int64_t batch_size) const override;
  LossTerms losses(const torch::Tensor& coords, const torch::Tensor& output, const Batch& batch) const override;
  std::map<std::string, double> metrics(const torch::Tensor& output, const Batch& batch) const override;
  std::map<std::string, std::string> metadata() const override;
  void prepare_network(FieldNetworkImpl& network, at::Generator& init_generator) override;

  int64_t training_images() const { return train_values_.size(0); }
  int64_t heldout_images() const { return heldout_values_.size(0); }
  ImagePriorNetwork prior() const { return prior_; }
  // The held-out evaluation table (the final figures), computed directly.
  std::map<std::string, double> evaluate_heldout() const;

 private:
  PriorContext training_context(int64_t batch, at::Generator& gen) const;
  // The prior's forward passes from const methods (losses, metrics): the trainer owns its parameters.
  ImagePriorNetworkImpl& net() const { return *prior_.ptr(); }

  ImagePriorOptions options_;
  int64_t pixels_ = 0;
  torch::Tensor coords_;          // (H*W, 2)
  torch::Tensor train_values_;    // (N, H*W, C) in [-1, 1]
  torch::Tensor heldout_values_;  // (M, H*W, C)
  ImagePriorNetwork prior_{nullptr};
  FieldNetworkImpl* field_ = nullptr;  // the fit's network: holds one predicted hypo-network for rendering
  // What the last losses() predicted, for metrics() (which the trainer calls with the field network's
  // output, a placeholder here).
  mutable torch::Tensor last_prediction_;
  mutable HypoParameters last_params_;
};

// The evaluation's context sizes, by name: "10", "100", "1000", "half", "full" (those that fit).
std::vector<std::string> prior_context_names(int64_t pixels);
// Known pixels of `count` images for a named context, drawn from `gen` (random subsets) or fixed (half:
// the first half of the pixels in row-major order, the top rows; full: every pixel).
PriorContext prior_evaluation_context(const std::string& name, int64_t count, int64_t pixels, at::Generator& gen);

}  // namespace siren
