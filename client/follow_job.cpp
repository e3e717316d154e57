#include "follow_job.h"

#include <optional>

#include "interrupt.h"
#include "job_event_view.h"
#include "json_views.h"
#include "rpc_error.h"

namespace siren::cli {

int follow_job(Connection& connection, const std::string& job_id, const Output& output,
               const PreviewOptions& previews) {
  // Created before watching, so an unusable directory fails the command before anything else.
  std::optional<PreviewWriter> preview_writer;
  if (previews.enabled()) preview_writer.emplace(previews.directory);
  JobEventView view(output, job_id);
  auto context = connection.context(std::nullopt);  // a fit may take hours: no deadline
  // Declared after `context`, so it is gone before the context it cancels.
  InterruptScope interrupt([&context] { context->TryCancel(); });

  v1::WatchJobRequest request;
  request.set_job_id(job_id);
  if (previews.enabled()) *request.mutable_preview() = previews.request();
  auto reader = connection.stub().WatchJob(context.get(), request);
  v1::JobEvent event;
  while (reader->Read(&event)) {
    if (event.type() != v1::JobEvent::TYPE_PREVIEW) {
      view.show(event);
    } else if (preview_writer) {  // a preview nobody asked for is dropped
      view.show_preview(preview_writer->write(event.preview()), event.preview().step());
    }
  }
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
