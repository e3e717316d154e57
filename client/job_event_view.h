#pragma once
// Shows a job's events as they arrive and turns the last known state into the command's result:
// humans get a progress bar and messages, scripts one JSON line per event and always a final
// {"event":"result",...} line. Remote watches and `fit --local` both feed it, so they look alike.
#include <memory>
#include <string>

#include "output.h"
#include "progress_bar.h"
#include "siren/v1/jobs.pb.h"

namespace siren::cli {

class JobEventView {
 public:
  JobEventView(const Output& output, const std::string& job_id);

  void show(const v1::JobEvent& event);
  // A preview of `step` was written to `path`: {"preview": path, "step": N}, or a line for people.
  void show_preview(const std::string& path, int64_t step);
  bool finished() const;  // a state that ends a watch was seen: a final one, or paused
  const v1::Job& job() const { return job_; }

  // The job ended: result line / summary. 0 only if it SUCCEEDED.
  int conclude();
  // Ctrl-C: the job goes on without us. `reattach` is the command that picks it up again.
  int conclude_detached(const std::string& reattach);
  // The stream broke or never started (RPC error, server gone): what we know, plus the error.
  int conclude_broken(const std::string& error);

 private:
  void show_human(const v1::JobEvent& event);

  const Output& output_;
  v1::Job job_;
  // The final progress of a job may carry no timing (the core reports the last step's figures
  // only), so the summary falls back to the last elapsed time seen.
  double last_elapsed_seconds_ = 0.0;
  std::unique_ptr<ProgressBar> bar_;  // humans only
};

}  // namespace siren::cli
