#include "follow_job.h"

#include "interrupt.h"
#include "job_event_view.h"
#include "json_views.h"
#include "rpc_error.h"

namespace siren::cli {

int follow_job(Connection& connection, const std::string& job_id, const Output& output) {
  JobEventView view(output, job_id);
  auto context = connection.context(std::nullopt);  // a fit may take hours: no deadline
  // Declared after `context`, so it is gone before the context it cancels.
  InterruptScope interrupt([&context] { context->TryCancel(); });

  v1::WatchJobRequest request;
  request.set_job_id(job_id);
  auto reader = connection.stub().WatchJob(context.get(), request);
  v1::JobEvent event;
  while (reader->Read(&event)) view.show(event);
  const grpc::Status status = reader->Finish();

  if (view.finished()) return view.conclude();
  if (interrupt.requested()) return view.conclude_detached("siren watch " + job_id);
  if (view.job().state() == v1::JOB_STATE_QUEUED && view.job().progress().step() > 0) {
    // The server drained (a restart, an update): the job waits, checkpointed, for the next start.
    return view.conclude_broken("the server stopped; the job is queued to continue from step " +
                                std::to_string(view.job().progress().step()) + " when it is back (siren watch " +
                                job_id + ")");
  }
  if (!status.ok()) return view.conclude_broken(RpcError(status).what());
  return view.conclude_broken("the server ended the watch before the job finished (state " +
                              state_name(view.job().state()) + ")");
}

}  // namespace siren::cli
