#pragma once
#include <string>

namespace siren {

// LibTorch starts with one intra-op thread on some VMs; use every core unless told otherwise.
// threads > 0 sets that count. threads <= 0 applies the default ($SIREN_THREADS, else every hardware
// thread) only if nothing configured threads before, so a server's --threads is not undone per fit.
void configure_threads(int threads = 0);
// "auto" -> "cuda" when available else "cpu"; validates "cpu", "cuda", "cuda:N". Throws InvalidInput.
std::string resolve_device(const std::string& requested);
bool cuda_available();

}  // namespace siren
