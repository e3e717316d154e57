#pragma once
// A small picture of a field while it trains, for watchers (WatchJob previews, `siren watch
// --preview-dir`, the Python client's Job.previews).
#include <string>

#include "siren/model_info.h"
#include "siren/network.h"

namespace siren {

// The task's PNG export of `network` (its default image: an image, a video's first frame, a PDE's
// field), fitted into max_side x max_side pixels. Empty for a task without a PNG export (audio, sdf).
// Runs on the caller's thread with the network as it is: call it between training steps.
std::string render_preview(const ModelInfo& info, const FieldNetwork& network, int max_side);

}  // namespace siren
