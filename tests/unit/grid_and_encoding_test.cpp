#include <gtest/gtest.h>

#include "siren/grid.h"
#include "siren/positional_encoding.h"

namespace siren {
namespace {

TEST(Grid, MatchesTheReferenceMgrid) {
  const torch::Tensor g = coordinate_grid({3, 5});  // H = 3 rows, W = 5 columns
  ASSERT_EQ(g.sizes(), (std::vector<int64_t>{15, 2}));
  // coords[i*W + j] = (-1 + 2i/(H-1), -1 + 2j/(W-1)): row first, inclusive ends.
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) {
      EXPECT_FLOAT_EQ(g[i * 5 + j][0].item<float>(), -1.0f + 2.0f * i / 2.0f);
      EXPECT_FLOAT_EQ(g[i * 5 + j][1].item<float>(), -1.0f + 2.0f * j / 4.0f);
    }
}

TEST(Grid, SingletonAxisSitsAtZero) {
  const torch::Tensor g = coordinate_grid({1, 4, 2});
  EXPECT_EQ(g.size(0), 8);
  EXPECT_EQ(g.select(1, 0).abs().max().item<float>(), 0.0f);
}

TEST(PositionalEncoding, ReferenceFrequencyRule) {
  EXPECT_EQ(reference_pe_frequencies(2, 256), 6);
  EXPECT_EQ(reference_pe_frequencies(2, 512), 7);
  EXPECT_EQ(reference_pe_frequencies(1, 308207), 16);  // bach
  EXPECT_EQ(reference_pe_frequencies(1, 537936), 17);  // counting
  EXPECT_EQ(reference_pe_frequencies(3, 64), 10);
}

TEST(PositionalEncoding, LayoutIsFrequencyOuterCoordinateInner) {
  PositionalEncoding pe(2, 6);
  EXPECT_EQ(pe->out_features(), 26);
  const torch::Tensor c = torch::tensor({{0.25f, -0.5f}});
  const torch::Tensor out = pe->forward(c);
  ASSERT_EQ(out.size(1), 26);
  EXPECT_FLOAT_EQ(out[0][0].item<float>(), 0.25f);
  EXPECT_FLOAT_EQ(out[0][1].item<float>(), -0.5f);
  // frequency i = 1, coordinate j = 1: sin at 2 + 2*(1*2 + 1) = 8, cos at 9
  EXPECT_NEAR(out[0][8].item<float>(), std::sin(2.0 * M_PI * -0.5), 1e-6);
  EXPECT_NEAR(out[0][9].item<float>(), std::cos(2.0 * M_PI * -0.5), 1e-6);
}

}  // namespace
}  // namespace siren
