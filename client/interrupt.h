#pragma once
// Ctrl-C while following a job means "stop following" (the job keeps running on the server; a
// local fit checkpoints and stops), not "die mid-line". A second Ctrl-C kills as usual.
#include <atomic>
#include <functional>
#include <thread>

namespace siren::cli {

class InterruptScope {
 public:
  // Installs a SIGINT handler that only records the request; `on_interrupt` (optional) then runs
  // on a helper thread, where it may do what a signal handler may not (e.g. cancel an RPC).
  explicit InterruptScope(std::function<void()> on_interrupt = nullptr);
  ~InterruptScope();  // restores the previous handler
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  bool requested() const;

 private:
  std::function<void()> on_interrupt_;
  std::atomic<bool> stop_{false};
  std::thread watcher_;
};

}  // namespace siren::cli
