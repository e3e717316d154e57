#pragma once
// Idempotent submission: JobOptions.request_id -> the job it created, so that a retried SubmitFit returns
// that job instead of fitting twice. Not thread-safe: the job manager guards it with its lock.
#include <map>
#include <optional>
#include <string>

namespace siren::server {

class RequestIdIndex {
 public:
  std::optional<std::string> find(const std::string& request_id) const;  // nullopt for "" or unknown
  void add(const std::string& request_id, const std::string& job_id);      // ignores ""
  void remove(const std::string& request_id, const std::string& job_id);   // only if it still names job_id

 private:
  std::map<std::string, std::string> job_ids_;
};

}  // namespace siren::server
