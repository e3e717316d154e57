#include "job_queue.h"

#include <algorithm>

#include "rpc_error.h"
#include "siren/runtime.h"

namespace siren::server {

JobQueue::JobQueue(int max_queued, int max_pack) : max_queued_(std::max(max_queued, 1)), max_pack_(std::max(max_pack, 1)) {}

RpcError JobQueue::full(int64_t waiting) {
  return RpcError(grpc::StatusCode::RESOURCE_EXHAUSTED, "the queue is full (" + std::to_string(waiting) +
                                                            " jobs waiting; server flag --max-queued); retry once "
                                                            "some have started");
}

void JobQueue::check_space() const {
  if (static_cast<int>(jobs_.size()) >= max_queued_) throw full(static_cast<int64_t>(jobs_.size()));
}

void JobQueue::push(std::shared_ptr<Job> job) { jobs_.push_back(std::move(job)); }

std::shared_ptr<Job> JobQueue::take_next(const std::string& device, const std::function<bool(const Job&)>& may_start) {
  auto best = jobs_.end();
  int best_priority = -1;
  for (auto it = jobs_.begin(); it != jobs_.end(); ++it) {
    if (!worker_accepts(device, (*it)->config.train.device)) continue;
    if (may_start && !may_start(**it)) continue;
    const int priority = (*it)->record.options().priority();
    if (priority > best_priority) {  // strictly greater: the oldest wins among equals
      best_priority = priority;
      best = it;
    }
  }
  if (best == jobs_.end()) return nullptr;
  auto job = *best;
  jobs_.erase(best);
  return job;
}

std::vector<std::shared_ptr<Job>> JobQueue::take_pack_mates(const Job& first, const std::string& device,
                                                           const std::function<bool(const Job&)>& may_join) {
  std::vector<std::shared_ptr<Job>> mates;
  if (first.packing.key.empty() || first.resume_path) return mates;
  // Of the same priority only: a pack's step costs each member the others' work, which a higher-priority job
  // must not pay for lower ones (they run after it, as without packing).
  const int priority = first.record.options().priority();
  for (const auto& job : jobs_)
    if (job->packing.key == first.packing.key && !job->resume_path && job->record.options().priority() == priority &&
        worker_accepts(device, job->config.train.device) && (!may_join || may_join(*job)))
      mates.push_back(job);  // oldest first
  const int64_t pack = std::min<int64_t>(first.packing.max_members, max_pack_);
  if (static_cast<int64_t>(mates.size()) >= pack) mates.resize(pack - 1);
  for (const auto& mate : mates) erase(mate->record.job_id());
  return mates;
}

void JobQueue::erase(const std::string& job_id) {
  jobs_.erase(std::remove_if(jobs_.begin(), jobs_.end(),
                             [&](const std::shared_ptr<Job>& job) { return job->record.job_id() == job_id; }),
              jobs_.end());
}

}  // namespace siren::server
