#include "siren/tasks/image_prior_file.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "siren/checkpoint.h"
#include "siren/errors.h"
#include "siren/task_kinds.h"

namespace siren {
namespace {

// The checkpoint reader reads files: the upload goes to a private temporary file for the duration.
class TemporaryFile {
 public:
  explicit TemporaryFile(const std::string& bytes) {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("siren-prior-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".ckpt"))
                .string();
    std::ofstream out(path_, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write the temporary file " + path_);
  }
  ~TemporaryFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

int metadata_int(const ModelInfo& info, const std::string& key) {
  const auto it = info.metadata.find(key);
  if (it == info.metadata.end()) throw InvalidInput("the prior's model file lacks \"" + key + "\"");
  try {
    return std::stoi(it->second);
  } catch (const std::exception&) {
    throw InvalidInput("the prior's model file has a bad \"" + key + "\": " + it->second);
  }
}

}  // namespace

LoadedImagePrior load_image_prior(const std::string& bytes) {
  if (bytes.empty()) throw InvalidInput("the prior is empty: give the model file of an image-prior fit");
  const TemporaryFile file(bytes);
  CheckpointReader reader(file.path());
  LoadedImagePrior loaded;
  loaded.info = reader.info();
  if (loaded.info.task_kind != kImagePriorKind)
    throw InvalidInput("the prior must be the model file of an image-prior fit, got one of a " +
                       loaded.info.task_kind + " fit");
  PriorShape shape;
  shape.encoder = loaded.info.metadata.count("encoder") ? loaded.info.metadata.at("encoder") : "";
  shape.width = metadata_int(loaded.info, "width");
  shape.height = metadata_int(loaded.info, "height");
  shape.channels = metadata_int(loaded.info, "channels");
  shape.latent = metadata_int(loaded.info, "latent");
  shape.hyper_hidden = metadata_int(loaded.info, "hyper_hidden");
  // The network as the fit built it (the field network with the prior inside), then its saved weights.
  FieldNetwork field(loaded.info.config.model);
  loaded.network = ImagePriorNetwork(shape, loaded.info.config.model, at::make_generator<at::CPUGeneratorImpl>(0));
  field->register_module("prior", loaded.network);
  reader.restore_network(field);
  loaded.network->eval();
  return loaded;
}

}  // namespace siren
