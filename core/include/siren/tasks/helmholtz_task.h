#pragma once
// The Helmholtz equation with a point source (paper Sec. 4.3; the reference's train_helmholtz with
// SingleHelmholtzSource and the helmholtz_pml loss). No input file: the problem is the setup below.
//
// The network maps (x, y) in [-1,1]^2 to the complex wavefield u = (re, im) solving
//   d/dx (ey/ex du/dx) + d/dy (ex/ey du/dy) + ex ey m k^2 u = f
// where m is the squared slowness (1/c^2), k the wavenumber (20) and f = (1 + 1i) * gaussian(x; source,
// sigma = 1e-4 as a variance), set to 0 below 1e-5. ex = 1 - i sx/k, ey = 1 - i sy/k stretch the
// coordinates in a perfectly matched layer (PML) on |x| > 0.5 or |y| > 0.5: sx = k a0 (d/L)^2 with
// a0 = 5, L = 0.5 and d the distance beyond +-0.5, so outgoing waves decay there instead of reflecting
// from the domain's edge. Inside |x|, |y| < 0.5 the equation is the plain Helmholtz equation.
//
// Each step draws sidelength^2 (230^2 = 52,900) points U(-1,1)^2, the last 100 replaced by points
// within 0.05 of the source (r = 0.05 sqrt(U)), as the reference. Difference: the reference seeds torch
// once in the dataset's constructor; here every draw comes from the fit's own generator (seed option),
// so a resumed fit continues the same sequence.
//
// Options: velocity = uniform (default) | square | circle (then the source moves to (-0.35, 0), as
// train_helmholtz); source = "x,y" (overrides); wavenumber (default 20); sidelength (default 230: points
// per step = sidelength^2; TrainOptions.batch_size > 0 sets the points per step directly).
#include <array>

#include "siren/fit_config.h"
#include "siren/task.h"
#include "siren/tasks/helmholtz_pml.h"
#include "siren/tasks/pde_media.h"

namespace siren {

constexpr int64_t kHelmholtzSidelength = 230;

struct HelmholtzSetup {
  Velocity velocity = Velocity::Uniform;
  std::array<double, 2> source{0, 0};
  double wavenumber = kHelmholtzWavenumber;
  int64_t sidelength = kHelmholtzSidelength;
};

class HelmholtzTask : public Task {
 public:
  explicit HelmholtzTask(const HelmholtzSetup& setup);


  std::string kind() const override { return "helmholtz"; }
  void configure_model(ModelSpec& spec) const override;
  void to(const torch::Device& device) override { device_ = device; }
  int64_t num_points() const override { return setup_.sidelength * setup_.sidelength; }
  // Fields: "source" (N, 2) = f as (re, im), "squared_slowness" (N, 1).
  Batch sample(int64_t batch_size, at::Generator& gen) const override;
  bool needs_coordinate_gradients() const override { return true; }
  DerivativeOrder coordinate_derivatives() const override { return DerivativeOrder::Second; }
  LossTerms losses_on_field(const torch::Tensor& coords, const FieldDerivatives& field, const Batch& batch) const override;
  // With uniform velocity: "rel_error" = |u - u_exact| / |u_exact| (L2 over up to 4096 of the batch's
  // points inside the PML-free square, farther than 0.1 from the source), u_exact the free-space solution.
  std::map<std::string, double> metrics(const torch::Tensor& output, const Batch& batch) const override;
  std::map<std::string, std::string> metadata() const override;

  const HelmholtzSetup& setup() const { return setup_; }

 private:
  HelmholtzSetup setup_;
  torch::Device device_ = torch::kCPU;
};

// The free-space field of the task's source with uniform velocity at distance r: the source f =
// (1 + 1i) g convolved with the Green's function (i/4) H0^(2)(k r) of the operator above (outgoing
// e^(-ikr), matching the PML's 1 - i s/k). For r well beyond the Gaussian's width, convolving only scales
// it by exp(-sigma k^2 / 2). Returns (re, im). The reference's display-only field additionally carries
// a grid-cell factor (2/230)^2.
std::array<double, 2> helmholtz_free_space_solution(double r, double wavenumber, double sigma = kHelmholtzSigma);

}  // namespace siren
