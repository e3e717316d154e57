#include "siren/wire/retry_policy.h"

namespace siren::wire {

void use_retry_policy(grpc::ChannelArguments& args) {
  // A method-level entry overrides the service-level one: SubmitFit gets no retryPolicy.
  args.SetServiceConfigJSON(R"({"methodConfig": [
    {"name": [{"service": "siren.v1.Siren"}],
     "retryPolicy": {"maxAttempts": 4, "initialBackoff": "0.2s", "maxBackoff": "2s",
                     "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}},
    {"name": [{"service": "siren.v1.Siren", "method": "SubmitFit"}]}
  ]})");
}

}  // namespace siren::wire
