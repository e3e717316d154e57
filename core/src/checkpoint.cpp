#include "siren/checkpoint.h"

#include <filesystem>
#include <sstream>

#include "siren/errors.h"
#include "siren/io/files.h"

namespace siren {
namespace {

constexpr const char* kFormat = "siren-checkpoint-v1";

}  // namespace

void save_checkpoint(const std::string& path, const ModelInfo& info, FieldNetwork& network,
                     const TrainingStateRefs& state) {
  torch::serialize::OutputArchive archive;
  archive.write("format", c10::IValue(std::string(kFormat)));
  archive.write("info", c10::IValue(info.to_json()));
  torch::serialize::OutputArchive weights;
  network->save(weights);
  archive.write("network", weights);
  if (state.optimizer) {
    torch::serialize::OutputArchive optimizer;
    state.optimizer->save(optimizer);
    archive.write("optimizer", optimizer);
  }
  if (state.generator) archive.write("generator", state.generator->get_state());
  std::ostringstream buffer;
  archive.save_to(buffer);
  write_file_atomically(path, buffer.str());
}

CheckpointReader::CheckpointReader(const std::string& path, const torch::Device& device)
    : path_(path), device_(device) {
  if (!std::filesystem::exists(path)) throw NotFound("checkpoint \"" + path + "\" does not exist");
  try {
    archive_.load_from(path, device);
    c10::IValue format, info;
    if (!archive_.try_read("format", format) || !format.isString() || format.toStringRef() != kFormat)
      throw InvalidInput("\"" + path + "\" is not a siren checkpoint (missing format tag)");
    archive_.read("info", info);
    info_ = ModelInfo::from_json(info.toStringRef());
  } catch (const c10::Error& e) {
    throw InvalidInput("\"" + path + "\" is not a readable siren checkpoint: " + e.what_without_backtrace());
  }
}

void CheckpointReader::restore_network(FieldNetwork& network) {
  try {
    torch::serialize::InputArchive weights;
    archive_.read("network", weights);
    network->load(weights);
  } catch (const c10::Error& e) {
    throw InvalidInput("checkpoint weights do not match the network: " + std::string(e.what_without_backtrace()));
  }
}

bool CheckpointReader::restore_optimizer(torch::optim::Optimizer& optimizer) {
  torch::serialize::InputArchive state;
  if (!archive_.try_read("optimizer", state)) return false;
  try {
    optimizer.load(state);
  } catch (const c10::Error& e) {
    throw InvalidInput("checkpoint optimizer state does not match: " + std::string(e.what_without_backtrace()));
  }
  return true;
}

bool CheckpointReader::restore_generator(at::Generator& generator) {
  torch::Tensor state;
  if (!archive_.try_read("generator", state)) return false;
  generator.set_state(state.to(torch::kCPU));  // the sampling generator is a CPU one on every device
  return true;
}

}  // namespace siren
