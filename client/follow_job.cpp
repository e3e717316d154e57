#include "follow_job.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "interrupt.h"
#include "job_event_view.h"
#include "json_views.h"
#include "rpc_error.h"

namespace siren::cli {

namespace {

// A fleet's replica may go (a node lost, a rolling update) while it serves a watch: the watch starts again,
// through whichever replica the address reaches now, for this long after the stream broke.
constexpr auto kRewatchWindow = std::chrono::seconds(120);

}  // namespace

int follow_job(Connection& connection, const std::string& job_id, const Output& output,
               const PreviewOptions& previews, int64_t after_sequence) {
  // Created before watching, so an unusable directory fails the command before anything else.
  std::optional<PreviewWriter> preview_writer;
  if (previews.enabled()) preview_writer.emplace(previews.directory);
  JobEventView view(output, job_id);
  v1::WatchJobRequest request;
  request.set_job_id(job_id);
  if (previews.enabled()) *request.mutable_preview() = previews.request();

  std::optional<std::chrono::steady_clock::time_point> broke_at;
  int64_t seen_sequence = after_sequence;  // the newest kept event seen: a watch started again resumes after it
  for (auto pause = std::chrono::milliseconds(250);; pause = std::min(pause * 2, std::chrono::milliseconds(4000))) {
    auto context = connection.context(std::nullopt);  // a fit may take hours: no deadline
    // Declared after `context`, so it is gone before the context it cancels.
    InterruptScope interrupt([&context] { context->TryCancel(); });
    request.set_after_sequence(seen_sequence);
    auto reader = connection.stub().WatchJob(context.get(), request);
    v1::JobEvent event;
    while (reader->Read(&event)) {
      seen_sequence = std::max(seen_sequence, event.sequence());
      if (event.type() != v1::JobEvent::TYPE_PREVIEW) {
        view.show(event);
      } else if (preview_writer) {  // a preview nobody asked for is dropped
        view.show_preview(preview_writer->write(event.preview()), event.preview().step());
      }
    }
    const grpc::Status status = reader->Finish();

    if (view.finished()) return view.conclude();
    if (interrupt.requested()) return view.conclude_detached("siren watch " + job_id);
    // A job of a fleet names the replica running it; the others can serve the watch as well, and send the
    // events this one missed meanwhile (after_sequence).
    const bool fleet_job = !view.job().replica().empty();
    if (fleet_job && status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      const auto now = std::chrono::steady_clock::now();
      if (!broke_at) {
        broke_at = now;
        output.note("the replica serving this watch went away (" + status.error_message() + "); watching again");
      }
      if (now - *broke_at < kRewatchWindow) {
        std::this_thread::sleep_for(pause);
        continue;
      }
    }
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
}

}  // namespace siren::cli
