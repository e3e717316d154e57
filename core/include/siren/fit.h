#pragma once
// Running one fit end to end (no LibTorch in this header): decode the input, build the task and the
// network, train with checkpoints and progress callbacks, and write the final model file.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "siren/fit_config.h"
#include "siren/progress.h"
#include "siren/task_inputs.h"

namespace siren {

class Task;

struct FitCallbacks {
  // Every step on a CPU; on a GPU every 250 ms and at the first and last step (reading the loss back
  // waits for the device).
  std::function<void(const Progress&)> on_progress;
  std::function<void(int64_t step, const std::string& path)> on_checkpoint;
  // Asked once a periodic checkpoint is written, before it shows under its name (step_<N>.ckpt) to anyone
  // resuming the fit: false discards it (and keeps the older ones). A fleet's replica says whether it still
  // owns the job, so that a run another replica took over leaves no checkpoint behind. Unset: kept.
  std::function<bool(int64_t step)> may_keep_checkpoint;
  std::function<bool()> should_stop;  // polled every step; true = checkpoint and return
  // After each checkpoint or final model write: how long it took and the file's size (for metrics).
  std::function<void(double seconds, int64_t bytes)> on_checkpoint_written;
  // Polled at each progress report: > 0 asks for a preview now, at most that many pixels a side; then
  // on_preview gets the PNG (render_preview in preview.h; none for tasks without a PNG export).
  std::function<int()> preview_side;
  std::function<void(int64_t step, const std::string& png)> on_preview;
};

struct FitPaths {
  std::string checkpoint_dir;     // periodic checkpoints: <dir>/step_<N>.ckpt (atomic writes)
  std::string final_model_path;   // written on completion (and on stop), same format as a checkpoint
};

enum class FitOutcome { Completed, Stopped };

struct FitResult {
  FitOutcome outcome = FitOutcome::Completed;
  Progress final;                // figures of the network after the last update
  std::string model_path;        // the file written (final_model_path), empty if none
  std::string device;            // where it ran, e.g. "cpu"
  std::string cuda_graphs;       // how its steps ran on a GPU (Trainer::cuda_graph_summary)
};

// Throws InvalidInput for bad input or settings (before any training starts).
FitResult run_fit(const FitConfig& config, const TaskInputs& inputs, const FitPaths& paths,
                  const FitCallbacks& callbacks,
                  const std::optional<std::string>& resume_checkpoint_path = std::nullopt);

// The same from a task built by the caller (e.g. from data decoded elsewhere, or made in a test); config.task
// is not read.
FitResult run_fit(const FitConfig& config, std::unique_ptr<Task> task, const FitPaths& paths,
                  const FitCallbacks& callbacks,
                  const std::optional<std::string>& resume_checkpoint_path = std::nullopt);

// Many small fits trained as one batched step (packed_fit.h says how, and which fits may share one).
struct PackedFitResult {
  std::optional<FitResult> result;  // how the fit ended, as run_fit would return it
  std::string error;                // or why it failed (its own input, a full disk, divergence)
};
struct PackedFitRequest {
  FitConfig config;
  TaskInputs inputs;
  FitPaths paths;
  FitCallbacks callbacks;
  // Called as soon as this fit ends (completed, stopped or failed), while the others go on. Must not throw.
  std::function<void(const PackedFitResult&)> on_finished;
};
// Decodes each fit's input and trains them as one pack; a fit whose input or settings are refused fails
// alone (its error, its on_finished). Throws InvalidInput when their packing keys (validate_fit) differ.
// results[k] belongs to fits[k].
std::vector<PackedFitResult> run_packed_fits(std::vector<PackedFitRequest> fits);

// Where run_fit writes the periodic checkpoint of `step`: <checkpoint_dir>/step_<step>.ckpt.
std::string periodic_checkpoint_path(const std::string& checkpoint_dir, int64_t step);
// The newest periodic checkpoint run_fit left in `checkpoint_dir` (highest N of step_<N>.ckpt), if any:
// where a fit cut off by a crash resumes from.
std::optional<std::string> latest_periodic_checkpoint(const std::string& checkpoint_dir);

// Checks config + input (+ a resume checkpoint) without training: decodes the input, builds the task,
// and checks the checkpoint fits the requested network and has fewer steps. Throws InvalidInput.
// Returns the config the fit will run: the task's model features, and steps = epochs x the task's
// steps per epoch when train.epochs > 0.
// `packing`, when given, receives whether and with which fits this one may be trained as a pack
// (packed_fit.h): never when it resumes from a checkpoint.
struct PackingPlan {
  std::string key;          // fits with equal keys may share a pack; "" = this one runs alone
  int64_t max_members = 1;  // the most fits of its size one pack holds
};
FitConfig validate_fit(const FitConfig& config, const TaskInputs& inputs,
                       const std::optional<std::string>& resume_checkpoint_path = std::nullopt,
                       PackingPlan* packing = nullptr);

}  // namespace siren
