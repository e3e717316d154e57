#pragma once
// Job files on disk: <data-dir>/jobs/<job_id>/{job.json, input.bin, resume.ckpt, checkpoints/}.
// job.json is rewritten on every state change so the job list survives restarts.
#include <string>
#include <vector>

#include "siren/v1/jobs.pb.h"

namespace siren::server {

class JobStore {
 public:
  explicit JobStore(std::string jobs_dir);

  std::string dir_of(const std::string& job_id) const;
  std::string input_path(const std::string& job_id) const;
  std::string resume_path(const std::string& job_id) const;
  std::string checkpoint_dir(const std::string& job_id) const;

  void create(const std::string& job_id);  // the directory and checkpoints/
  void remove(const std::string& job_id);  // best effort
  void save(const v1::Job& job) const;
  // Every readable job.json; unreadable ones are logged and skipped.
  std::vector<v1::Job> load_all() const;

 private:
  std::string jobs_dir_;
};

}  // namespace siren::server
