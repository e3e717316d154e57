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

std::string encode_job_event(const v1::JobEvent& event) {
  std::string bytes;
  if (!event.SerializeToString(&bytes)) throw std::runtime_error("cannot serialize an event of job " + event.job().job_id());
  return bytes;
}

std::optional<v1::JobEvent> decode_job_event(const std::string& job_id, const std::string& bytes,
                                             const std::string& where) {
  v1::JobEvent event;
  if (!event.ParseFromString(bytes) || event.job().job_id() != job_id) {
    spdlog::warn("skipping an event of job {}: it does not parse in {}", job_id, where);
    return std::nullopt;
  }
  return event;
}

}  // namespace siren::server
