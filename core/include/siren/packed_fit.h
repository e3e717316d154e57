#pragma once
// Many small fits trained as one (issue 17, item 4). People fit thousands of small SIRENs; one 32² fit's step
// is a few small GEMMs and far more per-op overhead than arithmetic. K fits of one architecture whose
// batches have the same shapes step together here: one batched forward, backward and Adam update over
// stacked weights (packed_sirens.h). Each fit keeps its own seed, batches, progress, checkpoints, stop
// requests, final model and result, and ends as it would alone: the pack's loss is the sum of the fits'
// own losses and Adam is elementwise, so fit k's weights take exactly its lone fit's updates (up to the
// batched GEMMs' float rounding; packed_fit_test.cpp). A member leaves the pack when it completes, stops
// or fails; the others go on. Progress comes every 100 ms and at each fit's first and last steps (a lone
// fit on a CPU reports every step: per member and step, a report costs as much as a small fit's step).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "siren/fit.h"
#include "siren/prepared_fit.h"

namespace siren {

// Whether the fit may share a pack, with which (equal keys) and in packs of how many. Runs alone (key "") a
// fit that is not a plain SIREN, whose losses take derivatives of the field, that uses L-BFGS or gradient
// clipping, reports whole-signal summaries, has a task that prepares its network, or takes more than
// kMaxPackedPoints points per step. A resumed fit runs alone too (validate_fit, fit.h).
PackingPlan packing_plan(const PreparedFit& fit);

// Points per step above which a fit runs alone: its own GEMMs already keep the cores busy.
constexpr int64_t kMaxPackedPoints = 16384;

struct PackedFitMember {
  PreparedFit fit;
  FitPaths paths;
  FitCallbacks callbacks;
  // Called as soon as this fit leaves the pack (completed, stopped or failed), while the others go on.
  // Must not throw.
  std::function<void(const PackedFitResult&)> on_finished;
};

// Trains the members as one pack (run_packed_fits in fit.h does the same from the fits' inputs) on config.train.device of the first. Throws InvalidInput when their
// packing keys differ or are "". results[k] belongs to members[k].
std::vector<PackedFitResult> run_packed_fits(std::vector<PackedFitMember> members);

}  // namespace siren
