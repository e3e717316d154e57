#pragma once
// `siren watch` and a watching `siren fit`: stream WatchJob into a JobEventView until the job ends,
// the stream breaks, or Ctrl-C detaches (which only closes our stream; the job goes on). A fleet's job
// is watched again when the replica serving the watch goes (for up to two minutes).
#include <string>

#include "connection.h"
#include "output.h"
#include "previews.h"

namespace siren::cli {

// Returns the exit code: 0 succeeded, 1 failed/cancelled/interrupted/RPC error, 130 detached.
// With `previews` enabled, the server's renderings are written there as they arrive. `after_sequence` > 0
// resumes an earlier watch: the job's kept events after that number come first (WatchJobRequest).
int follow_job(Connection& connection, const std::string& job_id, const Output& output,
               const PreviewOptions& previews = {}, int64_t after_sequence = 0);

}  // namespace siren::cli
