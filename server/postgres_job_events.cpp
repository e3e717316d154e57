#include "postgres_job_events.h"

#include "job_record_codec.h"

namespace siren::server {

void insert_job_events(PostgresConnection::Session& session, const std::string& job_id,
                       const std::vector<v1::JobEvent>& events) {
  for (const v1::JobEvent& event : events)
    session.run("INSERT INTO job_events (job_id, sequence, event) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                {job_id, event.sequence(), PgParam::bytes(encode_job_event(event))});
}

std::vector<v1::JobEvent> select_job_events(PostgresConnection& db, const std::string& job_id, int64_t after, int limit) {
  const PgResult newest = db.run(
      "SELECT event FROM (SELECT sequence, event FROM job_events WHERE job_id = $1 AND sequence > $2 "
      "ORDER BY sequence DESC LIMIT $3) newest ORDER BY sequence",
      {job_id, after, limit});
  std::vector<v1::JobEvent> events;
  for (int row = 0; row < newest.rows(); ++row)
    if (auto event = decode_job_event(job_id, newest.bytes(row, 0), db.where())) events.push_back(std::move(*event));
  return events;
}

}  // namespace siren::server
