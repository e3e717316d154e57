#include "job_store.h"

#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "siren/io/files.h"
#include "ids.h"

namespace fs = std::filesystem;

namespace siren::server {

JobStore::JobStore(std::string jobs_dir) : jobs_dir_(std::move(jobs_dir)) { fs::create_directories(jobs_dir_); }

std::string JobStore::dir_of(const std::string& job_id) const { return (fs::path(jobs_dir_) / job_id).string(); }
std::string JobStore::input_path(const std::string& job_id) const { return dir_of(job_id) + "/input.bin"; }
std::string JobStore::resume_path(const std::string& job_id) const { return dir_of(job_id) + "/resume.ckpt"; }
std::string JobStore::checkpoint_dir(const std::string& job_id) const { return dir_of(job_id) + "/checkpoints"; }

void JobStore::create(const std::string& job_id) { fs::create_directories(checkpoint_dir(job_id)); }

void JobStore::remove(const std::string& job_id) {
  std::error_code ignored;
  fs::remove_all(dir_of(job_id), ignored);
}

void JobStore::save(const v1::Job& job) const {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  google::protobuf::util::MessageToJsonString(job, &json, options);
  write_file_atomically(dir_of(job.job_id()) + "/job.json", json);
}

std::vector<v1::Job> JobStore::load_all() const {
  std::vector<v1::Job> jobs;
  for (const auto& entry : fs::directory_iterator(jobs_dir_)) {
    const std::string id = entry.path().filename().string();
    const fs::path record = entry.path() / "job.json";
    if (!entry.is_directory() || !is_valid_id(id) || !fs::exists(record)) continue;
    v1::Job job;
    try {
      auto status = google::protobuf::util::JsonStringToMessage(read_file(record.string()), &job);
      if (!status.ok()) throw std::runtime_error(status.ToString());
      if (job.job_id() != id) throw std::runtime_error("job_id in job.json does not match its directory");
      jobs.push_back(std::move(job));
    } catch (const std::exception& e) {
      spdlog::warn("skipping job {}: {}", id, e.what());
    }
  }
  return jobs;
}

}  // namespace siren::server
