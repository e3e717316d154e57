#pragma once
// `siren watch` and a watching `siren fit`: stream WatchJob into a JobEventView until the job ends,
// the stream breaks, or Ctrl-C detaches (which only closes our stream; the job goes on).
#include <string>

#include "connection.h"
#include "output.h"

namespace siren::cli {

// Returns the exit code: 0 succeeded, 1 failed/cancelled/interrupted/RPC error, 130 detached.
int follow_job(Connection& connection, const std::string& job_id, const Output& output);

}  // namespace siren::cli
