#pragma once
// A trained field loaded from a model/checkpoint file, for queries (no LibTorch in this header).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "siren/fit_config.h"
#include "siren/io/image.h"
#include "siren/model_info.h"

namespace siren {

class FieldNetwork;

class FieldModel {
 public:
  // Throws InvalidInput if the file is not a siren checkpoint, NotFound if it does not exist. `device`
  // ("cpu", "cuda", "cuda:N", "auto") is where queries run; inputs and outputs stay host vectors, moved
  // through pinned buffers in blocks.
  static FieldModel load(const std::string& path, const std::string& device = "cpu");
  static ModelInfo read_info(const std::string& path);  // cheap: no weights

  FieldModel(FieldModel&&) noexcept;
  FieldModel& operator=(FieldModel&&) noexcept;
  ~FieldModel();

  const ModelInfo& info() const;
  std::string device() const;
  int in_features() const;
  int out_features() const;

  // coords: n * in_features floats (row-major) -> n * out_features raw outputs. Evaluated in blocks.
  std::vector<float> query(const std::vector<float>& coords) const;
  // coords as for query() -> n * in_features values: d(sum of the outputs)/dx at each point (the
  // gradient of a one-output field such as an SDF), in blocks (FieldNetworkImpl::input_gradient).
  std::vector<float> query_gradients(const std::vector<float>& coords) const;
  // Image models only: the field sampled on a width x height grid spanning [-1,1]^2.
  Image render_image(int width, int height) const;

 private:
  friend FieldModel field_model_of_network(const ModelInfo& info, const FieldNetwork& network);
  struct Impl;
  explicit FieldModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A FieldModel over a network being trained, shared and not copied (the caller keeps it unchanged while
// the model is used): previews and whole-signal summaries while a fit runs.
FieldModel field_model_of_network(const ModelInfo& info, const FieldNetwork& network);

}  // namespace siren
