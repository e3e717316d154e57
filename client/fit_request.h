#pragma once
// What `siren fit <task> [FILE] ...` was asked to do. Every setting is optional: only those the user
// typed go into the FitSpec, so the server (or the core, for --local) fills the rest from the
// task's preset — the paper's settings for that experiment — and there is one source of defaults.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "previews.h"
#include "siren/v1/fit.pb.h"
#include "siren/v1/jobs.pb.h"

namespace siren::cli {

// Network and optimiser settings shared by every task.
struct FitSettings {
  std::optional<std::string> model;  // activation name: sine, relu, ...
  std::optional<int> hidden_features;
  std::optional<int> hidden_layers;
  std::optional<double> omega0;  // --w0: first and hidden
  std::optional<double> first_omega0;
  std::optional<double> hidden_omega0;
  std::optional<int> pe_frequencies;
  std::optional<int64_t> steps;
  std::optional<int64_t> epochs;
  std::optional<double> learning_rate;
  std::optional<std::string> optimizer;  // adam | lbfgs
  std::optional<int64_t> batch_size;
  std::optional<uint64_t> seed;
  std::optional<int64_t> checkpoint_every;
  std::optional<double> clip_grad_norm;
  std::optional<bool> fused_sine_layers;
  std::optional<bool> closed_form_derivatives;
  std::optional<std::string> device;
  std::optional<std::string> precision;
  std::optional<bool> cuda_graphs;
};

// One of the task's input files: FILE for the first, --<name> FILE for the others.
struct InputFile {
  std::string name;  // as the task description names it, e.g. "background"
  std::string path;  // empty: an optional input left out

  bool given() const { return !path.empty(); }
};

struct FitRequest {
  std::string task;                                 // "image"
  std::vector<InputFile> inputs;                    // the task's inputs, in its order; none for a PDE
  std::map<std::string, std::string> task_options;  // only those given, e.g. {"size": "64x64"}
  FitSettings settings;
  std::optional<std::string> resume_path;  // a downloaded checkpoint to continue from
  std::string name;
  // How the server runs it (not what is fitted): --priority, --deadline, --request-id.
  std::string priority;                     // "low" | "normal" | "high"; empty = normal
  std::optional<double> deadline_seconds;
  std::string request_id;
  bool no_watch = false;
  bool local = false;
  std::string model_out;  // --local only; empty = ./<input stem>.siren.ckpt
  PreviewOptions previews;  // while watching: where to write the server's renderings of the field

  // FILE, the first input; empty for a task without inputs.
  std::string first_input_path() const { return inputs.empty() ? std::string() : inputs.front().path; }
};

// The FitSpec holding exactly what the user set (throws siren::InvalidInput for an unknown task or
// activation; CLI11 has normally rejected those already).
v1::FitSpec build_fit_spec(const FitRequest& request);
v1::JobOptions build_job_options(const FitRequest& request);

// --local's default model path: ./<FILE stem>.siren.ckpt, or ./<task>.siren.ckpt for a task without FILE.
std::string default_local_model_path(const FitRequest& request);

}  // namespace siren::cli
