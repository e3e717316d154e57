#include "fuzz_check.h"

#include "siren/io/input_limits.h"

namespace siren::fuzz {

// The server caps decoded images (server/main.cpp); a fuzzer must too, or a 100-byte PNG that claims
// 60000x60000 pixels reads as an out-of-memory "crash" instead of the refusal the server gives.
void limit_decoded_image_size() {
  static const bool once = [] {
    InputLimits limits;
    limits.max_image_pixels = int64_t{1} << 22;
    set_input_limits(limits);
    return true;
  }();
  (void)once;
}

}  // namespace siren::fuzz
