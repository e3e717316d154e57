#pragma once
// What the fuzz targets share: an invariant check that aborts (so libFuzzer and the corpus replay both
// report it with the input), and the image size cap the server applies before OpenCV allocates.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                              \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      std::fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)

namespace siren::fuzz {
void limit_decoded_image_size();
}  // namespace siren::fuzz
