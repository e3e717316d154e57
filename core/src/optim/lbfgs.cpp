#include "siren/optim/lbfgs.h"

namespace siren::optim {

std::unique_ptr<torch::optim::LBFGS> make_reference_lbfgs(const std::vector<torch::Tensor>& parameters,
                                                          double learning_rate) {
  // One iteration per call (see lbfgs.h). The reference's max_eval equals its max_iter; within one
  // iteration it only ends the call early, after the line search, which one iteration does anyway.
  auto options = torch::optim::LBFGSOptions(learning_rate)
                     .max_iter(1)
                     .max_eval(1)
                     .history_size(kLbfgsHistorySize)
                     .line_search_fn("strong_wolfe");
  return std::make_unique<torch::optim::LBFGS>(parameters, options);
}

}  // namespace siren::optim
