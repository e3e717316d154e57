// Any bytes given to the multi-file bundle parser either unpack to files that pack back to the same
// bytes, or fail with InvalidInput.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "siren/errors.h"
#include "siren/io/input_bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const siren::InputBundle bundle = siren::InputBundle::unpack(bytes);
    FUZZ_CHECK(bundle.size() >= 1 && bundle.size() <= siren::kMaxBundleFiles);
    FUZZ_CHECK(bundle.pack() == bytes);
  } catch (const siren::InvalidInput&) {
  }
  return 0;
}
