#include "job_record_codec.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace siren::server {

std::string encode_job_record(const v1::Job& job) {
  std::string bytes;
  if (!job.SerializeToString(&bytes)) throw std::runtime_error("cannot serialize job " + job.job_id());
  return bytes;
}

std::optional<v1::Job> decode_job_record(const std::string& job_id, const std::string& bytes, const std::string& where) {
  v1::Job job;
  if (!job.ParseFromString(bytes) || job.job_id() != job_id) {
    spdlog::warn("skipping job {}: its record in {} does not parse", job_id, where);
    return std::nullopt;
  }
  return job;
}

}  // namespace siren::server
