#pragma once
// `siren fit ... --local`: the same FitSpec, run in-process through the core instead of a server.
// Events go through the same JobEventView as a remote watch, so the progress display and the final
// line are identical (job_id "local", model_id = the model file written).
#include <optional>
#include <string>
#include <vector>

#include "fit_request.h"
#include "output.h"
#include "siren/v1/fit.pb.h"

namespace siren::cli {

// Exit code as for a watched job. Ctrl-C stops at the next step and still writes the model, which
// `--resume` continues. Throws siren::InvalidInput for bad input or settings (before training).
int run_local_fit(const v1::FitSpec& spec, const std::vector<InputFile>& inputs,
                  const std::optional<std::string>& resume_checkpoint_path,
                  const std::string& model_out, const Output& output);

}  // namespace siren::cli
