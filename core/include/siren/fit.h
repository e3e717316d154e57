#pragma once
// Running one fit end to end (no LibTorch in this header): decode the input, build the task and the
// network, train with checkpoints and progress callbacks, and write the final model file.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

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

// Where run_fit writes the periodic checkpoint of `step`: <checkpoint_dir>/step_<step>.ckpt.
std::string periodic_checkpoint_path(const std::string& checkpoint_dir, int64_t step);
// The newest periodic checkpoint run_fit left in `checkpoint_dir` (highest N of step_<N>.ckpt), if any:
// where a fit cut off by a crash resumes from.
std::optional<std::string> latest_periodic_checkpoint(const std::string& checkpoint_dir);

// Checks config + input (+ a resume checkpoint) without training: decodes the input, builds the task,
// and checks the checkpoint fits the requested network and has fewer steps. Throws InvalidInput.
void validate_fit(const FitConfig& config, const TaskInputs& inputs,
                  const std::optional<std::string>& resume_checkpoint_path = std::nullopt);

}  // namespace siren
