#pragma once
// The thread that fails queued and paused jobs when their deadline passes, on time even while every
// worker is busy: it sleeps until the next deadline (or a change), then asks the job manager to expire
// what is overdue. It shares the manager's lock, under which both callbacks run.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace siren::server {

class DeadlineSweeper {
 public:
  using Clock = std::chrono::system_clock;
  // `next_deadline`: when the next queued or paused job's deadline comes (time_point::max() if none);
  // `expire`: fails the overdue ones. Both are called with `mu` held.
  DeadlineSweeper(std::mutex& mu, std::function<Clock::time_point()> next_deadline, std::function<void()> expire);
  ~DeadlineSweeper();  // stop()s and joins

  void start();
  void deadlines_changed();  // a job with a deadline was queued: call with `mu` held
  void stop();               // call without `mu` held

 private:
  void loop();

  std::mutex& mu_;
  std::function<Clock::time_point()> next_deadline_;
  std::function<void()> expire_;
  std::condition_variable changed_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace siren::server
