#include "local_fit.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "input_source.h"
#include "interrupt.h"
#include "job_event_view.h"
#include "rpc_error.h"
#include "siren/errors.h"
#include "siren/fit.h"
#include "siren/task_inputs.h"
#include "siren/wire/convert.h"

namespace siren::cli {

namespace {

// Periodic checkpoints only matter while the process lives (Ctrl-C writes the model itself), so
// they go to a private temporary directory that is removed afterwards.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "siren-local-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw CommandError("cannot create a temporary directory");
    path_ = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

v1::JobEvent make_event(v1::JobEvent::Type type, const v1::Job& job) {
  v1::JobEvent event;
  event.set_type(type);
  *event.mutable_job() = job;
  return event;
}

// The input files by name, read whole: the core decodes them in memory.
TaskInputs read_task_inputs(const std::vector<InputFile>& files) {
  TaskInputs inputs;
  for (const InputFile& file : files)
    if (file.given()) inputs.append(file.name, input_bytes(file.path));
  return inputs;
}

}  // namespace

int run_local_fit(const v1::FitSpec& spec, const std::vector<InputFile>& input_files,
                  const std::optional<std::string>& resume_checkpoint_path,
                  const std::string& model_out, const Output& output) {
  const FitConfig config = wire::fit_config_from_proto(spec);  // the preset + what was given
  const TaskInputs inputs = read_task_inputs(input_files);
  // Fail now rather than after training when the model could not be written.
  const auto model_dir = std::filesystem::absolute(model_out).parent_path();
  if (!std::filesystem::is_directory(model_dir)) {
    throw CommandError("cannot write " + model_out + ": " + model_dir.string() + " is not a directory");
  }
  TemporaryDirectory checkpoints;  // run_fit sets the thread count itself ($SIREN_THREADS)

  v1::Job job;
  job.set_job_id("local");
  *job.mutable_spec() = wire::fit_spec_to_proto(config);
  job.mutable_spec()->set_input_filename(spec.input_filename());
  job.mutable_spec()->set_name(spec.name());
  job.set_state(v1::JOB_STATE_RUNNING);

  JobEventView view(output, job.job_id());
  InterruptScope interrupt;
  FitCallbacks callbacks;
  callbacks.on_progress = [&](const Progress& progress) {
    *job.mutable_progress() = wire::progress_to_proto(progress);
    view.show(make_event(v1::JobEvent::TYPE_PROGRESS, job));
  };
  callbacks.on_checkpoint = [&](int64_t step, const std::string&) {
    job.set_last_checkpoint_step(step);
    v1::JobEvent event = make_event(v1::JobEvent::TYPE_CHECKPOINT_SAVED, job);
    event.set_checkpoint_step(step);
    view.show(event);
  };
  callbacks.should_stop = [&interrupt] { return interrupt.requested(); };

  view.show(make_event(v1::JobEvent::TYPE_STARTED, job));
  FitResult result;
  try {
    result = run_fit(config, inputs, {checkpoints.path(), model_out}, callbacks,
                     resume_checkpoint_path);
  } catch (const InvalidInput&) {
    throw;  // bad input or settings: reported like the server's INVALID_ARGUMENT
  } catch (const std::exception& e) {
    job.set_state(v1::JOB_STATE_FAILED);
    job.set_error(e.what());
    view.show(make_event(v1::JobEvent::TYPE_FAILED, job));
    return view.conclude();
  }

  *job.mutable_progress() = wire::progress_to_proto(result.final);
  job.set_model_id(result.model_path);
  job.set_device(result.device);
  const bool completed = result.outcome == FitOutcome::Completed;
  job.set_state(completed ? v1::JOB_STATE_SUCCEEDED : v1::JOB_STATE_INTERRUPTED);
  view.show(make_event(completed ? v1::JobEvent::TYPE_FINISHED : v1::JobEvent::TYPE_INTERRUPTED,
                       job));
  if (!completed && !result.model_path.empty()) {
    output.note("stopped; continue with --resume " + result.model_path);
  }
  return view.conclude();
}

}  // namespace siren::cli
