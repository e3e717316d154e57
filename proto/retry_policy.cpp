#include "siren/wire/retry_policy.h"

namespace siren::wire {

void use_retry_policy(grpc::ChannelArguments& args) {
  // A method-level entry overrides the service-level one: SubmitFit gets no retryPolicy, nor ListTasks
  // (`siren fit` asks it before building its command line and uses its own tasks when no server answers:
  // retrying would only delay `siren fit --help` by the backoff).
  args.SetServiceConfigJSON(R"({"methodConfig": [
    {"name": [{"service": "siren.v1.Siren"}],
     "retryPolicy": {"maxAttempts": 4, "initialBackoff": "0.2s", "maxBackoff": "2s",
                     "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}},
    {"name": [{"service": "siren.v1.Siren", "method": "SubmitFit"},
              {"service": "siren.v1.Siren", "method": "ListTasks"}]}
  ]})");
}

}  // namespace siren::wire
