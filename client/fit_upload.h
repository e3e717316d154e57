#pragma once
// SubmitFit's client stream: the spec, then the input (file or packed bytes) in 1 MiB `input_chunk`s, then (to
// continue a fit) the checkpoint in `resume_checkpoint_chunk`s. Files are streamed, not slurped.
#include <optional>
#include <string>

#include "connection.h"
#include "fit_request.h"
#include "siren/v1/fit.pb.h"
#include "siren/v1/jobs.pb.h"

namespace siren::cli {

// The queued job. Throws RpcError (e.g. INVALID_ARGUMENT for an undecodable image) or CommandError
// (a file that cannot be read).
v1::Job submit_fit(Connection& connection, const v1::FitSpec& spec, const v1::JobOptions& job_options,
                   const FitInput& input, const std::optional<std::string>& resume_checkpoint_path);

}  // namespace siren::cli
