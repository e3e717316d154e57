#pragma once
// The job_events table of a PostgreSQL job database (postgres_schema.h): a job's kept events, numbered.
// Written in the transaction that writes the job's record, so a record never names an event that is not
// there; shared by the job database and the fleet's claims and leases, which change records too.
#include <cstdint>
#include <string>
#include <vector>

#include "postgres_connection.h"
#include "siren/v1/jobs.pb.h"

namespace siren::server {

// Appends `events` (each numbered) to `job_id`'s log; one whose number is there already is left as it was,
// so a write retried after a lost reply adds nothing.
void insert_job_events(PostgresConnection::Session& session, const std::string& job_id,
                       const std::vector<v1::JobEvent>& events);
// The newest `limit` events numbered above `after`, oldest first.
std::vector<v1::JobEvent> select_job_events(PostgresConnection& db, const std::string& job_id, int64_t after, int limit);

}  // namespace siren::server
