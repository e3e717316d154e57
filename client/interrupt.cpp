#include "interrupt.h"

#include <csignal>

#include <chrono>

namespace siren::cli {

namespace {
std::atomic<bool> g_interrupted{false};  // lock-free, so safe to set from the handler
struct sigaction g_previous {};

void record_interrupt(int) { g_interrupted.store(true); }
}  // namespace

InterruptScope::InterruptScope(std::function<void()> on_interrupt)
    : on_interrupt_(std::move(on_interrupt)) {
  g_interrupted.store(false);
  struct sigaction action {};
  action.sa_handler = record_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // the second Ctrl-C gets the default: terminate
  sigaction(SIGINT, &action, &g_previous);
  if (on_interrupt_) {
    watcher_ = std::thread([this] {
      while (!stop_.load()) {
        if (g_interrupted.load()) {
          on_interrupt_();
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
}

InterruptScope::~InterruptScope() {
  stop_.store(true);
  if (watcher_.joinable()) watcher_.join();
  sigaction(SIGINT, &g_previous, nullptr);
}

bool InterruptScope::requested() const { return g_interrupted.load(); }

}  // namespace siren::cli
