#pragma once
// Where jobs live. The records (state, settings, options, progress, model id, last checkpoint step) are
// rows of the job database (job_database.h): by default an SQLite file, <data-dir>/jobs/jobs.db, or the
// PostgreSQL database of `--database`. The bulky files stay in the data directory:
// <data-dir>/jobs/<job_id>/{input.bin, resume.ckpt, checkpoints/}.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "job_database.h"
#include "siren/v1/jobs.pb.h"

namespace siren::server {

class JobStore {
 public:
  // Opens (or creates) the database: `database_url` (open_job_database), or the embedded one in
  // `jobs_dir` when empty; throws std::runtime_error naming it if it can't.
  // `exclusive`: one server per database (PostgreSQL; false for a fleet's replicas, which share one).
  explicit JobStore(std::string jobs_dir, const std::string& database_url = "", bool exclusive = true);
  JobStore(const JobStore&) = delete;
  JobStore& operator=(const JobStore&) = delete;

  std::string dir_of(const std::string& job_id) const;
  std::string input_path(const std::string& job_id) const;
  std::string resume_path(const std::string& job_id) const;
  std::string checkpoint_dir(const std::string& job_id) const;
  std::string database_path() const;  // the embedded database's file (used or not)
  std::string database_name() const { return db_->describe(); }

  void create(const std::string& job_id);  // the directory and checkpoints/
  void remove(const std::string& job_id);  // the record and the directory; best effort for the files
  // Insert or replace, with the job's new kept events (job_events.h); durable when it returns.
  void save(const v1::Job& job, const std::vector<v1::JobEvent>& events = {}) const;
  // The job's kept events numbered above `after`, oldest first (the newest kMaxReplayedEvents).
  std::vector<v1::JobEvent> events_after(const std::string& job_id, int64_t after) const;
  // Every readable record, oldest first. Records that do not parse are logged and skipped. A data
  // directory from before the database (a job.json per job) is imported on the way.
  std::vector<v1::Job> load_all() const;
  // One record; nullopt when there is none (or it does not parse).
  std::optional<v1::Job> load(const std::string& job_id) const;

 private:
  void import_legacy_json() const;

  std::string jobs_dir_;
  std::unique_ptr<JobDatabase> db_;
};

}  // namespace siren::server
