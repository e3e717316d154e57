#pragma once
// GetModel, for the commands that need a model's shape before they act (render, query, model).
#include <string>

#include "connection.h"
#include "siren/v1/service.pb.h"

namespace siren::cli {

v1::Model fetch_model(Connection& connection, const std::string& model_id);  // throws RpcError

// A model's metadata value as a positive int, or 0 when absent/not a number (e.g. "width").
int metadata_int(const v1::Model& model, const std::string& key);

}  // namespace siren::cli
