#include "siren/fit.h"

#include <filesystem>

#include "siren/checkpoint.h"
#include "siren/device_precision.h"
#include "siren/errors.h"
#include "siren/field_model.h"
#include "siren/network.h"
#include "siren/network_preparing_task.h"
#include "siren/packed_fit.h"
#include "siren/prepared_fit.h"
#include "siren/runtime.h"
#include "siren/task.h"
#include "siren/task_registry.h"
#include "siren/trainer.h"

namespace siren {
namespace {

// Epochs become steps once the task knows its points: steps 0 = epochs x its steps_per_epoch. Steps
// given keep the epochs only where they agree (a resolved config read back), else the fit counts steps.
void resolve_epochs(const Task& task, TrainOptions& train) {
  if (train.epochs <= 0) return;
  const int64_t per_epoch = task.steps_per_epoch(train.batch_size);
  if (train.steps > 0) {
    if (per_epoch < 1 || train.steps != train.epochs * per_epoch) train.epochs = 0;
    return;
  }
  const std::string epochs = std::to_string(train.epochs) + (train.epochs == 1 ? " epoch" : " epochs");
  if (per_epoch < 1)
    throw InvalidInput(epochs + " of 0 steps: the " + task.kind() + " task's " + std::to_string(task.num_points()) +
                       " points are fewer than one batch; give steps or a smaller batch");
  constexpr int64_t kMaxSteps = 10'000'000;  // TrainOptions::validate's
  if (train.epochs > kMaxSteps / per_epoch)
    throw InvalidInput(epochs + " of " + std::to_string(per_epoch) + " steps each are more than " +
                       std::to_string(kMaxSteps) + " steps; use fewer epochs, a larger batch or give steps");
  train.steps = train.epochs * per_epoch;
}

}  // namespace

PreparedFit prepare_fit(const FitConfig& config, std::unique_ptr<Task> task) {
  config.train.validate();
  PreparedFit prepared;
  prepared.task = std::move(task);
  prepared.info.config = config;
  prepared.task->configure_model(prepared.info.config.model);
  prepared.info.config.model.validate();
  resolve_epochs(*prepared.task, prepared.info.config.train);
  prepared.info.task_kind = prepared.task->kind();
  prepared.info.metadata = prepared.task->metadata();
  return prepared;
}

PreparedFit prepare_fit(const FitConfig& config, const TaskInputs& inputs) {
  config.train.validate();
  return prepare_fit(config, make_task(config.task, inputs));
}

void finish_fit(Trainer& trainer, FitResult& result, const FitPaths& paths, const FitCallbacks& callbacks) {
  result.final = trainer.evaluate();
  if (result.outcome == FitOutcome::Completed && callbacks.on_progress) callbacks.on_progress(result.final);
  if (!paths.final_model_path.empty()) {
    trainer.save(paths.final_model_path, result.final, callbacks);
    result.model_path = paths.final_model_path;
    if (callbacks.on_checkpoint) callbacks.on_checkpoint(trainer.step(), paths.final_model_path);
  }
}

namespace {

FitResult run_prepared(PreparedFit prepared, const FitPaths& paths, const FitCallbacks& callbacks,
                       const std::optional<std::string>& resume_checkpoint_path) {
  const FitConfig& config = prepared.info.config;
  const std::string device_name = resolve_device(config.train.device);
  const torch::Device device(device_name);
  apply_matmul_precision(device, config.train.precision);

  // Every random number of a fit comes from generators it owns, both made from its seed: this one for the
  // initialisation, the trainer's for the batch sampling (saved in checkpoints for exact resumes). Never
  // LibTorch's default generator: it is one per process, and with several workers another fit's draws
  // (or its manual_seed) would land between ours and "same seed, same result" would silently break. Both
  // are CPU generators on every device: the network is built on the CPU and moved, and tasks draw their
  // batches on the CPU before copying them over (a CPU generator refuses to fill a CUDA tensor).
  at::Generator init_generator = at::make_generator<at::CPUGeneratorImpl>(config.train.seed);
  FieldNetwork network(prepared.info.config.model, init_generator);
  network->set_fused_sine_layers(config.train.fused_sine_layers);
  if (auto* preparing = dynamic_cast<NetworkPreparingTask*>(prepared.task.get()))
    preparing->prepare_network(*network, init_generator);
  network->to(device);
  prepared.task->to(device);

  Trainer trainer(*prepared.task, network, config.train, prepared.info, device);
  if (resume_checkpoint_path) trainer.restore(*resume_checkpoint_path);

  FitResult result;
  result.device = device_name;
  result.outcome = trainer.train(callbacks, paths.checkpoint_dir);
  result.cuda_graphs = trainer.cuda_graph_summary();
  finish_fit(trainer, result, paths, callbacks);
  return result;
}

}  // namespace

FitConfig validate_fit(const FitConfig& config, const TaskInputs& inputs,
                       const std::optional<std::string>& resume_checkpoint_path, PackingPlan* packing) {
  const PreparedFit prepared = prepare_fit(config, inputs);
  resolve_device(config.train.device);
  if (resume_checkpoint_path)
    check_resumable(FieldModel::read_info(*resume_checkpoint_path), prepared.info, prepared.info.config.train.steps);
  if (packing) *packing = resume_checkpoint_path ? PackingPlan{} : packing_plan(prepared);
  return prepared.info.config;
}

FitResult run_fit(const FitConfig& config, const TaskInputs& inputs, const FitPaths& paths,
                  const FitCallbacks& callbacks, const std::optional<std::string>& resume_checkpoint_path) {
  configure_threads();
  return run_prepared(prepare_fit(config, inputs), paths, callbacks, resume_checkpoint_path);
}

FitResult run_fit(const FitConfig& config, std::unique_ptr<Task> task, const FitPaths& paths,
                  const FitCallbacks& callbacks, const std::optional<std::string>& resume_checkpoint_path) {
  configure_threads();
  return run_prepared(prepare_fit(config, std::move(task)), paths, callbacks, resume_checkpoint_path);
}

std::string periodic_checkpoint_path(const std::string& checkpoint_dir, int64_t step) {
  return (std::filesystem::path(checkpoint_dir) / ("step_" + std::to_string(step) + ".ckpt")).string();
}

std::optional<std::string> latest_periodic_checkpoint(const std::string& checkpoint_dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  std::optional<std::string> latest;
  long long latest_step = -1;
  for (const auto& entry : fs::directory_iterator(checkpoint_dir, error)) {
    // Exactly step_<digits>.ckpt: temporary files of an interrupted atomic write never match.
    const std::string name = entry.path().filename().string();
    const std::string prefix = "step_", suffix = ".ckpt";
    if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    if (digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const long long step = std::stoll(digits);
    if (step > latest_step) {
      latest_step = step;
      latest = entry.path().string();
    }
  }
  return latest;
}

}  // namespace siren
