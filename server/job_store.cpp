#include "job_store.h"

#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <stdexcept>

#include "ids.h"
#include "job_events.h"
#include "siren/io/files.h"

namespace fs = std::filesystem;

namespace siren::server {

JobStore::JobStore(std::string jobs_dir, const std::string& database_url, bool exclusive)
    : jobs_dir_(std::move(jobs_dir)) {
  fs::create_directories(jobs_dir_);
  db_ = open_job_database(database_url, database_path(), exclusive);
}

std::string JobStore::dir_of(const std::string& job_id) const { return (fs::path(jobs_dir_) / job_id).string(); }
std::string JobStore::input_path(const std::string& job_id) const { return dir_of(job_id) + "/input.bin"; }
std::string JobStore::resume_path(const std::string& job_id) const { return dir_of(job_id) + "/resume.ckpt"; }
std::string JobStore::checkpoint_dir(const std::string& job_id) const { return dir_of(job_id) + "/checkpoints"; }
std::string JobStore::database_path() const { return (fs::path(jobs_dir_) / "jobs.db").string(); }

void JobStore::create(const std::string& job_id) { fs::create_directories(checkpoint_dir(job_id)); }

void JobStore::remove(const std::string& job_id) {
  db_->remove(job_id);
  std::error_code ignored;
  fs::remove_all(dir_of(job_id), ignored);
}

void JobStore::save(const v1::Job& job, const std::vector<v1::JobEvent>& events) const { db_->save(job, events); }

std::vector<v1::JobEvent> JobStore::events_after(const std::string& job_id, int64_t after) const {
  return db_->events_after(job_id, after, kMaxReplayedEvents);
}

void JobStore::import_legacy_json() const {
  for (const auto& entry : fs::directory_iterator(jobs_dir_)) {
    const std::string id = entry.path().filename().string();
    const fs::path legacy = entry.path() / "job.json";
    if (!entry.is_directory() || !is_valid_id(id) || !fs::exists(legacy)) continue;
    v1::Job job;
    auto status = google::protobuf::util::JsonStringToMessage(read_file(legacy.string()), &job);
    if (!status.ok() || job.job_id() != id) {
      spdlog::warn("not importing {}: {}", legacy.string(), status.ok() ? "job_id does not match" : status.ToString());
      continue;
    }
    save(job);
    fs::remove(legacy);
    spdlog::info("imported job {} from {} into {}", id, legacy.string(), database_name());
  }
}

std::vector<v1::Job> JobStore::load_all() const {
  import_legacy_json();
  return db_->load_all();
}

std::optional<v1::Job> JobStore::load(const std::string& job_id) const { return db_->load(job_id); }

}  // namespace siren::server
