#pragma once
// The queue of QUEUED jobs: bounded (--max-queued), ordered by priority then age, and filtered by what
// each worker's device can run. Not thread-safe: the job manager guards it with its lock.
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "job.h"
#include "rpc_error.h"

namespace siren::server {

class JobQueue {
 public:
  // `max_pack`: the most jobs take_pack_mates makes a pack of, the first included.
  JobQueue(int max_queued, int max_pack);

  int max_queued() const { return max_queued_; }
  int max_pack() const { return max_pack_; }
  // The refusal of a submission when `waiting` jobs wait already, `max_queued` at most.
  static RpcError full(int64_t waiting);
  // Throws RpcError(RESOURCE_EXHAUSTED) when `max_queued` jobs are already waiting.
  void check_space() const;
  void push(std::shared_ptr<Job> job);
  // The job the worker on `device` should run next: highest priority, then oldest, among the jobs whose
  // requested device that worker serves; removed from the queue. nullptr if none.
  // `may_start`: false for a job that must wait (its tenant is at its quota); others behind it go first.
  std::shared_ptr<Job> take_next(const std::string& device, const std::function<bool(const Job&)>& may_start = {});
  // Queued jobs `first` may be trained with as one pack (equal Job::packing keys and priorities, none
  // resuming), oldest first, at most first.packing.max_members - 1 of them; removed from the queue.
  // `may_join`: false for a job that may not (its tenant has a quota, counted job by job).
  std::vector<std::shared_ptr<Job>> take_pack_mates(const Job& first, const std::string& device,
                                                    const std::function<bool(const Job&)>& may_join = {});
  void erase(const std::string& job_id);  // no-op when absent
  size_t size() const { return jobs_.size(); }

 private:
  int max_queued_;
  int max_pack_;
  std::deque<std::shared_ptr<Job>> jobs_;  // in submission order
};

}  // namespace siren::server
