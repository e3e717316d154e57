#pragma once
// SubmitFit's client stream: the spec, then each input file in 1 MiB `named_input_chunk`s under the name
// the task gives it, then (to continue a fit) the checkpoint in `resume_checkpoint_chunk`s. Files are
// streamed, not slurped.
#include <optional>
#include <string>
#include <vector>

#include "connection.h"
#include "fit_request.h"
#include "siren/v1/fit.pb.h"
#include "siren/v1/jobs.pb.h"

namespace siren::cli {

// The queued job. Throws RpcError (e.g. INVALID_ARGUMENT for an undecodable image) or CommandError
// (a file that cannot be read).
v1::Job submit_fit(Connection& connection, const v1::FitSpec& spec, const v1::JobOptions& job_options,
                   const std::vector<InputFile>& inputs,
                   const std::optional<std::string>& resume_checkpoint_path);

}  // namespace siren::cli
