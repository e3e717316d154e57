#pragma once
// What every benchmark prints: median, min and max of repeated runs, in milliseconds.
#include <algorithm>
#include <string>
#include <vector>

namespace siren::bench {

struct Timing {
  double median_ms = 0, min_ms = 0, max_ms = 0;
  int runs = 0;
  std::string note;  // how it ran, where that matters (a fit's Trainer::cuda_graph_summary on a GPU)
  bool ok() const { return runs > 0; }
};

inline Timing summarize(std::vector<double> ms) {
  Timing t;
  if (ms.empty()) return t;
  std::sort(ms.begin(), ms.end());
  t.median_ms = ms[ms.size() / 2];
  t.min_ms = ms.front();
  t.max_ms = ms.back();
  t.runs = static_cast<int>(ms.size());
  return t;
}

}  // namespace siren::bench
