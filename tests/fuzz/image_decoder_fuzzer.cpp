// Any bytes given to the image decoder either decode to a consistent image or fail with InvalidInput.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "siren/errors.h"
#include "siren/io/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  siren::fuzz::limit_decoded_image_size();
  try {
    const siren::Image image = siren::decode_image(std::string(reinterpret_cast<const char*>(data), size));
    FUZZ_CHECK(image.width > 0 && image.height > 0);
    FUZZ_CHECK(image.channels == 1 || image.channels == 3);
    FUZZ_CHECK(image.pixels.size() == static_cast<size_t>(image.width) * image.height * image.channels);
    for (float v : image.pixels) FUZZ_CHECK(v >= 0.0f && v <= 1.0f);
  } catch (const siren::InvalidInput&) {
  }
  return 0;
}
