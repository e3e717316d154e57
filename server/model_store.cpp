#include "model_store.h"

#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "siren/io/files.h"
#include "ids.h"
#include "siren/errors.h"
#include "siren/wire/convert.h"

namespace fs = std::filesystem;

namespace siren::server {
namespace {

constexpr const char* kCheckpointName = "model.ckpt";
constexpr const char* kSidecarName = "model.json";

NotFound model_not_found(const std::string& model_id) {
  return NotFound("model '" + model_id + "' not found (ListModels shows the models this server has)");
}

}  // namespace

ModelStore::ModelStore(std::string models_dir, size_t cache_capacity, std::string query_device)
    : models_dir_(std::move(models_dir)),
      cache_capacity_(std::max<size_t>(cache_capacity, 1)),
      query_device_(std::move(query_device)) {
  fs::create_directories(models_dir_);
}

std::string ModelStore::dir_of(const std::string& model_id) const { return (fs::path(models_dir_) / model_id).string(); }

std::string ModelStore::checkpoint_path(const std::string& model_id) const {
  return (fs::path(dir_of(model_id)) / kCheckpointName).string();
}

void ModelStore::scan() {
  std::map<std::string, v1::Model> found;
  for (const auto& entry : fs::directory_iterator(models_dir_)) {
    const std::string id = entry.path().filename().string();
    if (!entry.is_directory() || !is_valid_id(id)) continue;
    if (!fs::exists(checkpoint_path(id))) continue;  // an allocation whose fit never wrote a model
    try {
      found[id] = describe(id);
    } catch (const std::exception& e) {
      spdlog::warn("skipping model {}: {}", id, e.what());
    }
  }
  spdlog::info("found {} model(s) in {}", found.size(), models_dir_);
  std::lock_guard<std::mutex> lock(mu_);
  models_ = std::move(found);
}

v1::Model ModelStore::describe(const std::string& model_id) const {
  const std::string ckpt = checkpoint_path(model_id);
  v1::Model model = wire::model_info_to_proto(FieldModel::read_info(ckpt));
  const std::string sidecar = (fs::path(dir_of(model_id)) / kSidecarName).string();
  if (fs::exists(sidecar)) {
    v1::Model saved;
    if (google::protobuf::util::JsonStringToMessage(read_file(sidecar), &saved).ok()) {
      model.set_job_id(saved.job_id());
      model.set_created_unix_ms(saved.created_unix_ms());
      model.mutable_spec()->set_name(saved.spec().name());
      model.mutable_spec()->set_input_filename(saved.spec().input_filename());
    }
  }
  model.set_model_id(model_id);
  model.set_checkpoint_bytes(static_cast<int64_t>(fs::file_size(ckpt)));
  if (model.created_unix_ms() == 0) {
    const auto age = fs::file_time_type::clock::now() - fs::last_write_time(ckpt);
    model.set_created_unix_ms(now_unix_ms() - std::chrono::duration_cast<std::chrono::milliseconds>(age).count());
  }
  return model;
}

std::string ModelStore::allocate() {
  std::string id;
  do {
    id = new_id("model");
  } while (fs::exists(dir_of(id)));
  fs::create_directories(dir_of(id));
  return id;
}

v1::Model ModelStore::add(const std::string& model_id, const std::string& job_id, const v1::FitSpec& spec) {
  v1::Model sidecar;
  sidecar.set_model_id(model_id);
  sidecar.set_job_id(job_id);
  sidecar.set_created_unix_ms(now_unix_ms());
  sidecar.mutable_spec()->set_name(spec.name());
  sidecar.mutable_spec()->set_input_filename(spec.input_filename());
  std::string json;
  google::protobuf::util::MessageToJsonString(sidecar, &json);
  try {
    write_file_atomically((fs::path(dir_of(model_id)) / kSidecarName).string(), json);
  } catch (const std::exception& e) {
    // The sidecar holds labels only (job, name, file name, time): a model is still a model without them,
    // and on a full disk keeping the checkpoint matters more.
    spdlog::warn("model {}: labels not saved: {}", model_id, e.what());
  }

  v1::Model model = describe(model_id);
  std::lock_guard<std::mutex> lock(mu_);
  models_[model_id] = model;
  return model;
}

void ModelStore::discard(const std::string& model_id) {
  std::error_code ignored;
  fs::remove_all(dir_of(model_id), ignored);
}

bool ModelStore::adopt_locked(const std::string& model_id, bool added_only) const {
  if (!shared_ || !is_valid_id(model_id)) return false;
  if (added_only && !fs::exists(fs::path(dir_of(model_id)) / kSidecarName)) return false;
  if (!fs::exists(checkpoint_path(model_id))) return false;
  try {
    models_[model_id] = describe(model_id);
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("model {} in the shared store: {}", model_id, e.what());
    return false;
  }
}

std::vector<v1::Model> ModelStore::list() const {
  std::vector<v1::Model> out;
  if (shared_) {  // what the other replicas added since
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(models_dir_, error)) {
      const std::string id = entry.path().filename().string();
      std::lock_guard<std::mutex> lock(mu_);
      if (!models_.count(id)) adopt_locked(id, /*added_only=*/true);
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, model] : models_) out.push_back(model);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const v1::Model& a, const v1::Model& b) { return a.created_unix_ms() < b.created_unix_ms(); });
  return out;
}

v1::Model ModelStore::get(const std::string& model_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = models_.find(model_id);
  if (it == models_.end()) {
    if (!adopt_locked(model_id, /*added_only=*/false)) throw model_not_found(model_id);
    it = models_.find(model_id);
  }
  return it->second;
}

void ModelStore::remove(const std::string& model_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (models_.erase(model_id) == 0 && !(adopt_locked(model_id, false) && models_.erase(model_id) == 1))
      throw model_not_found(model_id);
    cache_.remove_if([&](const auto& entry) { return entry.first == model_id; });
  }
  // Queries still holding the loaded model keep it alive; the files go now.
  fs::remove_all(dir_of(model_id));
}

void ModelStore::touch_cache_locked(const std::string& model_id, std::shared_ptr<const FieldModel> model) {
  cache_.remove_if([&](const auto& entry) { return entry.first == model_id; });
  cache_.emplace_front(model_id, std::move(model));
  while (cache_.size() > cache_capacity_) cache_.pop_back();
}

std::shared_ptr<const FieldModel> ModelStore::load(const std::string& model_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (models_.count(model_id) == 0 && !adopt_locked(model_id, /*added_only=*/false)) throw model_not_found(model_id);
    for (const auto& entry : cache_) {
      if (entry.first == model_id) {
        auto model = entry.second;
        touch_cache_locked(model_id, model);
        return model;
      }
    }
  }
  // Loading reads weights from disk: done outside the lock so other RPCs are not held up.
  auto model = std::make_shared<const FieldModel>(FieldModel::load(checkpoint_path(model_id), query_device_));
  std::lock_guard<std::mutex> lock(mu_);
  if (models_.count(model_id) == 0) throw model_not_found(model_id);  // deleted meanwhile
  touch_cache_locked(model_id, model);
  return model;
}

}  // namespace siren::server
