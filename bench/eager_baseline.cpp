#include "eager_baseline.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

namespace siren::bench {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

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

std::string same_blas(int threads) {
  const char* arch = std::getenv("BLIS_ARCH_TYPE");  // set by siren's runtime where it chose kernels
  return std::string("BLIS_NUM_THREADS=") + std::to_string(threads) +
         (arch ? std::string(" BLIS_ARCH_TYPE=") + arch : std::string());
}

std::string script_command(const std::string& env, const std::string& args, int threads) {
  return env + " " + kPython + " " + script() + " --threads " + std::to_string(threads) + " " + args + " 2>&1";
}

}  // namespace

bool eager_available(std::string* why) {
  if (!std::filesystem::exists(script())) {
    *why = script() + " not found";
    return false;
  }
  int status = 0;
  run(std::string(kPython) + " -c 'import torch' 2>/dev/null", &status);
  if (status != 0) *why = "Debian's python3-torch is not installed";
  return status == 0;
}

std::string run_eager_script(const std::string& args, int threads, int* status) {
  const std::string tcmalloc = tcmalloc_path();
  const std::string env = "env " + same_blas(threads) + (tcmalloc.empty() ? "" : " LD_PRELOAD=" + tcmalloc);
  return run(script_command(env, args, threads), status);
}

std::vector<EagerRun> run_eager(const std::string& workload, const std::string& args, int threads, int repeats) {
  std::vector<std::pair<std::string, std::string>> environments = {
      {"as installed", "env -u BLIS_NUM_THREADS -u BLIS_ARCH_TYPE -u LD_PRELOAD"},
      {"same BLAS", "env -u LD_PRELOAD " + same_blas(threads)}};
  if (const std::string tcmalloc = tcmalloc_path(); !tcmalloc.empty())
    environments.push_back({"same BLAS + tcmalloc", "env " + same_blas(threads) + " LD_PRELOAD=" + tcmalloc});

  std::vector<EagerRun> runs;
  for (const auto& [name, env] : environments) {
    EagerRun r;
    r.environment = name;
    int status = 0;
    const std::string out =
        run(script_command(env, "time " + workload + " " + args + " --repeats " + std::to_string(repeats), threads),
            &status);
    try {
      if (status != 0) throw std::runtime_error("exit status " + std::to_string(status));
      const auto j = nlohmann::json::parse(out.substr(out.rfind('{')));
      r.timing.median_ms = j.at("median_ms");
      r.timing.min_ms = j.at("min_ms");
      r.timing.max_ms = j.at("max_ms");
      r.timing.runs = j.at("repeats");
    } catch (const std::exception& e) {
      r.error = std::string(e.what()) + ": " + out.substr(out.size() > 300 ? out.size() - 300 : 0);
    }
    runs.push_back(r);
  }
  return runs;
}

}  // namespace siren::bench
