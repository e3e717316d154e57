#pragma once
// Saves job records to the job database off the job manager's lock. save() queues a copy (the newest per
// job wins; the kept events given with it are all written, in order, with the record) and returns at once; a thread writes them (each an fsync'd SQLite transaction). Until a record
// is written, pending() still has it, so a lookup never misses a job in between; a record whose write
// failed (a full disk) stays queued and is tried again. flush() waits for what was queued before it: the
// job manager flushes a submission before answering it, so an accepted job survives a crash.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "siren/v1/jobs.pb.h"

namespace siren::server {

class JobRecordWriter {
 public:
  // `write` saves one record and its new events durably or throws (JobStore::save; tests inject failures).
  using Write = std::function<void(const v1::Job&, const std::vector<v1::JobEvent>&)>;
  explicit JobRecordWriter(Write write);
  ~JobRecordWriter();  // stop()

  void start();
  void save(const v1::Job& record, const std::vector<v1::JobEvent>& new_events = {});
  std::optional<v1::Job> pending(const std::string& job_id) const;
  std::vector<v1::Job> all_pending() const;
  // Drops a queued record (the job is being deleted) and waits for a write in flight to end.
  void forget(const std::string& job_id);
  void flush();
  void stop();  // writes what is queued (one try each), then ends the thread

 private:
  struct Entry {
    v1::Job record;
    uint64_t version;
    std::vector<v1::JobEvent> events;  // not written yet, oldest first
  };
  void loop();
  bool write_batch(std::unique_lock<std::mutex>& lock);  // false if a write failed

  Write write_;
  mutable std::mutex mu_;
  std::condition_variable work_, written_;
  std::map<std::string, Entry> queued_;
  uint64_t next_version_ = 1;
  uint64_t queued_upto_ = 0;   // the newest version queued
  uint64_t written_upto_ = 0;  // every version up to this one is written (or was tried and failed)
  bool writing_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace siren::server
