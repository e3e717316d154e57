// `siren cancel|pause|resume|rm-job JOB_ID`: one RPC on one job, then its new state.
#include <functional>
#include <memory>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "connection.h"
#include "exit_codes.h"
#include "json_views.h"
#include "rpc_error.h"

namespace siren::cli {

namespace {

using JobCall = std::function<grpc::Status(v1::Siren::Stub&, grpc::ClientContext*, const std::string& job_id,
                                           v1::Job* job)>;

int run_job_action(const std::string& job_id, const JobCall& call, const std::string& hint,
                   const GlobalOptions& global) {
  const Output output(global.json);
  Connection connection(global);
  auto context = connection.context();
  v1::Job job;
  check_rpc(call(connection.stub(), context.get(), job_id, &job));
  if (output.json()) {
    output.json_line(job_json(job));
  } else {
    output.text("job " + job.job_id() + ": " + state_name(job.state()));
    if (!hint.empty()) output.note(hint + " " + job.job_id());
  }
  return kExitSuccess;
}

template <typename Request>
JobCall unary(grpc::Status (v1::Siren::Stub::*method)(grpc::ClientContext*, const Request&, v1::Job*)) {
  return [method](v1::Siren::Stub& stub, grpc::ClientContext* context, const std::string& job_id, v1::Job* job) {
    Request request;
    request.set_job_id(job_id);
    return (stub.*method)(context, request, job);
  };
}

void add_job_action(CLI::App& root, CommandContext& context, const std::string& name, const std::string& description,
                    JobCall call, std::string hint) {
  auto job_id = std::make_shared<std::string>();
  CLI::App* command = add_command(root, name, description, context);
  command->add_option("job_id", *job_id, "the job, as listed by `siren jobs`")->required()->type_name("JOB_ID");
  command->callback([job_id, call, hint, &context] {
    context.action = [job_id, call, hint, &context] { return run_job_action(*job_id, call, hint, context.global); };
  });
}

int run_delete_job(const std::string& job_id, const GlobalOptions& global) {
  const Output output(global.json);
  Connection connection(global);
  auto context = connection.context();
  v1::DeleteJobRequest request;
  request.set_job_id(job_id);
  v1::DeleteJobResponse response;
  check_rpc(connection.stub().DeleteJob(context.get(), request, &response));
  if (output.json()) {
    output.json_line(Json{{"job_id", job_id}, {"deleted", true}});
  } else {
    output.text("deleted job " + job_id);
  }
  return kExitSuccess;
}

}  // namespace

void register_job_action_commands(CLI::App& root, CommandContext& context) {
  add_job_action(root, context, "cancel",
                 "cancel a queued, paused or running job (a running one stops at its next step and keeps its "
                 "state as a model)",
                 unary(&v1::Siren::Stub::CancelJob), "");
  add_job_action(root, context, "pause",
                 "pause a queued or running job: a running one stops at its next step with its full training "
                 "state saved; `siren resume` continues it exactly",
                 unary(&v1::Siren::Stub::PauseJob), "continue it with: siren resume");
  add_job_action(root, context, "resume", "queue a paused job again; it continues from the step where it stopped",
                 unary(&v1::Siren::Stub::ResumeJob), "follow it with: siren watch");

  auto job_id = std::make_shared<std::string>();
  CLI::App* remove = add_command(
      root, "rm-job",
      "forget a finished or paused job and delete its files (its model stays: `siren rm-model`)", context);
  remove->add_option("job_id", *job_id, "the job, as listed by `siren jobs`")->required()->type_name("JOB_ID");
  remove->callback([job_id, &context] {
    context.action = [job_id, &context] { return run_delete_job(*job_id, context.global); };
  });
}

}  // namespace siren::cli
