#pragma once
// The job queue: accepts validated fits, runs them on worker threads (each bound to a device: one GPU,
// or the CPU), records each job's events,
// and lets watchers wait for new ones. Knows nothing about gRPC or about what a task is.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "job.h"
#include "job_store.h"
#include "siren/progress.h"

namespace siren {
struct FitResult;
}

namespace siren::server {

class Metrics;
class ModelStore;

class JobManager {
 public:
  // One worker thread per entry of `worker_devices` ("cpu", "cuda:N"; a device may appear more than
  // once). `max_queued`: submissions beyond this many QUEUED jobs are refused (RESOURCE_EXHAUSTED).
  // `threads_per_worker`: the CPU threads each worker's fits use (siren::set_this_thread_threads); 0 =
  // the process's count.
  JobManager(std::string jobs_dir, std::vector<std::string> worker_devices, int max_queued, ModelStore& models,
             Metrics& metrics, int threads_per_worker = 0);
  ~JobManager();  // stop() then join the workers

  // Loads saved jobs (QUEUED ones go back in the queue, RUNNING ones too, to continue from their
  // newest checkpoint; PAUSED ones wait for resume()), then starts the workers.
  void start();

  // `spec` is what the client sent (for name/filename), `config` its validated resolution, `options`
  // checked by the caller. A known options.request_id returns that job (ALREADY_EXISTS if its spec
  // differs). Throws RpcError(UNAVAILABLE) while draining, RpcError(RESOURCE_EXHAUSTED) when the
  // queue is full, InvalidInput for a bad resume checkpoint.
  v1::Job submit(const v1::FitSpec& spec, const FitConfig& config, const v1::JobOptions& options,
                 const std::string& input, const std::string& resume_checkpoint);

  v1::Job get(const std::string& job_id) const;  // throws NotFound
  std::vector<v1::Job> list() const;             // oldest first
  // QUEUED -> CANCELLED now; RUNNING -> asks the fit to stop (it ends CANCELLED within a step);
  // finished jobs are returned unchanged. Throws NotFound.
  v1::Job cancel(const std::string& job_id);
  // QUEUED -> PAUSED now; RUNNING -> asks the fit to stop (it ends PAUSED within a step, its state
  // saved as a checkpoint of the job). Throws NotFound, RpcError(FAILED_PRECONDITION) when finished.
  v1::Job pause(const std::string& job_id);
  // PAUSED -> QUEUED, to continue from where it stopped; QUEUED/RUNNING are returned unchanged.
  // Throws NotFound, RpcError(FAILED_PRECONDITION) when finished, RESOURCE_EXHAUSTED when full.
  v1::Job resume(const std::string& job_id);
  // Forgets a finished or paused job and deletes its directory (its model stays in the model store).
  // Throws NotFound, RpcError(FAILED_PRECONDITION) for a queued or running job.
  void remove(const std::string& job_id);

  // Watching: snapshot() gives the job now and the sequence number of its next event;
  // wait_events() returns the events from *next_seq on (advancing it), waiting up to `timeout` for
  // at least one. Returns empty on timeout or once the manager is stopped.
  v1::Job snapshot(const std::string& job_id, int64_t* next_seq) const;
  std::vector<v1::JobEvent> wait_events(const std::string& job_id, int64_t* next_seq,
                                        std::chrono::milliseconds timeout) const;

  // Draining: no new submissions, running fits are asked to stop (they checkpoint and end
  // INTERRUPTED), queued jobs stay QUEUED on disk for the next start.
  void begin_drain();
  bool draining() const;
  // True once no fit is running, false if `deadline` came first.
  bool wait_until_idle(std::chrono::steady_clock::time_point deadline) const;
  // Wakes every watcher and lets the workers exit. Does not wait for a running fit.
  void stop();
  bool stopped() const;

 private:
  std::shared_ptr<Job> find_locked(const std::string& job_id) const;  // throws NotFound
  void check_queue_space_locked() const;                              // throws RESOURCE_EXHAUSTED
  void enqueue_locked(Job& job);
  // The next job the worker on `device` should run: highest priority, then oldest, among the jobs
  // whose requested device that worker serves; nullptr if none.
  std::shared_ptr<Job> take_next_locked(const std::string& device);
  // Throws InvalidInput when no worker of this server could ever run a fit asking for `requested`.
  void check_device_served(const std::string& requested) const;
  // Queued (and paused) jobs whose deadline has passed fail now rather than when a worker frees up.
  void expire_overdue_locked();
  static bool deadline_passed(const Job& job);
  void worker_loop(const std::string& device);
  void run(const std::shared_ptr<Job>& job, const std::string& device);  // job_worker.cpp
  void finish(const std::shared_ptr<Job>& job, const FitResult& result, const std::string& model_id);
  void fail(const std::shared_ptr<Job>& job, const std::string& error, const std::string& model_id);
  void on_progress(Job& job, const Progress& progress);
  void on_checkpoint(Job& job, int64_t step);
  bool should_stop(const Job& job) const;

  // Moves the job to `state` (metrics, log, job database) and records an event of `type`.
  void transition_locked(Job& job, v1::JobState state, v1::JobEvent::Type type, const std::string& message);
  void emit_locked(Job& job, v1::JobEvent::Type type, const std::string& message, int64_t checkpoint_step = 0);
  void persist_locked(const Job& job) const;

  JobStore store_;
  std::vector<std::string> worker_devices_;
  int max_queued_;
  int threads_per_worker_;
  ModelStore& models_;
  Metrics& metrics_;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;  // any event, queue change, drain or stop
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::deque<std::string> queue_;                      // QUEUED job ids, in submission order
  std::map<std::string, std::string> request_ids_;     // JobOptions.request_id -> job_id
  int running_ = 0;
  std::chrono::steady_clock::time_point last_deadline_sweep_{};
  std::atomic<bool> draining_{false};
  std::atomic<bool> stopped_{false};
  std::vector<std::thread> workers_;
};

}  // namespace siren::server
