#include "request_id_index.h"

namespace siren::server {

std::optional<std::string> RequestIdIndex::find(const std::string& request_id) const {
  if (request_id.empty()) return std::nullopt;
  auto it = job_ids_.find(request_id);
  if (it == job_ids_.end()) return std::nullopt;
  return it->second;
}

void RequestIdIndex::add(const std::string& request_id, const std::string& job_id) {
  if (!request_id.empty()) job_ids_[request_id] = job_id;
}

void RequestIdIndex::remove(const std::string& request_id, const std::string& job_id) {
  auto it = job_ids_.find(request_id);
  if (it != job_ids_.end() && it->second == job_id) job_ids_.erase(it);
}

}  // namespace siren::server
