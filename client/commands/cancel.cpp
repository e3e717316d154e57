// `siren cancel JOB_ID`: stop a queued or running job (the server keeps its last checkpoint).
#include <memory>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "connection.h"
#include "exit_codes.h"
#include "json_views.h"
#include "rpc_error.h"

namespace siren::cli {

namespace {
int run_cancel(const std::string& job_id, const GlobalOptions& global) {
  const Output output(global.json);
  Connection connection(global);
  auto context = connection.context();
  v1::CancelJobRequest request;
  request.set_job_id(job_id);
  v1::Job job;
  check_rpc(connection.stub().CancelJob(context.get(), request, &job));
  if (output.json()) {
    output.json_line(job_json(job));
  } else {
    output.text("job " + job.job_id() + ": " + state_name(job.state()));
  }
  return kExitSuccess;
}
}  // namespace

void register_cancel_command(CLI::App& root, CommandContext& context) {
  auto job_id = std::make_shared<std::string>();
  CLI::App* command = add_command(
      root, "cancel", "cancel a queued or running job (a running one stops at its next step)",
      context);
  command->add_option("job_id", *job_id, "the job to cancel")->required()->type_name("JOB_ID");
  command->callback([job_id, &context] {
    context.action = [job_id, &context] { return run_cancel(*job_id, context.global); };
  });
}

}  // namespace siren::cli
