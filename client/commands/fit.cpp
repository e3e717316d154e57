// `siren fit <task> [FILE] [options]`: one subcommand per task description (the server's, or this
// build's), all sharing the network/training options, the upload, the watching and --local.
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
#include "previews.h"
#include "siren/task_description.h"
#include "task_arguments.h"

namespace siren::cli {

namespace {

// CLI11's ExistingFile check, without the ":FILE" it would append to the help's type name.
CLI::Validator existing_file() { return CLI::Validator(CLI::ExistingFile).description(""); }

int run_fit(const FitRequest& request, const GlobalOptions& global) {
  const Output output(global.json);
  const v1::FitSpec spec = build_fit_spec(request);
  if (request.local) {
    const std::string model_out = request.model_out.empty() ? default_local_model_path(request) : request.model_out;
    return run_local_fit(spec, request.inputs, request.resume_path, model_out, output);
  }

  Connection connection(global);
  const v1::Job job = submit_fit(connection, spec, build_job_options(request), request.inputs, request.resume_path);
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
  return follow_job(connection, job.job_id(), output, request.previews);
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
  add_preview_options(command, request.previews)->excludes(local)->excludes(no_watch);

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

// `siren fit <task>`: the task's own arguments from its description, then what every fit shares,
// whose help states the task's preset (the description's, so a server's task shows the server's).
void add_task_command(CLI::App& fit, const TaskDescription& task, CommandContext& context) {
  auto request = std::make_shared<FitRequest>();
  request->task = task.kind;

  CLI::App* command = add_command(fit, task.kind, task.summary, context);
  command->footer(task.details);
  try {
    add_task_inputs(*command, task, request->inputs);
    add_task_options(*command, task, request->task_options);
    add_fit_settings_options(*command, task, request->settings);
    add_job_options(*command, *request);
  } catch (const CLI::OptionAlreadyAdded&) {
    // A (server's) task option spelled like a shared one could not be told apart: leave the task out
    // rather than fail every command.
    fit.remove_subcommand(command);
    return;
  }
  command->callback([request, &context] {
    context.action = [request, &context] { return run_fit(*request, context.global); };
  });
}

}  // namespace

void register_fit_command(CLI::App& root, CommandContext& context, const std::vector<TaskDescription>& tasks) {
  CLI::App* fit = add_command(
      root, "fit",
      "fit a SIREN to a signal on the server (and follow it), or in this process with --local",
      context);
  fit->require_subcommand(1);
  fit->footer(
      "The tasks and their options are the server's (`siren tasks` lists them), or this build's\n"
      "with --local or when no server answers. Unset options take the task's preset: the paper's\n"
      "settings for that experiment. `siren fit TASK --help` explains a task and its options.\n"
      "Exit code: 0 when the fit succeeded, 1 otherwise, 2 for a bad command line.");
  for (const TaskDescription& task : tasks) add_task_command(*fit, task, context);
}

}  // namespace siren::cli
