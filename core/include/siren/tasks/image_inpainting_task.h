#pragma once
// Image inpainting (the reference's train_img_inpainting): an image fit supervised on a subset of its
// pixels, scored on all of them. It is an ImageTask (same grid, normalisation, model and metadata), so
// its models render and export exactly as image models; what differs is the loss and the batch.
//
// Each step evaluates the whole pixel grid (as the reference, whose summaries need every pixel; a
// batch_size draws that many pixels at random instead, and the metrics then cover those): the
// loss is mean(mask * (f - pixel)^2) over all pixels and channels (the reference's image_mse with a
// mask, so its scale is the observed fraction times the MSE on observed pixels). With a prior, N/2
// uniform points in [-1,1]^2 follow the pixels in the batch (N = pixels) and k1 * mean |grad f| (TV)
// or k1 * mean ||Hessian f||_F (FH) on them is added.
#include "siren/tasks/image_task.h"

namespace siren {

enum class InpaintingPrior { None, TotalVariation, FrobeniusHessian };

struct InpaintingOptions {
  InpaintingPrior prior = InpaintingPrior::None;
  double k1 = 1.0;          // the prior's weight (the reference's --k1)
  bool downsample = false;  // jitter coordinates by a triangle kernel of +-1 pixel (the reference's --downsample)
};

// "none", "tv", "fh" -> the prior; throws InvalidInput otherwise.
InpaintingPrior inpainting_prior_from_name(const std::string& name);

class ImageInpaintingTask : public ImageTask {
 public:
  // mask: (H*W, 1), 1 where the pixel supervises the fit (inpainting_mask.h).
  ImageInpaintingTask(const Image& image, torch::Tensor mask, InpaintingOptions options);

  std::string kind() const override;
  void to(const torch::Device& device) override;
  Batch sample(int64_t batch_size, at::Generator& gen) const override;
  bool needs_coordinate_gradients() const override { return options_.prior != InpaintingPrior::None; }
  LossTerms losses(const torch::Tensor& coords, const torch::Tensor& output, const Batch& batch) const override;
  // "psnr" and "mse" over every pixel (the unseen ones included: the inpainting's score), "psnr_observed"
  // over the supervised ones.
  std::map<std::string, double> metrics(const torch::Tensor& output, const Batch& batch) const override;
  std::map<std::string, std::string> metadata() const override;

  const torch::Tensor& mask() const { return mask_; }
  int64_t observed_pixels() const { return observed_pixels_; }
  const InpaintingOptions& options() const { return options_; }

 private:
  torch::Tensor jittered(const torch::Tensor& coords, at::Generator& gen) const;
  torch::Tensor prior_points(at::Generator& gen) const;
  torch::Tensor prior_loss(const torch::Tensor& coords, const torch::Tensor& output, int64_t pixels) const;

  torch::Tensor mask_;  // (H*W, 1) in {0, 1}
  int64_t observed_pixels_ = 0;
  InpaintingOptions options_;
};

}  // namespace siren
