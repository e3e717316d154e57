#pragma once
// The job queue: accepts validated fits, runs them on worker threads (each bound to a device: one GPU,
// or the CPU), records each job's events,
// and lets watchers wait for new ones. Knows nothing about gRPC or about what a task is.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "deadline_sweeper.h"
#include "fleet_member.h"
#include "job.h"
#include "job_queue.h"
#include "job_record_writer.h"
#include "job_watcher.h"
#include "remote_watches.h"
#include "request_id_index.h"
#include "job_store.h"
#include "siren/progress.h"

namespace siren {
struct FitCallbacks;
struct FitResult;
}

namespace siren::server {

class FitTelemetry;
class Metrics;
class ModelStore;

class JobManager {
 public:
  // Job files go in `jobs_dir`, records in the database `database_url` names (JobStore; "" = embedded).
  // One worker thread per entry of `worker_devices` ("cpu", "cuda:N"; a device may appear more than
  // once). `max_queued`: submissions beyond this many QUEUED jobs are refused (RESOURCE_EXHAUSTED).
  // `threads_per_worker`: the CPU threads each worker's fits use (siren::set_this_thread_threads); 0 =
  // the process's count. `max_pack`: how many queued small fits a worker may train together (1 = none).
  // `fleet`: this server is one replica of a fleet (fleet_member.h; database_url is then the shared
  // PostgreSQL): its workers claim queued jobs from the database instead of a queue in memory, and jobs
  // another replica runs are read, watched and controlled through the database.
  JobManager(std::string jobs_dir, const std::string& database_url, std::vector<std::string> worker_devices,
             int max_queued, ModelStore& models, Metrics& metrics, int threads_per_worker = 0, int max_pack = 1,
             std::optional<FleetOptions> fleet = std::nullopt);
  ~JobManager();  // stop() then join the workers

  // Loads saved jobs into memory only (QUEUED ones go back in the queue, RUNNING ones too, to continue
  // from their newest checkpoint; PAUSED ones wait for resume()). Writes nothing: the server calls it
  // before it has bound its port, and a server that cannot listen must leave the data dir untouched.
  void recover();
  // Saves what recover() changed (a RUNNING job left by a crash is QUEUED again), then starts the
  // workers and the deadline sweep.
  // `on_database_health` (a fleet's replica): told when the shared database becomes unreachable or back.
  void start(std::function<void(bool)> on_database_health = {});

  // `spec` is what the client sent (for name/filename), `config` its validated resolution, `options`
  // checked by the caller. A known options.request_id returns that job (ALREADY_EXISTS if its spec
  // differs). Throws RpcError(UNAVAILABLE) while draining, RpcError(RESOURCE_EXHAUSTED) when the
  // queue is full, InvalidInput for a bad resume checkpoint. `check_prepared` sees the config the fit will
  // run (a fit counted in epochs has its steps only once the task is built) and may throw to refuse it.
  using PreparedCheck = std::function<void(const FitConfig& prepared)>;
  // `tenant`: whose job it is (the caller's token's tenant; "" = none), for its quota.
  v1::Job submit(const v1::FitSpec& spec, const FitConfig& config, const v1::JobOptions& options,
                 const std::string& input, const std::string& resume_checkpoint,
                 const PreparedCheck& check_prepared = {}, const std::string& tenant = "");
  // At most quotas[t] jobs of tenant t RUNNING at once (in a fleet: across all its replicas). Before start().
  void set_tenant_quotas(const std::map<std::string, int>& quotas);

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

  // Watching: returns the job now and, unless its state already ends a watch, registers `watcher` for
  // every event of this job from then on (no event between the snapshot and the first push is lost).
  // `after_sequence` > 0 resumes a watch that saw the kept events up to that number: `missed` has those
  // after it, up to the snapshot's (the later ones are pushed). Throws NotFound. unwatch() must be called
  // before the watcher is destroyed; it is safe for a job that was deleted or a watcher never registered.
  struct WatchStart {
    v1::Job snapshot;
    std::vector<v1::JobEvent> missed;  // oldest first
  };
  WatchStart watch(const std::string& job_id, JobWatcher* watcher, int64_t after_sequence = 0);
  void unwatch(const std::string& job_id, JobWatcher* watcher);

  // Draining: no new submissions, running fits are asked to stop (they checkpoint and go back to
  // QUEUED, to continue from there after the restart), queued jobs stay QUEUED on disk.
  void begin_drain();
  std::string database_name() const { return store_.database_name(); }  // where the records are, for logs
  bool draining() const;
  // True once no fit is running, false if `deadline` came first.
  bool wait_until_idle(std::chrono::steady_clock::time_point deadline) const;
  // Ends every watch, lets the workers exit and writes the queued job records. Does not wait for a
  // running fit.
  void stop();
  bool stopped() const;

 private:
  // The job: a live one (queued, running, paused) from memory, a finished one from the job database as a
  // detached copy (changing it changes nothing). Throws NotFound.
  std::shared_ptr<Job> find_locked(const std::string& job_id) const;
  // A job that reached a final state and is saved leaves memory: a server that has run thousands of jobs
  // holds only the live ones.
  void retire_locked(const Job& job);
  void enqueue_locked(const std::shared_ptr<Job>& job);
  void dequeue_locked(const std::string& job_id);
  // The job `request_id` names, if it asks for the same fit; throws ALREADY_EXISTS if it asks for another.
  std::optional<v1::Job> idempotent_match_locked(const std::string& request_id, const v1::FitSpec& spec) const;
  // Throws ALREADY_EXISTS unless `existing` (the job of a request_id) asks for `spec`.
  static void require_same_fit(const v1::Job& existing, const v1::FitSpec& spec);
  // Throws InvalidInput when no worker of this server could ever run a fit asking for `requested`.
  void check_device_served(const std::string& requested) const;
  // Queued (and paused) jobs whose deadline has passed fail now rather than when a worker frees up.
  void expire_overdue_locked();
  // When the next queued or paused job's deadline comes; time_point::max() if none has one.
  std::chrono::system_clock::time_point next_deadline_locked() const;
  static bool deadline_passed(const Job& job);
  void worker_loop(const std::string& device);
  void run(const std::shared_ptr<Job>& job, const std::string& device);  // job_worker.cpp
  // Several queued jobs of one packing key trained as one pack (packed_fit.h); each ends on its own.
  void run_pack(const std::vector<std::shared_ptr<Job>>& jobs, const std::string& device);  // job_worker.cpp
  // Whether a job of `tenant` may start now (its quota; a lone server's count).
  bool may_start_locked(const std::string& tenant) const;
  // The jobs a worker on `device` takes next: one, or a pack; each marked RUNNING. Empty once draining.
  std::vector<std::shared_ptr<Job>> take_work(const std::string& device);
  // The fit's callbacks into this job: progress, checkpoints, stop requests, previews.
  FitCallbacks fit_callbacks(const std::shared_ptr<Job>& job, FitTelemetry& telemetry);
  void finish(const std::shared_ptr<Job>& job, const FitResult& result, const std::string& model_id);
  // The job's end (or its pause, or its return to the queue on a drain) in its record; true when it
  // ended and `model_id` (if any) is its model.
  bool record_outcome_locked(Job& job, const FitResult& result, StopReason reason, const std::string& model_id,
                             const std::optional<std::string>& kept);
  // A fleet's replica publishes a finished run's model once the record that names it is saved, fenced.
  void publish_after_record(const Job& job, const std::string& model_id);
  // A stopped fit's saved state becomes the job's newest checkpoint, to continue from; the path, or
  // nullopt when the fit saved none.
  std::optional<std::string> keep_as_job_checkpoint(const Job& job, const std::string& model_id, int64_t step);
  void fail(const std::shared_ptr<Job>& job, const std::string& error, const std::string& model_id);
  // Moves the job's newest periodic checkpoint into the model store (as `model_id`, or a new model when
  // empty); the model id, or "" when there is none or it cannot be moved.
  std::string keep_last_checkpoint_as_model(const Job& job, std::string model_id);
  void on_progress(Job& job, const Progress& progress);
  void on_checkpoint(Job& job, int64_t step);
  // Previews (WatchJobRequest.preview): the side asked for when one is due for `job`'s watchers, else 0;
  // then the rendered PNG goes to the watchers that asked.
  int preview_side_due(Job& job);
  void publish_preview(Job& job, int64_t step, const std::string& png);
  // Why the running fit should stop now, recorded in the job for finish(); StopReason::None to go on.
  StopReason should_stop(Job& job) const;

  // Fleet (job_fleet.cpp). The job a worker on `device` claims from the shared database, now this
  // replica's, with the small fits that share its steps (a pack, as a local queue's); empty when there is
  // none. Unlocks `lock` while it asks the database.
  std::vector<std::shared_ptr<Job>> claim_from_fleet(std::unique_lock<std::mutex>& lock, const std::string& device);
  // A claimed record as this replica's job, ready to run; nullptr (the job FAILED) when it cannot run here.
  std::shared_ptr<Job> adopt_claimed_locked(v1::Job claimed);
  // A validated new job into the fleet's database, once per request_id across the replicas: the job as
  // accepted, or the one its request_id made before. Throws UNAVAILABLE when the database is out of reach.
  v1::Job submit_to_fleet(Job& job);
  // The newest state a job saved, to continue from: a periodic checkpoint, else its resume checkpoint.
  std::optional<std::string> newest_saved_state(const std::string& job_id) const;
  // Cancel, pause or resume of a job this replica does not run, through the database; nullopt when the
  // job runs here (the local path handles it).
  enum class FleetControl { Cancel, Pause, Resume };
  std::optional<v1::Job> control_in_fleet(const std::string& job_id, FleetControl action);
  void on_stop_request(const std::string& job_id, StopRequest request);
  // records_' write: a record of a run this replica owns is fenced (a superseded run's is dropped, and
  // the run is stopped); any other is saved as it is.
  void write_record(const v1::Job& record, const std::vector<v1::JobEvent>& events);
  bool superseded(const v1::Job& record) const;  // this run of it (its attempt) was superseded
  // Whether this run still owns the job, asked before its checkpoint of `step` shows: a superseded run's
  // (or one that cannot tell, the database out of reach) is not kept.
  bool may_keep_checkpoint(Job& job, int64_t step);
  // Notes that this run of the job (record's attempt) was superseded, and logs it once; it stops at its next step.
  void note_superseded(const v1::Job& record);
  // A superseded run ends without a trace: its model goes, its watchers follow the job in the database.
  void drop_superseded(const std::shared_ptr<Job>& job, const std::string& model_id);
  static std::string finished_job_message(const v1::Job& job, const std::string& action, const std::string& allowed);

  // Moves the job to `state` (metrics, log, job database) and records an event of `type`.
  void transition_locked(Job& job, v1::JobState state, v1::JobEvent::Type type, const std::string& message);
  void emit_locked(Job& job, v1::JobEvent::Type type, const std::string& message, int64_t checkpoint_step = 0);
  void close_watchers_locked(Job& job, const grpc::Status& status);
  void watchers_changed_locked(Job& job);  // recounts job.preview_watchers
  v1::Job register_watcher(const std::string& job_id, JobWatcher* watcher);  // watch() without the replay
  // Queued for records_ with the job's unsaved kept events; saved by start() when called before it.
  void persist_locked(Job& job);

  JobStore store_;
  JobRecordWriter records_;  // after store_: it goes first, writing what is queued
  std::vector<std::string> worker_devices_;
  int threads_per_worker_;
  ModelStore& models_;
  Metrics& metrics_;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;  // the queue or the running count changed, a drain or stop
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::map<std::string, int> tenant_quotas_;  // a lone server's; a fleet's are in its database
  JobQueue queue_;
  RequestIdIndex request_ids_;
  std::set<std::string> deleting_;  // jobs whose files remove() is deleting, without the lock
  int running_ = 0;
  bool saving_ = false;                               // start() has run: persist_locked writes
  std::vector<std::string> recovered_unsaved_;        // jobs recover() changed in memory, saved by start()
  DeadlineSweeper deadline_sweeper_;  // after mu_ and jobs_: it stops before they go
  std::unique_ptr<FleetMember> fleet_;             // set in a fleet
  std::unique_ptr<RemoteWatches> remote_watches_;  // set in a fleet
  mutable std::mutex superseded_mu_;
  std::map<std::string, int> superseded_;  // job -> its attempt here that another replica took over (fleet)
  std::atomic<bool> draining_{false};
  std::atomic<bool> stopped_{false};
  std::vector<std::thread> workers_;
};

}  // namespace siren::server
