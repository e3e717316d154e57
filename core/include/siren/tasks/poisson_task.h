#pragma once
// Poisson image reconstruction (paper Sec. 4.1, supplement Sec. 3): fit a field Phi(row, col) on the
// [-1,1]^2 grid whose derivatives match an image's. Three kinds, one class:
//  * "poisson-grad"      (train_poisson_grad_img):   loss gradients_mse = mean_points sum_d (dPhi/dx_d - g_d)^2
//  * "poisson-lapl"      (train_poisson_lapl_img):   loss laplace_mse   = mean_points (Laplacian Phi - l)^2
//  * "poisson-composite" (train_poisson_gradcomp_img): gradients_mse on the mixed gradients of two images
// with the ground truth of poisson_ground_truth.h (the reference's scale factors). The loss only sees
// derivatives, so Phi is the image up to an additive constant (and the scale the factors imply).
//
// Input (poisson_registration.cpp): "poisson-grad" / "poisson-lapl": one image (PNG, JPEG, ...; colour is
// converted to gray, as the reference loads its gray Camera). "poisson-composite": the images
// "background" and "foreground".
// Option "size": "WxH" or "N" resizes the (background) image first, area filter when shrinking;
// "original" keeps it. Presets: 256 for grad/lapl (the reference's sidelength=256 on Camera), 512 for
// composite (its sidelength=512). Non-square sizes work but give an anisotropic target (the Sobel
// scale per coordinate is (n - 1) / 2 per axis), which the reference never exercises.
//
// Metrics: "psnr" and "mse" of the field after the least-squares affine match a * Phi + b to the
// normalised image (see metrics() for why), "fit_scale" = a and "fit_offset" = b, which the PNG
// export reuses to show the field in the image's own brightness.
#include <string>

#include "siren/fit_config.h"
#include "siren/task.h"
#include "siren/task_kinds.h"
#include "siren/tasks/poisson_ground_truth.h"

namespace siren {


class PoissonTask : public Task {
 public:
  PoissonTask(std::string kind, PoissonGroundTruth truth);


  std::string kind() const override { return kind_; }
  void configure_model(ModelSpec& spec) const override;
  void to(const torch::Device& device) override;
  int64_t num_points() const override { return coords_.size(0); }
  Batch sample(int64_t batch_size, at::Generator& gen) const override;
  bool needs_coordinate_gradients() const override { return true; }
  DerivativeOrder coordinate_derivatives() const override;  // gradients: first; Laplacian: the Laplacian alone
  LossTerms losses_on_field(const torch::Tensor& coords, const FieldDerivatives& field, const Batch& batch) const override;
  std::map<std::string, double> metrics(const torch::Tensor& output, const Batch& batch) const override;
  std::map<std::string, std::string> metadata() const override;

  int width() const { return width_; }
  int height() const { return height_; }
  PoissonTarget target_kind() const { return target_kind_; }
  const torch::Tensor& coords() const { return coords_; }          // (H*W, 2)
  const torch::Tensor& target_values() const { return target_; }  // (H*W, 2) gradients or (H*W, 1)
  const torch::Tensor& image() const { return image_; }            // (H*W, 1) in [-1, 1]

 private:
  void load(PoissonGroundTruth truth);

  std::string kind_;
  int width_ = 0, height_ = 0;
  PoissonTarget target_kind_ = PoissonTarget::Gradients;
  torch::Tensor coords_;
  torch::Tensor target_;
  torch::Tensor image_;
};

}  // namespace siren
