// `siren jobs` (a table of every job) and `siren job ID` (one job in full).
#include <memory>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "connection.h"
#include "exit_codes.h"
#include "format.h"
#include "json_views.h"
#include "rpc_error.h"
#include "siren/wire/convert.h"
#include "siren/wire/job_states.h"
#include "table.h"

namespace siren::cli {

namespace {

std::string psnr_cell(const v1::Progress& progress) {
  auto psnr = progress.metrics().find("psnr");
  return psnr == progress.metrics().end() ? "-" : format_psnr(psnr->second);
}

int run_jobs(const GlobalOptions& global) {
  const Output output(global.json);
  Connection connection(global);
  auto context = connection.context();
  v1::ListJobsResponse response;
  check_rpc(connection.stub().ListJobs(context.get(), v1::ListJobsRequest(), &response));
  if (output.json()) {
    for (const v1::Job& job : response.jobs()) output.json_line(job_json(job));
    return kExitSuccess;
  }
  Table table({"ID", "STATE", "TASK", "STEP", "PSNR", "MODEL", "NAME"});
  for (const v1::Job& job : response.jobs()) {
    table.add_row({job.job_id(), state_name(job.state()), task_name(job.spec().task()),
                   format_steps(job.progress()), psnr_cell(job.progress()),
                   job.model_id().empty() ? "-" : job.model_id(),
                   job.spec().name().empty() ? job.spec().input_filename() : job.spec().name()});
  }
  output.text(table.render());
  return kExitSuccess;
}

int run_job(const std::string& job_id, const GlobalOptions& global) {
  const Output output(global.json);
  Connection connection(global);
  auto context = connection.context();
  v1::GetJobRequest request;
  request.set_job_id(job_id);
  v1::Job job;
  check_rpc(connection.stub().GetJob(context.get(), request, &job));
  if (output.json()) {
    output.json_line(job_details_json(job));
    return kExitSuccess;
  }
  Table details({"job", job.job_id()});
  details.add_row({"state", state_name(job.state())});
  details.add_row({"task", task_name(job.spec().task()) + "  " + job.spec().input_filename()});
  if (!job.spec().name().empty()) details.add_row({"name", job.spec().name()});
  details.add_row({"progress", format_steps(job.progress()) + "  " + format_figures(job.progress())});
  details.add_row({"elapsed", format_duration(job_elapsed_seconds(job))});
  details.add_row({"settings", format_spec_summary(job.spec())});
  details.add_row({"model", job.model_id().empty() ? "-" : job.model_id()});
  details.add_row({"last checkpoint", "step " + std::to_string(job.last_checkpoint_step())});
  details.add_row({"device", job.device().empty() ? "-" : job.device()});
  details.add_row({"priority", wire::priority_name(wire::resolved_priority(job.options().priority()))});
  if (job.deadline_unix_ms() > 0) details.add_row({"deadline", format_local_time(job.deadline_unix_ms())});
  if (!job.options().request_id().empty()) details.add_row({"request id", job.options().request_id()});
  details.add_row({"created", format_local_time(job.created_unix_ms())});
  details.add_row({"started", format_local_time(job.started_unix_ms())});
  details.add_row({"finished", format_local_time(job.finished_unix_ms())});
  if (!job.error().empty()) details.add_row({"error", job.error()});
  output.text(details.render());
  return kExitSuccess;
}

}  // namespace

void register_jobs_commands(CLI::App& root, CommandContext& context) {
  CLI::App* jobs = add_command(root, "jobs", "list every job (--json: one line per job)", context);
  jobs->callback([&context] {
    context.action = [&context] { return run_jobs(context.global); };
  });

  auto job_id = std::make_shared<std::string>();
  CLI::App* job = add_command(root, "job", "show one job: state, progress, settings, model",
                              context);
  job->add_option("job_id", *job_id, "the job")->required()->type_name("JOB_ID");
  job->callback([job_id, &context] {
    context.action = [job_id, &context] { return run_job(*job_id, context.global); };
  });
}

}  // namespace siren::cli
