#pragma once
// How a siren.v1 client retries. UNAVAILABLE is gRPC's transient status (a connection dropped or
// refused for a moment, a server restarting); every call but SubmitFit is safe to repeat, so the
// channel retries those with backoff. SubmitFit is left alone: repeated without a request id it
// would fit twice, and its uploads outgrow gRPC's retry buffer anyway.
#include <grpcpp/support/channel_arguments.h>

namespace siren::wire {

void use_retry_policy(grpc::ChannelArguments& args);

}  // namespace siren::wire
