#include "model_lookup.h"

#include <cstdlib>

#include "rpc_error.h"

namespace siren::cli {

v1::Model fetch_model(Connection& connection, const std::string& model_id) {
  auto context = connection.context();
  v1::GetModelRequest request;
  request.set_model_id(model_id);
  v1::Model model;
  check_rpc(connection.stub().GetModel(context.get(), request, &model));
  return model;
}

int metadata_int(const v1::Model& model, const std::string& key) {
  auto it = model.metadata().find(key);
  if (it == model.metadata().end()) return 0;
  char* end = nullptr;
  const long value = std::strtol(it->second.c_str(), &end, 10);
  return end != it->second.c_str() && *end == '\0' && value > 0 ? static_cast<int>(value) : 0;
}

}  // namespace siren::cli
