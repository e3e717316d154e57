#include "siren/tasks/inverse_helmholtz_task.h"

#include <cstdio>
#include <utility>

#include "siren/device_transfer.h"
#include "siren/errors.h"
#include "siren/exact_text.h"
#include "siren/positional_encoding.h"

namespace siren {

namespace {

// "x,y;x,y;...": the points for the model file (exports mark them).
std::string points_text(const std::vector<std::array<double, 2>>& points) {
  std::string text;
  for (const auto& p : points) text += (text.empty() ? "" : ";") + exact_text(p[0]) + "," + exact_text(p[1]);
  return text;
}

}  // namespace

torch::Tensor inverted_squared_slowness(const torch::Tensor& coords, const torch::Tensor& q) {
  const torch::Tensor m = torch::clamp(q, -0.999) + 1;
  const torch::Tensor outside = (coords.select(1, 0).abs() > kInversionFrame) | (coords.select(1, 1).abs() > kInversionFrame);
  return torch::where(outside.unsqueeze(1), torch::ones_like(m), m);
}

InverseHelmholtzTask::InverseHelmholtzTask(InverseHelmholtzSetup setup) : setup_(std::move(setup)) {
  const ReceiverData& data = setup_.data;
  if (data.source_count() == 0 || data.receiver_count() == 0)
    throw InvalidInput("inverse-helmholtz needs at least one source and one receiver");
  if (data.values.size() != data.source_count() * data.receiver_count())
    throw InvalidInput("inverse-helmholtz: the receiver data must hold receivers x sources values");
  if (setup_.sidelength < 1) throw InvalidInput("inverse-helmholtz sidelength must be positive");
  if (!(setup_.wavenumber > 0)) throw InvalidInput("inverse-helmholtz wavenumber must be positive");
  if (setup_.pretrain_steps < 0) throw InvalidInput("inverse-helmholtz pretrain_steps must not be negative");
  const auto s = static_cast<int64_t>(data.source_count()), r = static_cast<int64_t>(data.receiver_count());
  if (num_points() < r + kHelmholtzSourceSamples * s)
    throw InvalidInput("inverse-helmholtz: sidelength " + std::to_string(setup_.sidelength) + " gives " +
                       std::to_string(num_points()) + " points per step, fewer than the " + std::to_string(r) +
                       " receivers plus " + std::to_string(kHelmholtzSourceSamples) + " points on each of the " +
                       std::to_string(s) + " sources");
  receiver_coords_ = torch::empty({r, 2});
  receiver_values_ = torch::empty({r, 2 * s});
  auto coords = receiver_coords_.accessor<float, 2>();
  auto values = receiver_values_.accessor<float, 2>();
  for (int64_t i = 0; i < r; ++i) {
    coords[i][0] = static_cast<float>(data.receivers[i][0]);
    coords[i][1] = static_cast<float>(data.receivers[i][1]);
    for (int64_t j = 0; j < s; ++j) {
      values[i][2 * j] = static_cast<float>(data.value(i, j).real());
      values[i][2 * j + 1] = static_cast<float>(data.value(i, j).imag());
    }
  }
}

void InverseHelmholtzTask::configure_model(ModelSpec& spec) const {
  spec.in_features = 2;
  spec.out_features = 2 * static_cast<int>(setup_.data.source_count()) + 1;
  if (spec.activation == Activation::ReluPe && spec.pe_frequencies == 0)
    spec.pe_frequencies = reference_pe_frequencies(2, setup_.sidelength);
}

Batch InverseHelmholtzTask::sample(int64_t batch_size, at::Generator& gen) const {
  return sample_at_step(setup_.pretrain_steps, batch_size, gen);
}

Batch InverseHelmholtzTask::sample_at_step(int64_t step, int64_t batch_size, at::Generator& gen) const {
  const auto sources = static_cast<int64_t>(setup_.data.source_count());
  const int64_t receivers = receiver_coords_.size(0);
  const int64_t n = batch_size > 0 ? batch_size : num_points();
  const int64_t on_sources = kHelmholtzSourceSamples * sources;
  if (n < receivers + on_sources)
    throw InvalidInput("inverse-helmholtz: a batch of " + std::to_string(n) + " points cannot hold the " +
                       std::to_string(receivers) + " receivers and " + std::to_string(on_sources) +
                       " source points");
  const auto cpu_float = torch::TensorOptions().dtype(torch::kFloat32);
  // The reference's order: uniform points, then each source's disk (radii, angles), then the receivers.
  torch::Tensor coords = torch::rand({n, 2}, gen, cpu_float) * 2 - 1;
  for (int64_t s = 0; s < sources; ++s) {
    const auto& at = setup_.data.sources[static_cast<size_t>(s)];
    coords.narrow(0, n - on_sources + s * kHelmholtzSourceSamples, kHelmholtzSourceSamples)
        .copy_(sample_disk(kHelmholtzSourceSamples, kHelmholtzSourceRadius, at[0], at[1], gen));
  }
  coords.narrow(0, 0, receivers).copy_(receiver_coords_);
  std::vector<torch::Tensor> source_terms;
  for (const auto& at : setup_.data.sources) source_terms.push_back(helmholtz_source_term(coords, at));
  const bool pretraining = step < setup_.pretrain_steps;
  Batch batch;
  batch.coords = to_device_async(coords, device_);
  batch.fields["source"] = to_device_async(torch::cat(source_terms, 1), device_);
  batch.fields["receivers"] = to_device_async(receiver_values_, device_);
  batch.fields["squared_slowness"] = to_device_async(
      squared_slowness(setup_.pretrain_velocity, coords.select(1, 0), coords.select(1, 1)).unsqueeze(1), device_);
  batch.fields["pretraining"] = to_device_async(torch::tensor(pretraining), device_);
  return batch;
}

LossTerms InverseHelmholtzTask::losses_on_field(const torch::Tensor& coords, const FieldDerivatives& field,
                                                const Batch& batch) const {
  const auto n = static_cast<double>(coords.size(0));
  const int64_t pairs = field.value.size(1) - 1;
  const FieldDerivatives wavefields = field.channels(0, pairs);
  const torch::Tensor& u = wavefields.value;
  const torch::Tensor q = field.value.narrow(1, pairs, 1);
  const torch::Tensor& pretraining = batch.field("pretraining");
  const torch::Tensor& known = batch.field("squared_slowness");
  // Both stages are computed and one is kept on the device: no host round trip decides the stage.
  const torch::Tensor m = torch::where(pretraining, known, inverted_squared_slowness(coords, q));
  LossTerms terms = helmholtz_loss_terms(helmholtz_pml_residual(coords, wavefields, m, setup_.wavenumber), batch.field("source"));
  const torch::Tensor& data = batch.field("receivers");
  const torch::Tensor misfit = u.narrow(0, 0, data.size(0)) - data;
  // As the reference: only nonzero measurements count (a 0 marks "no measurement" in its layout).
  const torch::Tensor receiver_term = torch::where(data != 0, misfit, torch::zeros_like(misfit)).abs().sum();
  const torch::Tensor medium_term = (q + 1 - known).abs().sum();
  terms.emplace_back("data_term", torch::where(pretraining, medium_term, receiver_term) * n);
  return terms;
}

std::map<std::string, double> InverseHelmholtzTask::metrics(const torch::Tensor& output, const Batch& batch) const {
  const torch::Tensor& data = batch.field("receivers");
  const torch::Tensor u = output.detach().narrow(0, 0, data.size(0)).narrow(1, 0, data.size(1));
  const double norm = data.norm().item<double>();
  return {{"receiver_misfit", norm > 0 ? (u - data).norm().item<double>() / norm : 0.0},
          {"pretraining", batch.field("pretraining").item<bool>() ? 1.0 : 0.0}};
}

std::map<std::string, std::string> InverseHelmholtzTask::metadata() const {
  return {{"sources", points_text(setup_.data.sources)},
          {"receivers", points_text(setup_.data.receivers)},
          {"wavenumber", exact_text(setup_.wavenumber)},
          {"sidelength", std::to_string(setup_.sidelength)},
          {"pretrain_steps", std::to_string(setup_.pretrain_steps)},
          {"pretrain_velocity", velocity_name(setup_.pretrain_velocity)}};
}

}  // namespace siren
