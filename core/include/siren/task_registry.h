#pragma once
#include <memory>
#include <string>
#include <vector>

#include "siren/fit_config.h"

namespace siren {

class Task;

// Builds the task named by spec.kind from the uploaded input bytes. Throws InvalidInput for an unknown
// kind, undecodable input or bad task options.
std::unique_ptr<Task> make_task(const TaskSpec& spec, const std::string& input_bytes);

}  // namespace siren
