// `siren fit <task> FILE [options]`: one subcommand per task, all sharing the network/training
// options, the upload, the watching and --local.
#include <memory>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "connection.h"
#include "exit_codes.h"
#include "fit_options.h"
#include "fit_request.h"
#include "fit_upload.h"
#include "follow_job.h"
#include "duration.h"
#include "json_views.h"
#include "local_fit.h"
#include "output.h"
#include "siren/fit_config.h"
#include "tasks/task_command.h"

namespace siren::cli {

namespace {

// CLI11's ExistingFile check, without the ":FILE" it would append to the help's type name.
CLI::Validator existing_file() { return CLI::Validator(CLI::ExistingFile).description(""); }

int run_fit(const FitRequest& request, const TaskCommand& task, const GlobalOptions& global) {
  const Output output(global.json);
  const v1::FitSpec spec = build_fit_spec(request);
  FitInput input{request.input_path, std::nullopt};
  if (task.pack_input) input.packed = task.pack_input(request.input_path, request.input_files);
  if (task.input_help.empty()) input.packed = std::string();  // a task without input: upload nothing
  if (request.local) {
    const std::string model_out = request.model_out.empty()
                                      ? default_local_model_path(request.input_path.empty() ? task.name
                                                                                            : request.input_path)
                                      : request.model_out;
    return run_local_fit(spec, input, request.resume_path, model_out, output);
  }

  Connection connection(global);
  const v1::Job job = submit_fit(connection, spec, build_job_options(request), input, request.resume_path);
  if (request.no_watch) {
    if (output.json()) {
      output.json_line(Json{{"job_id", job.job_id()}, {"state", state_name(job.state())}});
    } else {
      output.text(job.job_id());  // alone on stdout: ID=$(siren fit image x.png --no-watch)
      output.note("follow it with: siren watch " + job.job_id());
    }
    return kExitSuccess;
  }
  output.note("submitted job " + job.job_id() + " (Ctrl-C detaches; the job keeps running)");
  return follow_job(connection, job.job_id(), output);
}

void add_job_options(CLI::App& command, FitRequest& request) {
  const std::string group = "Job";
  command.add_option("--name", request.name, "a label for listings (default: none)")
      ->type_name("TEXT")->group(group);
  command
      .add_option_function<std::string>(
          "--resume", [&request](const std::string& path) { request.resume_path = path; },
          "continue from a checkpoint (`siren download`, or a --local model): weights, Adam "
          "moments, step and RNG are restored, so the result equals an uninterrupted fit; "
          "--steps is the total")
      ->check(existing_file())->type_name("CKPT")->group(group);
  auto* no_watch = command.add_flag(
      "--no-watch", request.no_watch,
      "submit and exit: print the job id (follow it later with `siren watch ID`)")->group(group);
  auto* local = command.add_flag(
      "--local", request.local,
      "no server: fit in this process with the same settings and display")->group(group);
  command.add_option("--model-out", request.model_out,
                     "--local only: where to write the model (default: ./<FILE stem>.siren.ckpt, or "
                     "./<task>.siren.ckpt for a task without FILE)")
      ->type_name("PATH")->needs(local)->group(group);
  no_watch->excludes(local);

  const std::string queue_group = "Queue (server only)";
  command.add_option("--priority", request.priority,
                     "which queued job a free worker takes first: low, normal or high (default: normal); "
                     "oldest first among equals")
      ->check(CLI::IsMember({"low", "normal", "high"}))->type_name("LEVEL")->group(queue_group)->excludes(local);
  command
      .add_option_function<std::string>(
          "--deadline",
          [&request](const std::string& text) { request.deadline_seconds = parse_duration_seconds(text); },
          "fail the job if it has not finished this long after submission, e.g. 90s, 45m, 6h, 2d; a running "
          "fit stops at its next step and keeps its state as a model (default: none)")
      ->type_name("DURATION")->group(queue_group)->excludes(local);
  command.add_option("--request-id", request.request_id,
                     "idempotency key: submitting again with the same key returns the first job instead of "
                     "queueing a second (safe to retry after a lost connection); [A-Za-z0-9_-], up to 128")
      ->type_name("KEY")->group(queue_group)->excludes(local);
}

void add_task_command(CLI::App& fit, const TaskCommand& task, CommandContext& context) {
  FitConfig preset;
  try {
    preset = preset_fit_config(task.name);
  } catch (const std::exception&) {
    return;  // a task this build's core does not know: leave it out rather than fail every command
  }
  auto request = std::make_shared<FitRequest>();
  request->task = task.name;

  CLI::App* command = add_command(fit, task.name, task.summary, context);
  command->footer(task.footer);
  if (!task.input_help.empty()) {
    command->add_option("file", request->input_path, task.input_help)
        ->required()->check(existing_file())->type_name("FILE");
  }
  if (task.add_input_files) task.add_input_files(*command, request->input_files);
  task.add_options(*command, preset, request->task_options);
  add_fit_settings_options(*command, preset, request->settings);
  add_job_options(*command, *request);
  command->callback([request, &task, &context] {
    context.action = [request, &task, &context] { return run_fit(*request, task, context.global); };
  });
}

}  // namespace

void register_fit_command(CLI::App& root, CommandContext& context) {
  CLI::App* fit = add_command(
      root, "fit",
      "fit a SIREN to a signal on the server (and follow it), or in this process with --local",
      context);
  fit->require_subcommand(1);
  fit->footer(
      "Unset options take the task's preset: the paper's settings for that experiment.\n"
      "Exit code: 0 when the fit succeeded, 1 otherwise, 2 for a bad command line.");
  for (const TaskCommand& task : task_commands()) add_task_command(*fit, task, context);
}

}  // namespace siren::cli
