#pragma once
// The single generic training loop (the reference's training.train): sample a batch, forward, sum the
// task's loss terms, Adam step (or one L-BFGS iteration: TrainOptions::optimizer). Reports progress every
// step and checkpoints the full training state.
#include <torch/torch.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "siren/fit.h"
#include "siren/model_info.h"
#include "siren/network.h"
#include "siren/optim/capturable_adam.h"
#include "siren/task.h"
#include "siren/training_step_graph.h"

namespace siren {

class Trainer {
 public:
  // `info` describes the fit; the trainer stamps steps and metrics into it when saving.
  Trainer(Task& task, FieldNetwork network, const TrainOptions& options, ModelInfo info, torch::Device device);

  // Continues from a checkpoint written by save(): weights, Adam moments, step and RNG.
  void restore(const std::string& checkpoint_path);
  // Continues a fit trained elsewhere (a member of a packed fit, packed_fit.h): the network already holds its
  // weights; `fill_adam` gives Adam its moments; the step and the sampling generator continue from these.
  // `run_start`: when that training began at `run_first_step`, for the speed evaluate() reports.
  void adopt(int64_t step, const at::Generator& generator, const std::function<void(torch::optim::Adam&)>& fill_adam,
             std::chrono::steady_clock::time_point run_start, int64_t run_first_step);

  // Trains until options.steps updates are done or callbacks.should_stop() says so. Periodic checkpoints
  // go to checkpoint_dir (empty = none). Returns whether it completed.
  FitOutcome train(const FitCallbacks& callbacks, const std::string& checkpoint_dir);

  // Loss and metrics of the current network on the task's full batch (step = updates so far).
  Progress evaluate();
  // Reports the write's time and size to callbacks.on_checkpoint_written.
  void save(const std::string& path, const Progress& figures, const FitCallbacks& callbacks);
  // The periodic checkpoint of this step in checkpoint_dir (keeping the newest few), then on_checkpoint.
  void save_periodic(const std::string& checkpoint_dir, const FitCallbacks& callbacks, const Progress& latest);

  int64_t step() const { return step_; }
  // Progress.epoch / total_epochs of a fit counted in epochs (left 0 otherwise).
  static void set_epochs(Progress& p, const TrainOptions& options);
  FieldNetwork& network() { return network_; }
  // How the steps of the last train() ran on a GPU: "replayed N of M steps as a CUDA graph", or why
  // they ran eagerly (TrainOptions::cuda_graphs off, a CPU, a step that cannot be captured).
  std::string cuda_graph_summary() const;
  int64_t graph_replays() const { return graph_replays_; }

 private:
  struct Forward {
    torch::Tensor loss;
    torch::Tensor output;
  };
  struct StepResult {
    torch::Tensor loss;    // before the update
    torch::Tensor output;  // before the update, detached
    const Batch* batch;    // what it was computed on (the graph's inputs when replayed)
  };
  Forward forward(const Batch& batch);
  // One update: replayed from the graph when it accepts the batch, else eagerly (and captured once the
  // batch's layout has repeated for the warm-up steps).
  StepResult update(const Batch& batch);
  StepResult eager_update(const Batch& batch);
  StepResult lbfgs_update(const Batch& batch);
  void clip_gradients();  // clip_grad_norm on the device: inside a captured step too
  // The batch of this step: a new draw, or under L-BFGS the one held since its last draw (lbfgs.h).
  Batch next_batch();
  // Adam, or L-BFGS when TrainOptions::optimizer asks for it.
  void make_optimizer();
  void consider_capture(const Batch& batch);
  std::string graphs_unavailable_reason() const;
  void send_preview_if_asked(const FitCallbacks& callbacks);

  // The task's whole-signal figures (Task::summary_metrics) of the network as it is now.
  std::map<std::string, double> summary_now() const;
  // Recomputes summary_ when due, then lays it over a step's metrics.
  void add_summary(std::map<std::string, double>& metrics, bool first_report);

  Task& task_;
  FieldNetwork network_;
  TrainOptions options_;
  ModelInfo info_;
  torch::Device device_;
  std::unique_ptr<torch::optim::Adam> optimizer_;   // null when L-BFGS trains
  std::unique_ptr<torch::optim::LBFGS> lbfgs_;      // null when Adam trains
  std::optional<Batch> held_batch_;                 // L-BFGS's batch
  at::Generator generator_;
  int64_t step_ = 0;
  std::map<std::string, double> summary_;  // the latest Task::summary_metrics
  // CUDA graph execution (training_step_graph.h), on a GPU when TrainOptions::cuda_graphs allows.
  std::unique_ptr<TrainingStepGraph> graph_;
  std::unique_ptr<optim::CapturableAdam> capturable_adam_;
  std::string graph_failure_;
  std::optional<Batch> previous_batch_;
  int64_t same_layout_steps_ = 0;
  int64_t graph_captures_ = 0;
  int64_t graph_replays_ = 0;
  int64_t run_steps_ = 0;
  // Timing of the current train() call, so the final figures report the run's speed too.
  std::chrono::steady_clock::time_point run_start_ = std::chrono::steady_clock::now();
  int64_t run_first_step_ = 0;
};

}  // namespace siren
