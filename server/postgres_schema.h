#pragma once
// The job database's tables on PostgreSQL, made (or brought up to date) when a server connects:
//   jobs      one row per job: its record (siren.v1.Job, protobuf) and the columns claims work on (state,
//             priority, tenant; the replica that owns it and the attempt it runs, for fencing; a stop
//             request from another replica);
//   replicas  each server's last heartbeat (its lease), in the database's clock;
//   tenants   a running-job quota per tenant (no row: no limit).
#include "postgres_connection.h"

namespace siren::server {

void create_job_schema(PostgresConnection::Session& session);

}  // namespace siren::server
