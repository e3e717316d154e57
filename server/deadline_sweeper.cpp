#include "deadline_sweeper.h"

#include <algorithm>

namespace siren::server {
namespace {

// The sweep sleeps until the next deadline, but never longer than this (a wall-clock jump).
constexpr auto kLongestSleep = std::chrono::seconds(5);

}  // namespace

DeadlineSweeper::DeadlineSweeper(std::mutex& mu, std::function<Clock::time_point()> next_deadline,
                                 std::function<void()> expire)
    : mu_(mu), next_deadline_(std::move(next_deadline)), expire_(std::move(expire)) {}

DeadlineSweeper::~DeadlineSweeper() { stop(); }

void DeadlineSweeper::start() { thread_ = std::thread([this] { loop(); }); }

void DeadlineSweeper::deadlines_changed() { changed_.notify_all(); }

void DeadlineSweeper::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void DeadlineSweeper::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    expire_();
    changed_.wait_until(lock, std::min(next_deadline_(), Clock::now() + kLongestSleep));
  }
}

}  // namespace siren::server
