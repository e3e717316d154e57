#pragma once
// Trained models on disk: <data-dir>/models/<model_id>/{model.ckpt, model.json}. model.ckpt is the
// core's checkpoint (config, weights, metrics); model.json holds what only the server knows (the job
// it came from, the client's name for it, when it was made). Scanning the directory at start-up is
// what makes models survive restarts. A small LRU cache keeps recently queried models loaded.
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "siren/field_model.h"
#include "siren/v1/service.pb.h"

namespace siren::server {

class ModelStore {
 public:
  // Loaded models evaluate on `query_device` ("cpu", "cuda:N").
  ModelStore(std::string models_dir, size_t cache_capacity, std::string query_device = "cpu");

  // Registers every readable model under models_dir; unreadable ones are logged and skipped.
  void scan();
  // A fleet's replicas share models_dir: a model another replica made is found when asked for by id (its
  // id is known only once the job record that names it is saved), and listed once added (its labels file,
  // which add() writes, is there).
  void set_shared(bool shared) { shared_ = shared; }

  // A fresh model id and its (created) directory; the fit writes checkpoint_path(id) there.
  std::string allocate();
  std::string checkpoint_path(const std::string& model_id) const;
  // Makes a written checkpoint visible to clients. `spec` supplies the client's name/filename.
  v1::Model add(const std::string& model_id, const std::string& job_id, const v1::FitSpec& spec);
  // Drops a directory made by allocate() that never became a model.
  void discard(const std::string& model_id);

  std::vector<v1::Model> list() const;
  v1::Model get(const std::string& model_id) const;  // throws NotFound
  void remove(const std::string& model_id);          // throws NotFound
  // The loaded model, from the cache when possible. Throws NotFound.
  std::shared_ptr<const FieldModel> load(const std::string& model_id);

 private:
  std::string dir_of(const std::string& model_id) const;
  // Shared store: registers `model_id` if its checkpoint is there (and, with `added_only`, its labels
  // file); false when it is not there (yet).
  bool adopt_locked(const std::string& model_id, bool added_only) const;
  v1::Model describe(const std::string& model_id) const;  // from the files on disk
  void touch_cache_locked(const std::string& model_id, std::shared_ptr<const FieldModel> model);

  std::string models_dir_;
  size_t cache_capacity_;
  bool shared_ = false;
  std::string query_device_;
  mutable std::mutex mu_;
  mutable std::map<std::string, v1::Model> models_;  // mutable: a shared store learns of models as it is asked
  // Most recently used first.
  std::list<std::pair<std::string, std::shared_ptr<const FieldModel>>> cache_;
};

}  // namespace siren::server
