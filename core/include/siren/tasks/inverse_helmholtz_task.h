#pragma once
// Full-waveform inversion with the Helmholtz equation (paper Sec. 4.3, supplement: the reference's
// train_inverse_helmholtz.py with dataio.InverseHelmholtz and the helmholtz_pml loss's inverse branch):
// recover the medium from the wavefields of S sources recorded at R receivers.
//
// One network (x, y) -> 2 S + 1 outputs: the S complex wavefields u_s = (re, im) in pairs, then q, with
// the squared slowness m = 1/c^2 = clamp(q, -0.999) + 1 (so m > 0 and q = 0 is the background m = 1).
// Outside the frame |x|, |y| <= 0.75 (the PML and its margin) m is known: 1. Each step draws
// sidelength^2 (115^2 = 13,225) points U(-1,1)^2; the first R are replaced by the receivers and the last
// 100 S by points within 0.05 of each source (100 per source), as the reference. Losses (sums, as the
// reference): the PML Helmholtz residual of every u_s with its own Gaussian source f_s (helmholtz_pml.h:
// diff_constraint_on, diff_constraint_off) and data_term = sum |u(receivers) - data| x N.
//
// The reference's two-stage workflow: a run with --pretrain fits the wavefields in a known medium
// (uniform), training q towards it with data_term = sum |(q + 1) - m_known| x N and no receiver term; a
// second run loads that model and inverts. Here one fit does both: the first pretrain_steps steps are
// the pretraining (medium: pretrain_velocity), the rest the inversion, with the same Adam state
// throughout (the reference starts its second run with a fresh optimiser). pretrain_steps defaults to 0,
// the script's default (no --pretrain).
//
// Difference: the reference seeds torch once in the dataset's constructor; here every draw comes from the
// fit's own generator (seed option), so a resumed fit continues the same sequence.
#include <map>
#include <string>

#include "siren/io/matlab.h"
#include "siren/task.h"
#include "siren/tasks/helmholtz_pml.h"
#include "siren/tasks/pde_media.h"

namespace siren {

constexpr int64_t kInverseHelmholtzSidelength = 115;
constexpr double kInversionFrame = 0.75;  // m is inverted where |x|, |y| <= this; 1 beyond

struct InverseHelmholtzSetup {
  ReceiverData data;
  int64_t sidelength = kInverseHelmholtzSidelength;
  double wavenumber = kHelmholtzWavenumber;
  int64_t pretrain_steps = 0;
  Velocity pretrain_velocity = Velocity::Uniform;  // the known medium of the pretraining steps
};

class InverseHelmholtzTask : public Task {
 public:
  explicit InverseHelmholtzTask(InverseHelmholtzSetup setup);

  std::string kind() const override { return "inverse-helmholtz"; }
  void configure_model(ModelSpec& spec) const override;  // out_features = 2 S + 1
  void to(const torch::Device& device) override { device_ = device; }
  int64_t num_points() const override { return setup_.sidelength * setup_.sidelength; }
  // An inversion step's batch.
  Batch sample(int64_t batch_size, at::Generator& gen) const override;
  // Fields: "source" (N, 2 S): f_s as (re, im) pairs; "receivers" (R, 2 S): the data, the batch's
  // first R points; "squared_slowness" (N, 1): the pretraining medium; "pretraining" (a bool scalar).
  // Every step has the same fields, so the stage is chosen on the device.
  Batch sample_at_step(int64_t step, int64_t batch_size, at::Generator& gen) const override;
  bool needs_coordinate_gradients() const override { return true; }
  DerivativeOrder coordinate_derivatives() const override { return DerivativeOrder::Second; }
  LossTerms losses_on_field(const torch::Tensor& coords, const FieldDerivatives& field, const Batch& batch) const override;
  // "receiver_misfit": |u(receivers) - data| / |data| (L2 over all receivers and sources); "pretraining":
  // 1 in the pretraining stage, else 0.
  std::map<std::string, double> metrics(const torch::Tensor& output, const Batch& batch) const override;
  std::map<std::string, std::string> metadata() const override;

  const InverseHelmholtzSetup& setup() const { return setup_; }

 private:
  InverseHelmholtzSetup setup_;
  torch::Tensor receiver_coords_;  // (R, 2), CPU
  torch::Tensor receiver_values_;  // (R, 2 S) interleaved (re, im) per source, CPU
  torch::Device device_ = torch::kCPU;
};

// The squared slowness the inversion trains, from the network's last output q (N, 1) at coords (N, 2):
// clamp(q, -0.999) + 1 inside the frame |x|, |y| <= 0.75, 1 beyond (the reference's helmholtz_pml and
// write_helmholtz_summary).
torch::Tensor inverted_squared_slowness(const torch::Tensor& coords, const torch::Tensor& q);

}  // namespace siren
