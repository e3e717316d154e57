#pragma once
#include <string>

namespace siren {

// LibTorch starts with one intra-op thread on some VMs; use every core unless told otherwise.
// threads <= 0 means: $SIREN_THREADS, else the number of hardware threads.
void configure_threads(int threads = 0);
// "auto" -> "cuda" when available else "cpu"; validates "cpu", "cuda", "cuda:N". Throws InvalidInput.
std::string resolve_device(const std::string& requested);
bool cuda_available();

}  // namespace siren
