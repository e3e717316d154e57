#pragma once
// The CLI's exit codes. Scripts rely on "0 means it worked": a fit that ended in any state but
// SUCCEEDED, or any RPC that failed, is 1; a command line CLI11 rejects is 2.

namespace siren::cli {

enum ExitCode : int {
  kExitSuccess = 0,
  kExitFailure = 1,   // RPC error, failed/cancelled/interrupted job, unreadable/unwritable file
  kExitUsage = 2,     // bad command line
  kExitDetached = 130 // Ctrl-C while following a job: we detached, the job keeps running
};

}  // namespace siren::cli
