#pragma once
// A job record as the job databases store it: siren.v1.Job in protobuf wire format.
#include <optional>
#include <string>

#include "siren/v1/jobs.pb.h"

namespace siren::server {

// Throws std::runtime_error when the message cannot be serialized.
std::string encode_job_record(const v1::Job& job);
// The record stored under `job_id`; nullopt (and a warning naming `where`) when it does not parse or
// names another job.
std::optional<v1::Job> decode_job_record(const std::string& job_id, const std::string& bytes, const std::string& where);

// A kept event of a job's log (siren.v1.JobEvent, wire format), as decode_job_record's record: nullopt
// (and a warning) when it does not parse.
std::string encode_job_event(const v1::JobEvent& event);
std::optional<v1::JobEvent> decode_job_event(const std::string& job_id, const std::string& bytes,
                                             const std::string& where);

}  // namespace siren::server
