#include "siren/fit_config.h"

#include <nlohmann/json.hpp>

#include "siren/errors.h"

namespace siren {

using nlohmann::json;

std::string FitConfig::to_json() const {
  json j;
  j["task"] = {{"kind", task.kind}, {"options", task.options}};
  j["model"] = {{"activation", to_string(model.activation)},
                {"in_features", model.in_features},
                {"out_features", model.out_features},
                {"hidden_features", model.hidden_features},
                {"hidden_layers", model.hidden_layers},
                {"first_omega0", model.first_omega0},
                {"hidden_omega0", model.hidden_omega0},
                {"pe_frequencies", model.pe_frequencies}};
  j["train"] = {{"steps", train.steps},
                {"epochs", train.epochs},
                {"learning_rate", train.learning_rate},
                {"optimizer", train.optimizer},
                {"batch_size", train.batch_size},
                {"seed", train.seed},
                {"checkpoint_every", train.checkpoint_every},
                {"clip_grad_norm", train.clip_grad_norm},
                {"fused_sine_layers", train.fused_sine_layers},
                {"closed_form_derivatives", train.closed_form_derivatives},
                {"device", train.device},
                {"precision", train.precision},
                {"cuda_graphs", train.cuda_graphs}};
  return j.dump();
}

FitConfig FitConfig::from_json(const std::string& text) {
  try {
    const json j = json::parse(text);
    FitConfig c;
    c.task.kind = j.at("task").at("kind").get<std::string>();
    c.task.options = j.at("task").at("options").get<std::map<std::string, std::string>>();
    const json& m = j.at("model");
    c.model.activation = activation_from_string(m.at("activation").get<std::string>());
    c.model.in_features = m.at("in_features").get<int>();
    c.model.out_features = m.at("out_features").get<int>();
    c.model.hidden_features = m.at("hidden_features").get<int>();
    c.model.hidden_layers = m.at("hidden_layers").get<int>();
    c.model.first_omega0 = m.at("first_omega0").get<double>();
    c.model.hidden_omega0 = m.at("hidden_omega0").get<double>();
    c.model.pe_frequencies = m.at("pe_frequencies").get<int>();
    const json& t = j.at("train");
    c.train.steps = t.at("steps").get<int64_t>();
    c.train.epochs = t.value("epochs", int64_t{0});  // absent in checkpoints before it existed
    c.train.learning_rate = t.at("learning_rate").get<double>();
    c.train.optimizer = t.value("optimizer", std::string("adam"));  // absent in checkpoints before it existed
    c.train.batch_size = t.at("batch_size").get<int64_t>();
    c.train.seed = t.at("seed").get<uint64_t>();
    c.train.checkpoint_every = t.at("checkpoint_every").get<int64_t>();
    c.train.clip_grad_norm = t.at("clip_grad_norm").get<double>();
    c.train.fused_sine_layers = t.value("fused_sine_layers", true);  // absent in checkpoints before it existed
    c.train.closed_form_derivatives = t.value("closed_form_derivatives", true);  // likewise
    c.train.device = t.at("device").get<std::string>();
    c.train.precision = t.value("precision", std::string("tf32"));  // absent in checkpoints before it existed
    c.train.cuda_graphs = t.value("cuda_graphs", true);              // likewise
    return c;
  } catch (const json::exception& e) {
    throw InvalidInput(std::string("malformed fit configuration: ") + e.what());
  }
}

}  // namespace siren
