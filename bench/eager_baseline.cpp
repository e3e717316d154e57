#include "eager_baseline.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace siren::bench {
namespace {

// The Python whose torch siren links (cmake/Torch.cmake: the wheel's virtual environment), so the baseline
// runs the very PyTorch version siren is built against.
#ifndef SIREN_TORCH_PYTHON
#define SIREN_TORCH_PYTHON "python3"
#endif
constexpr const char* kPython = SIREN_TORCH_PYTHON;

std::string script() { return std::string(SIREN_SOURCE_DIR) + "/bench/pytorch_eager.py"; }

std::string run(const std::string& command, int* status) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  std::string out;
  char buffer[4096];
  size_t n;
  while (pipe && (n = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0) out.append(buffer, n);
  *status = pipe ? ::pclose(pipe.release()) : -1;
  return out;
}

std::string tcmalloc_path() {
  for (const char* path : {"/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4", "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4"})
    if (std::filesystem::exists(path)) return path;
  return "";
}

std::string script_command(const std::string& env, const std::string& args, int threads) {
  return env + " " + kPython + " " + script() + " --threads " + std::to_string(threads) + " " + args + " 2>&1";
}

struct Environment {
  std::string name;
  std::string env;         // the `env` command the script runs under
  std::string extra_args;  // appended to its `time` arguments
};

std::vector<Environment> cpu_environments() {
  // The wheel's PyTorch brings its own BLAS (MKL, built in) and OpenMP threads (--threads): what is left
  // to give it is siren's allocator. Not siren's MKL_CBWR (runtime.cpp): reproducible rounding costs a little.
  std::vector<Environment> environments = {{"as installed", "env -u LD_PRELOAD -u MKL_CBWR", ""}};
  if (const std::string tcmalloc = tcmalloc_path(); !tcmalloc.empty())
    environments.push_back({"tuned (tcmalloc)", "env -u MKL_CBWR LD_PRELOAD=" + tcmalloc, ""});
  return environments;
}

// On a GPU a preloaded host allocator is beside the point (PyTorch's caching allocator serves the device
// memory); the precision of the products is what a user would change.
std::vector<Environment> gpu_environments(const std::string& device, const std::string& precision) {
  const std::string on_device = " --device " + device;
  std::vector<Environment> environments = {{"as installed", "env -u LD_PRELOAD", on_device}};
  if (precision != "fp32")
    environments.push_back({"same precision (" + precision + ")", "env -u LD_PRELOAD",
                            on_device + " --precision " + precision});
  return environments;
}

// The JSON line the script prints last, as a Timing; throws with the script's last words when absent.
Timing parse_timing(const std::string& out, int status) {
  if (status != 0) throw std::runtime_error("exit status " + std::to_string(status));
  const auto j = nlohmann::json::parse(out.substr(out.rfind('{')));
  Timing t;
  t.median_ms = j.at("median_ms");
  t.min_ms = j.at("min_ms");
  t.max_ms = j.at("max_ms");
  t.runs = j.at("repeats");
  return t;
}

}  // namespace

bool eager_available(std::string* why) {
  if (!std::filesystem::exists(script())) {
    *why = script() + " not found";
    return false;
  }
  int status = 0;
  run(std::string(kPython) + " -c 'import torch' 2>/dev/null", &status);
  if (status != 0) *why = std::string(kPython) + " cannot import torch (scripts/install-deps.sh installs it)";
  return status == 0;
}

std::string run_eager_script(const std::string& args, int threads, int* status) {
  const std::string tcmalloc = tcmalloc_path();
  const std::string env = "env" + (tcmalloc.empty() ? std::string(" -u LD_PRELOAD") : " LD_PRELOAD=" + tcmalloc);
  return run(script_command(env, args, threads), status);
}

std::vector<EagerRun> run_eager(const std::string& workload, const std::string& args, int threads, int repeats,
                                const std::string& device, const std::string& precision) {
  const std::vector<Environment> environments =
      device == "cpu" ? cpu_environments() : gpu_environments(device, precision);
  std::vector<EagerRun> runs;
  for (const Environment& environment : environments) {
    EagerRun r;
    r.environment = environment.name;
    int status = 0;
    const std::string time_args =
        "time " + workload + " " + args + environment.extra_args + " --repeats " + std::to_string(repeats);
    const std::string out = run(script_command(environment.env, time_args, threads), &status);
    try {
      r.timing = parse_timing(out, status);
    } catch (const std::exception& e) {
      r.error = std::string(e.what()) + ": " + out.substr(out.size() > 300 ? out.size() - 300 : 0);
    }
    runs.push_back(r);
  }
  return runs;
}

}  // namespace siren::bench
