#include "siren/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "siren/checkpoint.h"
#include "siren/preview.h"
#include "siren/device_precision.h"
#include "siren/errors.h"
#include "siren/field_model.h"
#include "siren/optim/clip_grad_norm.h"
#include "siren/optim/lbfgs.h"

namespace siren {
namespace {

constexpr int kPeriodicCheckpointsKept = 3;
// How often a fit on a GPU reads its loss back for a progress report.
constexpr std::chrono::milliseconds kDeviceProgressInterval{250};

std::map<std::string, double> with_loss(std::map<std::string, double> metrics, double loss) {
  metrics["loss"] = loss;
  return metrics;
}

}  // namespace

Trainer::Trainer(Task& task, FieldNetwork network, const TrainOptions& options, ModelInfo info, torch::Device device)
    : task_(task),
      network_(std::move(network)),
      options_(options),
      info_(std::move(info)),
      device_(device),
      generator_(at::make_generator<at::CPUGeneratorImpl>(options.seed)) {
  make_optimizer();
}

void Trainer::make_optimizer() {
  optimizer_.reset();
  lbfgs_.reset();
  if (options_.optimizer == "lbfgs")
    lbfgs_ = optim::make_reference_lbfgs(network_->parameters(), options_.learning_rate);
  else
    optimizer_ = std::make_unique<torch::optim::Adam>(network_->parameters(),
                                                      torch::optim::AdamOptions(options_.learning_rate));
}


void Trainer::restore(const std::string& checkpoint_path) {
  CheckpointReader reader(checkpoint_path, device_);  // weights and Adam moments straight onto the job's device
  const ModelInfo& saved = reader.info();
  check_resumable(saved, info_, options_.steps);
  reader.restore_network(network_);
  network_->to(device_);
  // The optimizer's state tensors must live with the parameters: rebuild it after moving the network.
  // L-BFGS's history is not checkpointed (LibTorch cannot serialise the partly empty state it keeps): a
  // resumed L-BFGS fit starts a fresh history on a fresh batch, as the reference's next epoch's call would
  // on its next batch. Adam's moments are restored exactly.
  make_optimizer();
  if (optimizer_) reader.restore_optimizer(*optimizer_);
  reader.restore_generator(generator_);
  step_ = saved.steps;
}

void Trainer::adopt(int64_t step, const at::Generator& generator, const std::function<void(torch::optim::Adam&)>& fill_adam,
                    std::chrono::steady_clock::time_point run_start, int64_t run_first_step) {
  if (!optimizer_) throw std::logic_error("Trainer::adopt: only an Adam fit can be taken over");
  fill_adam(*optimizer_);
  generator_.set_state(generator.get_state());
  step_ = step;
  run_start_ = run_start;
  run_first_step_ = run_first_step;
}

Trainer::Forward Trainer::forward(const Batch& batch) {
  const AutocastScope autocast(device_, options_.precision);
  torch::Tensor coords = batch.coords;
  torch::Tensor output;
  LossTerms terms;
  if (const DerivativeOrder order = task_.coordinate_derivatives(); order != DerivativeOrder::None) {
    // The network supplies the derivatives (in closed form, or by autograd on coordinates it makes
    // differentiable itself): coordinates that required grad would only add a backward pass to them.
    FieldDerivatives field = network_->forward_with_derivatives(coords, order, options_.closed_form_derivatives);
    output = field.value;
    terms = task_.losses_on_field(coords, field, batch);
  } else {
    if (task_.needs_coordinate_gradients()) coords = coords.detach().requires_grad_(true);
    output = network_->forward(coords);
    terms = task_.losses(coords, output, batch);
  }
  torch::Tensor loss;
  for (auto& [name, term] : terms) {
    const torch::Tensor mean = term.mean();
    loss = loss.defined() ? loss + mean : mean;
  }
  return {loss, output};
}

std::string Trainer::graphs_unavailable_reason() const {
  if (!options_.cuda_graphs) return "off (cuda_graphs = false)";
  if (const std::string reason = TrainingStepGraph::unavailable_reason(device_); !reason.empty()) return reason;
  if (lbfgs_) return "off: L-BFGS's line search evaluates the loss a varying number of times per step";
  if (const std::string reason = optim::CapturableAdam::unsupported_reason(*optimizer_); !reason.empty())
    return "off: the optimizer uses " + reason;
  return graph_failure_;
}

std::string Trainer::cuda_graph_summary() const {
  if (graph_replays_ > 0)
    return "replayed " + std::to_string(graph_replays_) + " of " + std::to_string(run_steps_) +
           " steps as a CUDA graph (" + std::to_string(graph_captures_) + " capture" +
           (graph_captures_ == 1 ? "" : "s") + ")";
  const std::string reason = graphs_unavailable_reason();
  return reason.empty() ? "no step was replayed (no batch layout repeated for the warm-up)" : reason;
}

Trainer::StepResult Trainer::lbfgs_update(const Batch& batch) {
  // The closure runs once at the current weights, then at each point the line search tries; the step's
  // figures are those of the first evaluation (before the update), as for Adam.
  std::optional<Forward> before;
  lbfgs_->step([&]() -> torch::Tensor {
    const torch::AutoGradMode with_grad(true);  // step() runs under no_grad; the closure differentiates
    lbfgs_->zero_grad();
    Forward f = forward(batch);
    f.loss.backward();
    if (!before) before = Forward{f.loss.detach(), f.output.detach()};
    return f.loss.detach();
  });
  return {before->loss, before->output, &batch};
}

void Trainer::clip_gradients() {
  if (options_.clip_grad_norm > 0) optim::clip_grad_norm_on_device(network_->parameters(), options_.clip_grad_norm);
}

Trainer::StepResult Trainer::eager_update(const Batch& batch) {
  if (lbfgs_) return lbfgs_update(batch);
  const Forward f = forward(batch);
  optimizer_->zero_grad();
  f.loss.backward();
  clip_gradients();
  optimizer_->step();
  return {f.loss.detach(), f.output.detach(), &batch};
}

// Captures once a batch layout has come back kGraphWarmupSteps times in a row: the eager steps before it
// have made cuBLAS's handles and workspaces, the autograd engine's device threads and Adam's moments,
// none of which may be created inside a capture. A later steady layout (a schedule's next phase) is
// captured again, up to kMaxGraphCaptures per fit.
void Trainer::consider_capture(const Batch& batch) {
  constexpr int64_t kGraphWarmupSteps = 3;
  constexpr int64_t kMaxGraphCaptures = 4;
  if (!device_.is_cuda() || !options_.cuda_graphs) return;  // every CPU step passes here: no string work
  if (!graphs_unavailable_reason().empty() || graph_captures_ >= kMaxGraphCaptures) return;
  same_layout_steps_ = previous_batch_ && same_batch_layout(*previous_batch_, batch) ? same_layout_steps_ + 1 : 1;
  previous_batch_ = batch;
  if (same_layout_steps_ < kGraphWarmupSteps) return;
  if (!graph_) graph_ = std::make_unique<TrainingStepGraph>(device_);
  if (!capturable_adam_) capturable_adam_ = std::make_unique<optim::CapturableAdam>(*optimizer_);
  // Gradients must be created inside the capture (in the graph's memory, written anew by each replay);
  // existing ones would be accumulated into on every replay.
  optimizer_->zero_grad(/*set_to_none=*/true);
  const bool captured = graph_->capture(batch, [this](const Batch& inputs) {
    const Forward f = forward(inputs);
    f.loss.backward();
    clip_gradients();
    capturable_adam_->step();
    return std::vector<torch::Tensor>{f.loss.detach(), f.output.detach()};
  });
  ++graph_captures_;
  previous_batch_.reset();
  same_layout_steps_ = 0;
  if (!captured) {
    graph_failure_ = "off: this task's step cannot be captured (" + graph_->failure_reason() + ")";
    graph_.reset();
    optimizer_->zero_grad(/*set_to_none=*/true);
  }
}

Trainer::StepResult Trainer::update(const Batch& batch) {
  ++run_steps_;
  if (graph_ && graph_->accepts(batch)) {
    capturable_adam_->load_step_count();  // eager steps in between advanced the host's count only
    const std::vector<torch::Tensor>& outputs = graph_->replay(batch);
    capturable_adam_->count_replayed_step();
    ++graph_replays_;
    return {outputs[0], outputs[1], &graph_->inputs()};
  }
  StepResult result = eager_update(batch);
  consider_capture(batch);
  return result;
}

Batch Trainer::next_batch() {
  if (!lbfgs_) return task_.sample_at_step(step_, options_.batch_size, generator_);
  if (!held_batch_ || step_ % optim::kLbfgsIterationsPerBatch == 0)
    held_batch_ = task_.sample_at_step(step_, options_.batch_size, generator_);
  return *held_batch_;
}

void Trainer::set_epochs(Progress& p, const TrainOptions& options) {
  if (options.epochs <= 0) return;
  p.total_epochs = options.epochs;
  p.epoch = p.step / std::max<int64_t>(1, options.steps / options.epochs);  // steps = epochs x steps per epoch
}

std::map<std::string, double> Trainer::summary_now() const {
  if (task_.summary_every() <= 0) return {};
  return task_.summary_metrics(field_model_of_network(info_, network_));
}

void Trainer::add_summary(std::map<std::string, double>& metrics, bool first_report) {
  const int64_t every = task_.summary_every();
  if (every <= 0) return;
  if (first_report || summary_.empty() || step_ % every == 0) summary_ = summary_now();
  for (const auto& [name, value] : summary_) metrics[name] = value;
}

Progress Trainer::evaluate() {
  network_->eval();
  std::optional<torch::NoGradGuard> no_grad;
  if (!task_.needs_coordinate_gradients()) no_grad.emplace();
  // Full batch: draws nothing for grid tasks; tasks that sample randomly (PDEs) get a fixed draw.
  at::Generator scratch = at::make_generator<at::CPUGeneratorImpl>(0);
  const Batch batch = task_.sample_at_step(step_, 0, scratch);
  const Forward figures = forward(batch);
  network_->train();
  Progress p;
  p.step = step_;
  p.total_steps = options_.steps;
  set_epochs(p, options_);
  p.loss = figures.loss.item<double>();
  p.metrics = task_.metrics(figures.output.detach(), batch);
  for (const auto& [name, value] : summary_now()) p.metrics[name] = value;
  p.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start_).count();
  const int64_t done = step_ - run_first_step_;
  p.steps_per_second = done > 0 && p.elapsed_seconds > 0 ? done / p.elapsed_seconds : 0.0;
  return p;
}

void Trainer::save(const std::string& path, const Progress& figures, const FitCallbacks& callbacks) {
  const auto start = std::chrono::steady_clock::now();
  ModelInfo info = info_;
  info.steps = step_;
  info.metrics = with_loss(figures.metrics, figures.loss);
  save_checkpoint(path, info, network_, {optimizer_.get(), &generator_});  // none for L-BFGS: see restore()
  if (callbacks.on_checkpoint_written) {
    std::error_code size_error;
    const auto bytes = std::filesystem::file_size(path, size_error);
    callbacks.on_checkpoint_written(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                                    size_error ? 0 : static_cast<int64_t>(bytes));
  }
}

void Trainer::save_periodic(const std::string& dir, const FitCallbacks& callbacks, const Progress& latest) {
  const std::string path = periodic_checkpoint_path(dir, step_);
  if (callbacks.may_keep_checkpoint) {
    // Written aside (a name latest_periodic_checkpoint never picks), shown only once allowed.
    const std::string aside = path + ".unconfirmed";
    save(aside, latest, callbacks);
    if (!callbacks.may_keep_checkpoint(step_)) {
      std::filesystem::remove(aside);
      return;
    }
    std::filesystem::rename(aside, path);
  } else {
    save(path, latest, callbacks);
  }
  const int64_t stale = step_ - kPeriodicCheckpointsKept * options_.checkpoint_every;
  if (stale > 0) std::filesystem::remove(periodic_checkpoint_path(dir, stale));
  if (callbacks.on_checkpoint) callbacks.on_checkpoint(step_, path);
}

FitOutcome Trainer::train(const FitCallbacks& callbacks, const std::string& checkpoint_dir) {
  using clock = std::chrono::steady_clock;
  run_start_ = clock::now();
  run_first_step_ = step_;
  run_steps_ = 0;
  graph_replays_ = 0;
  const auto start = run_start_;
  const int64_t first_step = step_;
  network_->train();
  Progress latest;
  // Reading the loss back (item()) waits for the device. On a CPU that costs nothing and every step is
  // reported; on a GPU the host would stall the queue of kernels each step, so progress (and the
  // divergence check) comes at a cadence in time, plus the first and the last step.
  const bool report_every_step = device_.is_cpu();
  auto last_report = start - kDeviceProgressInterval;
  while (step_ < options_.steps) {
    if (callbacks.should_stop && callbacks.should_stop()) return FitOutcome::Stopped;
    const Batch batch = next_batch();
    const bool report = report_every_step || step_ == first_step || step_ + 1 == options_.steps ||
                        clock::now() - last_report >= kDeviceProgressInterval;
    const StepResult result = update(batch);
    if (report) {
      const double loss = result.loss.item<double>();
      if (!std::isfinite(loss))
        throw std::runtime_error("training diverged: the loss is " + std::to_string(loss) + " at step " +
                                 std::to_string(step_) + "; try a lower learning rate");
      last_report = clock::now();
      const double elapsed = std::chrono::duration<double>(last_report - start).count();
      latest.step = step_;
      latest.total_steps = options_.steps;
      set_epochs(latest, options_);
      latest.loss = loss;
      latest.metrics = task_.metrics(result.output, *result.batch);
      add_summary(latest.metrics, step_ == first_step);
      latest.elapsed_seconds = elapsed;
      latest.samples = batch.coords.defined() ? batch.coords.size(0) : 0;
      const int64_t done = step_ - first_step;
      latest.steps_per_second = done > 0 && elapsed > 0 ? done / elapsed : 0.0;
      latest.eta_seconds = latest.steps_per_second > 0 ? (options_.steps - step_) / latest.steps_per_second : 0.0;
      if (callbacks.on_progress) callbacks.on_progress(latest);
    }
    ++step_;
    if (report) send_preview_if_asked(callbacks);

    if (!checkpoint_dir.empty() && options_.checkpoint_every > 0 && step_ % options_.checkpoint_every == 0 &&
        step_ < options_.steps)
      save_periodic(checkpoint_dir, callbacks, latest);
  }
  return FitOutcome::Completed;
}

void Trainer::send_preview_if_asked(const FitCallbacks& callbacks) {
  if (!callbacks.preview_side || !callbacks.on_preview) return;
  const int side = callbacks.preview_side();
  if (side <= 0) return;
  const std::string png = render_preview(info_, network_, side);
  if (!png.empty()) callbacks.on_preview(step_, png);
}

}  // namespace siren
