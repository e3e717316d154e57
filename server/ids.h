#pragma once
// Job and model identifiers. Ids become directory names, so anything a client sends is checked
// against a strict alphabet before it gets near the file system.
#include <cstdint>
#include <string>

namespace siren::server {

// prefix + "-" + 12 random hex digits, e.g. "job-3f9a0c12b7e4".
std::string new_id(const std::string& prefix);
// Only [A-Za-z0-9_-], 1..128 characters: never "..", "/", or empty.
bool is_valid_id(const std::string& id);
// Throws RpcError(INVALID_ARGUMENT) naming `field` unless is_valid_id(id).
void require_valid_id(const std::string& id, const char* field);

int64_t now_unix_ms();

}  // namespace siren::server
