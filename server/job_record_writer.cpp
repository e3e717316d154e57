#include "job_record_writer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace siren::server {
namespace {

// After a failed write (a full disk), the next try waits this long unless a new record arrives.
constexpr auto kRetryInterval = std::chrono::seconds(1);

}  // namespace

JobRecordWriter::JobRecordWriter(Write write) : write_(std::move(write)) {}

JobRecordWriter::~JobRecordWriter() { stop(); }

void JobRecordWriter::start() { thread_ = std::thread([this] { loop(); }); }

void JobRecordWriter::save(const v1::Job& record, const std::vector<v1::JobEvent>& new_events) {
  std::lock_guard<std::mutex> lock(mu_);
  queued_upto_ = next_version_++;
  Entry& entry = queued_[record.job_id()];
  entry.record = record;
  entry.version = queued_upto_;
  entry.events.insert(entry.events.end(), new_events.begin(), new_events.end());
  work_.notify_one();
}

std::optional<v1::Job> JobRecordWriter::pending(const std::string& job_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = queued_.find(job_id);
  if (it == queued_.end()) return std::nullopt;
  return it->second.record;
}

std::vector<v1::Job> JobRecordWriter::all_pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<v1::Job> records;
  for (const auto& [id, entry] : queued_) records.push_back(entry.record);
  return records;
}

void JobRecordWriter::forget(const std::string& job_id) {
  std::unique_lock<std::mutex> lock(mu_);
  queued_.erase(job_id);
  written_.wait(lock, [&] { return !writing_; });
}

void JobRecordWriter::flush() {
  std::unique_lock<std::mutex> lock(mu_);
  if (!thread_.joinable()) return;
  const uint64_t target = queued_upto_;
  written_.wait(lock, [&] { return written_upto_ >= target || stopping_; });
}

void JobRecordWriter::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    work_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

bool JobRecordWriter::write_batch(std::unique_lock<std::mutex>& lock) {
  const std::map<std::string, Entry> batch = queued_;
  const uint64_t upto = queued_upto_;
  writing_ = true;
  lock.unlock();
  struct Saved {
    std::string id;
    uint64_t version;
    size_t events;
  };
  std::vector<Saved> saved;
  bool all_saved = true;
  for (const auto& [id, entry] : batch) {
    try {
      write_(entry.record, entry.events);
      saved.push_back({id, entry.version, entry.events.size()});
    } catch (const std::exception& e) {
      // Still in memory (pending() serves it); only its survival across a restart is at risk until a retry works.
      spdlog::error("cannot save job {}: {}", id, e.what());
      all_saved = false;
    }
  }
  lock.lock();
  for (const Saved& done : saved) {
    auto it = queued_.find(done.id);
    if (it == queued_.end()) continue;
    if (it->second.version == done.version) {
      queued_.erase(it);
    } else {  // replaced meanwhile: its newer record and events are still to write, not those written
      auto& events = it->second.events;
      events.erase(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(std::min(done.events, events.size())));
    }
  }
  writing_ = false;
  written_upto_ = upto;
  written_.notify_all();
  return all_saved;
}

void JobRecordWriter::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  bool retry_later = false;
  for (;;) {
    if (retry_later) {
      work_.wait_for(lock, kRetryInterval, [&] { return stopping_ || queued_upto_ > written_upto_; });
    } else {
      work_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
    }
    if (queued_.empty()) {
      if (stopping_) return;
      retry_later = false;
      continue;
    }
    retry_later = !write_batch(lock);
    if (stopping_ && (queued_.empty() || retry_later)) return;  // stopping: one try for each record
  }
}

}  // namespace siren::server
