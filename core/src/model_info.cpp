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

}  // namespace siren
