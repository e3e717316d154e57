#include "siren/model_info.h"

#include <nlohmann/json.hpp>

#include "siren/errors.h"

namespace siren {

std::string ModelInfo::to_json() const {
  nlohmann::json j;
  j["config"] = nlohmann::json::parse(config.to_json());
  j["task_kind"] = task_kind;
  j["steps"] = steps;
  j["metrics"] = metrics;
  j["metadata"] = metadata;
  return j.dump();
}

ModelInfo ModelInfo::from_json(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    ModelInfo info;
    info.config = FitConfig::from_json(j.at("config").dump());
    info.task_kind = j.at("task_kind").get<std::string>();
    info.steps = j.at("steps").get<int64_t>();
    info.metrics = j.at("metrics").get<std::map<std::string, double>>();
    info.metadata = j.at("metadata").get<std::map<std::string, std::string>>();
    return info;
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(std::string("malformed model info: ") + e.what());
  }
}

void check_resumable(const ModelInfo& saved, const ModelInfo& wanted, int64_t total_steps) {
  if (saved.task_kind != wanted.task_kind)
    throw InvalidInput("checkpoint is for a \"" + saved.task_kind + "\" fit, not \"" + wanted.task_kind + "\"");
  const ModelSpec& a = saved.config.model;
  const ModelSpec& b = wanted.config.model;
  if (a.activation != b.activation || a.in_features != b.in_features || a.out_features != b.out_features ||
      a.hidden_features != b.hidden_features || a.hidden_layers != b.hidden_layers ||
      a.first_omega0 != b.first_omega0 || a.hidden_omega0 != b.hidden_omega0 || a.pe_frequencies != b.pe_frequencies)
    throw InvalidInput("checkpoint network (" + to_string(a.activation) + ", " + std::to_string(a.hidden_layers) +
                       "x" + std::to_string(a.hidden_features) + ", in " + std::to_string(a.in_features) + ", out " +
                       std::to_string(a.out_features) + ") does not match the requested one; resume with the same "
                       "model settings and input");
  if (saved.steps >= total_steps)
    throw InvalidInput("checkpoint already has " + std::to_string(saved.steps) +
                       " steps; ask for more than that with --steps (the total)");
}

}  // namespace siren
