// Any bytes given as a SubmitFit message: parsed as the server parses it, the spec resolved into a
// FitConfig exactly as SubmitFit does before any LibTorch call. The result is either a config that
// passes validation and survives the JSON round trip the job store and checkpoints use, or an
// InvalidInput; never a crash, a hang or another exception.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "siren/errors.h"
#include "siren/v1/service.pb.h"
#include "siren/wire/convert.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  siren::v1::SubmitFitRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  if (!request.has_spec()) return 0;
  try {
    const siren::FitConfig config = siren::wire::fit_config_from_proto(request.spec());
    config.model.validate();
    config.train.validate();
    const siren::FitConfig again = siren::FitConfig::from_json(config.to_json());
    FUZZ_CHECK(again.to_json() == config.to_json());
    const siren::v1::FitSpec echoed = siren::wire::fit_spec_to_proto(config);
    FUZZ_CHECK(siren::wire::fit_config_from_proto(echoed).to_json() == config.to_json());
  } catch (const siren::InvalidInput&) {
  }
  return 0;
}
