#include "siren/packed_fit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <sstream>

#include "siren/device_precision.h"
#include "siren/errors.h"
#include "siren/network_preparing_task.h"
#include "siren/packed_sirens.h"
#include "siren/preview.h"
#include "siren/runtime.h"
#include "siren/trainer.h"

namespace siren {
namespace {

using Clock = std::chrono::steady_clock;
// How often the members of a pack report progress (lone fits on a CPU report every step).
constexpr std::chrono::milliseconds kProgressInterval{100};

std::string sizes_of(const torch::Tensor& t) {
  std::string out;
  for (const int64_t d : t.sizes()) out += (out.empty() ? "" : "x") + std::to_string(d);
  return out;
}

// Coordinates' and ground-truth fields' shapes, fields by name: batches that stack.
std::string batch_layout(const Batch& batch) {
  std::map<std::string, std::string> fields;
  for (const auto& [name, tensor] : batch.fields) fields[name] = sizes_of(tensor) + " " + c10::toString(tensor.scalar_type());
  std::string out = "coords " + sizes_of(batch.coords);
  for (const auto& [name, layout] : fields) out += ", " + name + " " + layout;
  return out;
}

// How many members one forward and backward pass takes. On a CPU a group's activations (points x width per
// layer, a few copies) should stay in the caches from the forward pass to the backward, the batched
// products splitting a group's members between the threads. On a GPU every pass is a handful of kernel
// launches whatever its size, so the whole pack (at most 2^20 points a step: packing_plan) is one group;
// cache-sized groups made the H200's packed fits 0.6x as fast as lone ones. SIREN_PACK_GROUP_POINTS
// overrides the points per group on either.
int64_t members_per_group(int64_t points, const torch::Device& device) {
  static const char* given = std::getenv("SIREN_PACK_GROUP_POINTS");
  if (!given && device.is_cuda()) return int64_t{1} << 30;  // more than a pack ever holds
  const int64_t group_points = given ? std::max<int64_t>(1, std::atoll(given)) : int64_t{4096};
  return std::max<int64_t>(1, group_points / std::max<int64_t>(points, 1));
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// One fit of the pack.
struct Member {
  PackedFitMember request;
  at::Generator generator;  // its batches' draws: the lone Trainer's generator, from the same seed
  FieldNetwork network;     // its lone network: built from its seed, given its weights to save or preview
  Progress latest;
  PackedFitResult outcome;

  const TrainOptions& train() const { return request.fit.info.config.train; }
  Task& task() { return *request.fit.task; }
};

class PackedTrainer {
 public:
  PackedTrainer(std::vector<PackedFitMember> requests, torch::Device device);
  std::vector<PackedFitResult> train();

 private:
  void step();
  // Whether the member's loss is finite; fails it otherwise.
  bool check_finite(size_t pos, double loss);
  // Progress of the member at pack position `pos` for the step just taken.
  void report(size_t pos, double loss, const torch::Tensor& output, const Batch& batch);
  // Previews (when `reported`), the periodic checkpoint, completion.
  void after_update(size_t pos, bool reported);
  // A lone Trainer holding the member's state now: weights, Adam moments, step and generator.
  Trainer lone_trainer(size_t pos);
  void finish(size_t pos, FitOutcome outcome);
  void fail(size_t pos, const std::string& error);
  // Drops the members at these pack positions from the stacked weights and Adam's moments.
  void leave(const std::vector<size_t>& positions);
  void make_adam();

  std::vector<Member> members_;
  std::vector<size_t> active_;  // members_ indices, in pack order
  std::vector<size_t> leaving_;  // pack positions that leave after this step
  std::unique_ptr<PackedSirens> pack_;
  std::unique_ptr<torch::optim::Adam> adam_;
  torch::Device device_;
  int64_t step_ = 0;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_report_;
};

PackedTrainer::PackedTrainer(std::vector<PackedFitMember> requests, torch::Device device) : device_(device) {
  std::vector<FieldNetwork> networks;
  for (PackedFitMember& request : requests) {
    const FitConfig& config = request.fit.info.config;
    // As run_fit: the initialisation from one generator made from the seed, batches from another.
    at::Generator init_generator = at::make_generator<at::CPUGeneratorImpl>(config.train.seed);
    at::Generator batch_generator = at::make_generator<at::CPUGeneratorImpl>(config.train.seed);
    FieldNetwork network(config.model, init_generator);
    network->set_fused_sine_layers(config.train.fused_sine_layers);
    network->to(device_);
    request.fit.task->to(device_);
    networks.push_back(network);
    members_.push_back(Member{std::move(request), batch_generator, network, {}, {}});
    active_.push_back(members_.size() - 1);
  }
  pack_ = std::make_unique<PackedSirens>(networks);
  make_adam();
}

void PackedTrainer::make_adam() {
  adam_ = std::make_unique<torch::optim::Adam>(
      pack_->parameters(), torch::optim::AdamOptions(members_.front().train().learning_rate));
}

Trainer PackedTrainer::lone_trainer(size_t pos) {
  Member& m = members_[active_[pos]];
  pack_->copy_member_to(static_cast<int64_t>(pos), m.network);
  Trainer trainer(m.task(), m.network, m.train(), m.request.fit.info, device_);
  const std::vector<torch::Tensor> packed = pack_->parameters();
  const std::vector<torch::Tensor> lone = m.network->parameters();
  trainer.adopt(step_, m.generator, [&](torch::optim::Adam& adam) {
    for (size_t j = 0; j < packed.size(); ++j) {
      const auto found = adam_->state().find(packed[j].unsafeGetTensorImpl());
      if (found == adam_->state().end()) continue;  // no update yet
      const auto& moments = static_cast<const torch::optim::AdamParamState&>(*found->second);
      auto state = std::make_unique<torch::optim::AdamParamState>();
      state->step(moments.step());
      state->exp_avg(moments.exp_avg()[static_cast<int64_t>(pos)].clone());
      state->exp_avg_sq(moments.exp_avg_sq()[static_cast<int64_t>(pos)].clone());
      adam.state()[lone[j].unsafeGetTensorImpl()] = std::move(state);
    }
  }, start_, 0);
  return trainer;
}

bool PackedTrainer::check_finite(size_t pos, double loss) {
  if (std::isfinite(loss)) return true;
  fail(pos, "training diverged: the loss is " + std::to_string(loss) + " at step " + std::to_string(step_) +
                "; try a lower learning rate");
  return false;
}

void PackedTrainer::report(size_t pos, double loss, const torch::Tensor& output, const Batch& batch) {
  Member& m = members_[active_[pos]];
  Progress& p = m.latest;
  p.step = step_;
  p.total_steps = m.train().steps;
  Trainer::set_epochs(p, m.train());
  p.loss = loss;
  p.metrics = m.task().metrics(output, batch);
  p.elapsed_seconds = seconds_since(start_);
  p.samples = batch.coords.size(0);
  p.steps_per_second = step_ > 0 && p.elapsed_seconds > 0 ? step_ / p.elapsed_seconds : 0.0;
  p.eta_seconds = p.steps_per_second > 0 ? (p.total_steps - step_) / p.steps_per_second : 0.0;
  if (m.request.callbacks.on_progress) m.request.callbacks.on_progress(p);
}

// After the update, as the lone trainer: a preview when asked, the periodic checkpoint, completion.
void PackedTrainer::after_update(size_t pos, bool reported) {
  Member& m = members_[active_[pos]];
  const FitCallbacks& callbacks = m.request.callbacks;
  if (reported && callbacks.preview_side && callbacks.on_preview) {
    if (const int side = callbacks.preview_side(); side > 0) {
      pack_->copy_member_to(static_cast<int64_t>(pos), m.network);
      if (const std::string png = render_preview(m.request.fit.info, m.network, side); !png.empty())
        callbacks.on_preview(step_, png);
    }
  }
  const TrainOptions& train = m.train();
  const std::string& dir = m.request.paths.checkpoint_dir;
  if (!dir.empty() && train.checkpoint_every > 0 && step_ % train.checkpoint_every == 0 && step_ < train.steps)
    lone_trainer(pos).save_periodic(dir, callbacks, m.latest);
  if (step_ >= train.steps) finish(pos, FitOutcome::Completed);
}

// As run_fit after its trainer returns: the figures of the whole signal, the final model file.
void PackedTrainer::finish(size_t pos, FitOutcome outcome) {
  Member& m = members_[active_[pos]];
  Trainer trainer = lone_trainer(pos);
  FitResult result;
  result.outcome = outcome;
  result.device = device_.str();
  result.cuda_graphs = "off: packed with other fits";
  finish_fit(trainer, result, m.request.paths, m.request.callbacks);
  m.outcome.result = std::move(result);
  leaving_.push_back(pos);
  if (m.request.on_finished) m.request.on_finished(m.outcome);
}

void PackedTrainer::fail(size_t pos, const std::string& error) {
  Member& m = members_[active_[pos]];
  m.outcome.error = error;
  leaving_.push_back(pos);
  if (m.request.on_finished) m.request.on_finished(m.outcome);
}

void PackedTrainer::leave(const std::vector<size_t>& positions) {
  std::vector<int64_t> keep;
  std::vector<size_t> still_active;
  for (size_t pos = 0; pos < active_.size(); ++pos) {
    if (std::find(positions.begin(), positions.end(), pos) != positions.end()) continue;
    keep.push_back(static_cast<int64_t>(pos));
    still_active.push_back(active_[pos]);
  }
  active_ = std::move(still_active);
  if (active_.empty()) return;
  const torch::Tensor rows = torch::tensor(keep, torch::kLong).to(device_);
  // Adam's moments follow their rows; the step count is the pack's, shared by every member.
  std::vector<std::unique_ptr<torch::optim::AdamParamState>> kept_moments;
  for (const torch::Tensor& p : pack_->parameters()) {
    const auto found = adam_->state().find(p.unsafeGetTensorImpl());
    if (found == adam_->state().end()) {
      kept_moments.emplace_back();
      continue;
    }
    const auto& moments = static_cast<const torch::optim::AdamParamState&>(*found->second);
    auto state = std::make_unique<torch::optim::AdamParamState>();
    state->step(moments.step());
    state->exp_avg(moments.exp_avg().index_select(0, rows));
    state->exp_avg_sq(moments.exp_avg_sq().index_select(0, rows));
    kept_moments.push_back(std::move(state));
  }
  pack_->keep(rows);
  make_adam();
  const std::vector<torch::Tensor> params = pack_->parameters();
  for (size_t j = 0; j < params.size(); ++j)
    if (kept_moments[j]) adam_->state()[params[j].unsafeGetTensorImpl()] = std::move(kept_moments[j]);
}

void PackedTrainer::step() {
  // Stop requests first, as the lone trainer polls should_stop before each step.
  for (size_t pos = 0; pos < active_.size(); ++pos) {
    const FitCallbacks& callbacks = members_[active_[pos]].request.callbacks;
    if (!callbacks.should_stop || !callbacks.should_stop()) continue;
    try {
      finish(pos, FitOutcome::Stopped);
    } catch (const std::exception& e) {
      fail(pos, e.what());
    }
  }
  if (!leaving_.empty()) {
    leave(leaving_);
    leaving_.clear();
  }
  if (active_.empty()) return;

  std::vector<Batch> batches;
  std::vector<torch::Tensor> coords;
  for (const size_t index : active_) {
    Member& m = members_[index];
    batches.push_back(m.task().sample_at_step(step_, m.train().batch_size, m.generator));
    coords.push_back(batches.back().coords);
  }
  const TrainOptions& train = members_[active_.front()].train();
  const int64_t members = static_cast<int64_t>(active_.size());
  const int64_t group = members_per_group(batches.front().coords.size(0), device_);
  std::vector<torch::Tensor> losses(active_.size());
  std::vector<torch::Tensor> outputs(active_.size());
  const std::vector<torch::Tensor> params = pack_->parameters();
  std::vector<torch::Tensor> grads;
  for (const torch::Tensor& p : params) grads.push_back(torch::empty_like(p));
  // Forward and backward a group of members at a time, so that a group's activations stay in the caches
  // between the two passes; each group's gradients land in their rows of the pack's.
  for (int64_t first = 0; first < members; first += group) {
    const int64_t count = std::min(group, members - first);
    std::vector<torch::Tensor> views;
    torch::Tensor group_loss;
    {
      const AutocastScope autocast(device_, train.precision);
      const torch::Tensor output =
          pack_->forward(torch::stack(torch::TensorList(coords).slice(first, count)), first, count, views);
      const std::vector<torch::Tensor> own = output.unbind(0);  // one backward node for all members' slices
      for (int64_t k = 0; k < count; ++k) {
        const size_t pos = static_cast<size_t>(first + k);
        // Summed in the lone trainer's order, so that each member's loss is the very number it would be alone.
        torch::Tensor loss;
        for (auto& [name, term] : members_[active_[pos]].task().losses(coords[pos], own[k], batches[pos])) {
          const torch::Tensor mean = term.mean();
          loss = loss.defined() ? loss + mean : mean;
        }
        losses[pos] = loss.detach();
        outputs[pos] = own[k].detach();
        group_loss = group_loss.defined() ? group_loss + loss : loss;
      }
    }
    const std::vector<torch::Tensor> group_grads = torch::autograd::grad({group_loss}, views);
    for (size_t j = 0; j < params.size(); ++j) grads[j].narrow(0, first, count).copy_(group_grads[j]);
  }
  for (size_t j = 0; j < params.size(); ++j) params[j].mutable_grad() = grads[j];
  adam_->step();
  const torch::Tensor member_losses = torch::stack(losses);

  // Every member's loss is checked every step, one read for all. Progress (a loss, the task's metrics, a
  // callback per member) comes at a cadence in time, plus each member's first and last step: per member and
  // step it would cost as much as a small fit's whole step.
  const torch::Tensor values = member_losses.detach().to(torch::kCPU, torch::kDouble).contiguous();
  const double* loss_of = values.data_ptr<double>();
  const bool due = step_ == 0 || Clock::now() - last_report_ >= kProgressInterval;
  if (due) last_report_ = Clock::now();
  std::vector<int> state(active_.size());  // 0 diverged, 1 trained, 2 trained and reported
  for (size_t pos = 0; pos < active_.size(); ++pos) {
    if (!check_finite(pos, loss_of[pos])) continue;
    state[pos] = 1;
    if (due || step_ + 1 == members_[active_[pos]].train().steps) {
      report(pos, loss_of[pos], outputs[pos], batches[pos]);
      state[pos] = 2;
    }
  }
  ++step_;
  for (size_t pos = 0; pos < active_.size(); ++pos) {
    if (state[pos] == 0) continue;
    try {
      after_update(pos, state[pos] == 2);
    } catch (const std::exception& e) {  // its own disk, its own preview: this member fails, the pack goes on
      fail(pos, e.what());
    }
  }
  if (!leaving_.empty()) {
    leave(leaving_);
    leaving_.clear();
  }
}

std::vector<PackedFitResult> PackedTrainer::train() {
  start_ = Clock::now();
  while (!active_.empty()) step();
  std::vector<PackedFitResult> results;
  for (Member& m : members_) results.push_back(std::move(m.outcome));
  return results;
}

}  // namespace

PackingPlan packing_plan(const PreparedFit& fit) {
  const Task& task = *fit.task;
  const ModelSpec& model = fit.info.config.model;
  const TrainOptions& train = fit.info.config.train;
  if (model.activation != Activation::Sine) return {};
  if (task.coordinate_derivatives() != DerivativeOrder::None || task.needs_coordinate_gradients()) return {};
  if (task.summary_every() > 0 || dynamic_cast<const NetworkPreparingTask*>(&task) != nullptr) return {};
  if (train.optimizer != "adam" || train.clip_grad_norm > 0) return {};
  // Before drawing a batch to read its layout: a large signal's full batch is costly to draw.
  if (train.batch_size <= 0 ? task.num_points() > kMaxPackedPoints : train.batch_size > kMaxPackedPoints) return {};
  at::Generator scratch = at::make_generator<at::CPUGeneratorImpl>(0);
  const Batch batch = task.sample_at_step(0, train.batch_size, scratch);
  if (!batch.coords.defined() || batch.coords.dim() != 2) return {};
  const int64_t points = batch.coords.size(0);
  if (points > kMaxPackedPoints) return {};
  std::ostringstream key;
  key << std::setprecision(17) << task.kind() << "; sine " << model.in_features << "-" << model.hidden_features
      << "x" << model.hidden_layers << "-" << model.out_features << ", omega0 " << model.first_omega0 << "/"
      << model.hidden_omega0 << "; adam lr " << train.learning_rate << "; " << batch_layout(batch) << "; device "
      << train.device << " " << train.precision;
  // A pack's points per step: 2^20 points hold ~1 GB of activations in a 3x256 network.
  constexpr int64_t kPackedPointsBudget = int64_t{1} << 20;
  constexpr int64_t kMaxMembers = 256;
  return {key.str(), std::clamp<int64_t>(kPackedPointsBudget / std::max<int64_t>(points, 1), 1, kMaxMembers)};
}

std::vector<PackedFitResult> run_packed_fits(std::vector<PackedFitMember> members) {
  if (members.empty()) return {};
  const std::string key = packing_plan(members.front().fit).key;
  for (const PackedFitMember& member : members)
    if (key.empty() || packing_plan(member.fit).key != key)
      throw InvalidInput(std::string("these fits cannot be packed: ") + (key.empty() ? "the first runs alone" : "their settings differ"));
  configure_threads();
  const TrainOptions& train = members.front().fit.info.config.train;
  const torch::Device device(resolve_device(train.device));
  apply_matmul_precision(device, train.precision);
  return PackedTrainer(std::move(members), device).train();
}

std::vector<PackedFitResult> run_packed_fits(std::vector<PackedFitRequest> fits) {
  std::vector<PackedFitResult> results(fits.size());
  std::vector<PackedFitMember> members;
  std::vector<size_t> member_of;  // fits' indices of the members
  for (size_t i = 0; i < fits.size(); ++i) {
    PackedFitRequest& fit = fits[i];
    try {
      members.push_back({prepare_fit(fit.config, fit.inputs), std::move(fit.paths), std::move(fit.callbacks),
                         std::move(fit.on_finished)});
      member_of.push_back(i);
    } catch (const std::exception& e) {
      results[i].error = e.what();
      if (fit.on_finished) fit.on_finished(results[i]);
    }
  }
  std::vector<PackedFitResult> trained = run_packed_fits(std::move(members));
  for (size_t m = 0; m < trained.size(); ++m) results[member_of[m]] = std::move(trained[m]);
  return results;
}

}  // namespace siren
