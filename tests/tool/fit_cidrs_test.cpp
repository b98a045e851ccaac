// `sgopt fit-cidrs` end to end: exact output, --max annotations that read back, errors with exit 2.
#include "tests/tool/run_cli.h"

#include <gtest/gtest.h>

namespace sgopt::testing {
namespace {

TEST(FitCidrsTest, PrintsTheExactCover) {
  auto r =
      run_sgopt({"fit-cidrs", "-"}, "10.0.0.0/25\n10.0.0.128/25\n# x\n10.0.1.5\n2001:db8::/33\n2001:db8:8000::/33\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "10.0.0.0/24\n10.0.1.5/32\n2001:db8::/32\n");
  auto bare = run_sgopt({"fit-cidrs", "--bare-hosts", "-"}, "10.0.1.5\n");
  EXPECT_EQ(bare.out, "10.0.1.5\n");
}

TEST(FitCidrsTest, MaxSaysWhatItAddsAndTheOutputReadsBack) {
  auto r = run_sgopt({"fit-cidrs", "--max", "1", "-"}, "10.0.0.0/25\n10.0.1.0/24\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "10.0.0.0/23  # adds 128 addresses: 10.0.0.128/25\n");
  auto again = run_sgopt({"fit-cidrs", "-"}, r.out);
  EXPECT_EQ(again.status, 0);
  EXPECT_EQ(again.out, "10.0.0.0/23\n");
}

TEST(FitCidrsTest, BadLineIsAnErrorWithItsLineNumber) {
  auto r = run_sgopt({"fit-cidrs", "-"}, "10.0.0.0/8\n10.0.0.300\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(":2:"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(FitCidrsTest, MissingFileIsAnError) {
  auto r = run_sgopt({"fit-cidrs", "/nonexistent/list.txt"});
  EXPECT_EQ(r.status, 2);
}

}  // namespace
}  // namespace sgopt::testing
