#pragma once
// Where jobs live on disk. The records (state, settings, options, progress, model id, last checkpoint
// step) are rows of an SQLite database, <data-dir>/jobs/jobs.db, written in one transaction per change
// (WAL, synchronous=FULL), so a kill -9 or a power loss never leaves a half-written record. The bulky
// files stay beside it: <data-dir>/jobs/<job_id>/{input.bin, resume.ckpt, checkpoints/}.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "siren/v1/jobs.pb.h"

struct sqlite3;

namespace siren::server {

class JobStore {
 public:
  // Opens (or creates) the database; throws std::runtime_error with SQLite's message if it can't.
  explicit JobStore(std::string jobs_dir);
  ~JobStore();
  JobStore(const JobStore&) = delete;
  JobStore& operator=(const JobStore&) = delete;

  std::string dir_of(const std::string& job_id) const;
  std::string input_path(const std::string& job_id) const;
  std::string resume_path(const std::string& job_id) const;
  std::string checkpoint_dir(const std::string& job_id) const;
  std::string database_path() const;

  void create(const std::string& job_id);  // the directory and checkpoints/
  void remove(const std::string& job_id);  // the record and the directory; best effort for the files
  void save(const v1::Job& job) const;     // insert or replace; durable when it returns
  // Every readable record, oldest first. Records that do not parse are logged and skipped. A data
  // directory from before the database (a job.json per job) is imported on the way.
  std::vector<v1::Job> load_all() const;
  // One record; nullopt when there is none (or it does not parse).
  std::optional<v1::Job> load(const std::string& job_id) const;

 private:
  void import_legacy_json() const;
  void exec(const char* sql) const;

  std::string jobs_dir_;
  sqlite3* db_ = nullptr;
  mutable std::mutex mu_;  // one connection; statements are short
};

}  // namespace siren::server
