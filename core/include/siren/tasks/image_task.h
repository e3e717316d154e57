#pragma once
// Image fitting (the reference's train_img): coordinates on the [-1,1]^2 grid, pixels normalised to
// [-1,1], MSE loss, PSNR as the reference computes it. Gray or RGB.
// Options: "size" = "WxH" or "N" to resize the input first (area filter when shrinking).
#include "siren/fit_config.h"
#include "siren/io/image.h"
#include "siren/task.h"

namespace siren {

// The task option "size" applied: "WxH" or "N" resizes (area averaging when shrinking); empty or
// "original" keeps the image.
Image resized_by_option(const Image& image, const std::string& size);

class ImageTask : public Task {
 public:
  explicit ImageTask(const Image& image);


  std::string kind() const override { return "image"; }
  void configure_model(ModelSpec& spec) const override;
  void to(const torch::Device& device) override;
  int64_t num_points() const override { return coords_.size(0); }
  Batch sample(int64_t batch_size, at::Generator& gen) const override;
  LossTerms losses(const torch::Tensor& coords, const torch::Tensor& output, const Batch& batch) const override;
  std::map<std::string, double> metrics(const torch::Tensor& output, const Batch& batch) const override;
  std::map<std::string, std::string> metadata() const override;

  int width() const { return width_; }
  int height() const { return height_; }
  int channels() const { return channels_; }
  const torch::Tensor& coords() const { return coords_; }
  const torch::Tensor& values() const { return values_; }

 private:
  void load(const Image& image);

  int width_ = 0, height_ = 0, channels_ = 0;
  torch::Tensor coords_;  // (H*W, 2): (row, col) in [-1, 1]
  torch::Tensor values_;  // (H*W, C) in [-1, 1]
};

// The image as a (H*W, C) tensor normalised to [-1, 1] (torchvision's ToTensor + Normalize(0.5, 0.5)).
torch::Tensor normalized_pixels(const Image& image);
// The inverse: network outputs (H*W, C) in [-1, 1] -> an Image in [0, 1] (clipped).
Image image_from_normalized(const torch::Tensor& values, int width, int height);

}  // namespace siren
