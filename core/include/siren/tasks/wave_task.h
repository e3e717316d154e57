#pragma once
// The acoustic wave equation from an initial pulse (paper Sec. 4.3 / supplement; the reference's
// train_wave_equation with WaveSource and the wave_pml loss). No input file: the problem is the setup.
//
// The network maps (t, x, y) to the pressure u solving u_tt = (1/m) (u_xx + u_yy) (m = squared
// slowness), with u(0, x, y) = u0 = gaussian(x, y; source, sigma = 5e-4 as a variance) / (50 gaussian(0))
// (peak 0.02, < 1e-5 set to 0) and u_t(0, x, y) = 0. Each step draws sidelength^2 (340^2 = 115,600)
// points, (x, y) ~ U(-1,1)^2, the last 1000 replaced by points within 0.25 of the source:
//   pretraining (the first `pretrain_steps` steps; 0 by default as the reference's default run, 2000
//     = its --pretrain): t ~ U(-0.001, 0.001) and every point carries the initial condition;
//   then t ~ U(0, T) with T = 0.4 (step - pretrain_steps) / 100,000, a time window growing linearly (not
//     capped, as the reference's counter), and the last 2000 points at t = 0 carry the initial condition.
// The reference counts dataset items (= steps) in the dataset object; here the trainer's step (which a
// checkpoint restores) decides the phase and window, and every draw comes from the fit's generator.
//
// Options: velocity = uniform (default) | square | circle (the m of helmholtz_task.h over (x, y); the
// reference's WaveSource indexes (t, x) there and fails for non-uniform media, so only uniform matches it);
// source = "x,y" (default 0,0); sidelength (default 340); pretrain_steps (default 0, as
// train_wave_equation.py without --pretrain; 2000 = with it).
// TrainOptions.batch_size > 0 sets the points per step directly.
#include <array>

#include "siren/fit_config.h"
#include "siren/task.h"
#include "siren/tasks/pde_media.h"

namespace siren {

constexpr int64_t kWaveSidelength = 340;
constexpr int64_t kWaveSourceSamples = 1000;
constexpr double kWaveSigma = 5e-4;
constexpr double kWaveSourceRadius = 5e2 * kWaveSigma;  // 0.25
constexpr int64_t kWavePretrainSteps = 0;             // the reference's default: --pretrain off
constexpr int64_t kWaveReferencePretrainSteps = 2000;  // the length of the reference's --pretrain phase
constexpr double kWaveMaxTime = 0.4;           // the window's width after kWaveWindowSteps steps
constexpr int64_t kWaveWindowSteps = 100'000;  // the reference's full_count
constexpr double kWavePretrainTime = 0.001;    // pretraining samples t in [-0.001, 0.001]

struct WaveSetup {
  Velocity velocity = Velocity::Uniform;
  std::array<double, 2> source{0, 0};
  int64_t sidelength = kWaveSidelength;
  int64_t pretrain_steps = kWavePretrainSteps;
};

// The upper end of the time window sampled at `step` (0 while pretraining and at its first step after).
double wave_time_window(int64_t step, int64_t pretrain_steps);

class WaveTask : public Task {
 public:
  explicit WaveTask(const WaveSetup& setup);


  std::string kind() const override { return "wave"; }
  void configure_model(ModelSpec& spec) const override;
  void to(const torch::Device& device) override { device_ = device; }
  int64_t num_points() const override { return setup_.sidelength * setup_.sidelength; }
  // Without a step: the fully grown window (0.4), as after the reference's 100,000 steps.
  Batch sample(int64_t batch_size, at::Generator& gen) const override;
  // Coordinates (t, x, y); fields "initial" (N, 1) = u0 where the initial condition applies, else 0,
  // "dirichlet" (N, 1) bool = where it applies, "squared_slowness" (N, 1).
  Batch sample_at_step(int64_t step, int64_t batch_size, at::Generator& gen) const override;
  bool needs_coordinate_gradients() const override { return true; }
  // u_t and the Hessian's diagonal (u_tt, u_xx, u_yy): in closed form through a SIREN (sine_derivatives.h),
  // else by autograd (the trainer's choice).
  DerivativeOrder coordinate_derivatives() const override { return DerivativeOrder::Second; }
  LossTerms losses_on_field(const torch::Tensor& coords, const FieldDerivatives& field,
                            const Batch& batch) const override;
  // "initial_error": mean |u - u0| where the initial condition applies; "time_window": the batch's
  // largest t (how far in time the fit reaches so far).
  std::map<std::string, double> metrics(const torch::Tensor& output, const Batch& batch) const override;
  std::map<std::string, std::string> metadata() const override;

  const WaveSetup& setup() const { return setup_; }

 private:
  WaveSetup setup_;
  torch::Device device_ = torch::kCPU;
};

// The reference's wave_pml terms (sums scaled by N = points): dirichlet = sum |u - u0| over the mask x N/10,
// neumann = sum |u_t| over the mask x N/100, diff_constraint_hom = sum |u_tt - (u_xx + u_yy)/m| over all
// points (0 when every point is on the initial condition, as while pretraining). field: u (N, 1) over
// (t, x, y) with its Jacobian and Hessian diagonal (DerivativeOrder::Second).
LossTerms wave_loss_terms(const FieldDerivatives& field, const torch::Tensor& initial, const torch::Tensor& dirichlet,
                          const torch::Tensor& squared_slowness);

}  // namespace siren
