// The CLI's common behaviour: help, version, usage errors and exit statuses.
#include <gtest/gtest.h>

#include "tests/tool/run_cli.h"

namespace sgopt::testing {
namespace {

TEST(CliBasicsTest, HelpListsCommandsAndExitsZero) {
  auto r = run_sgopt({"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("show"), std::string::npos);
  EXPECT_NE(r.out.find("Exit status"), std::string::npos);
}

TEST(CliBasicsTest, VersionPrintsVersion) {
  auto r = run_sgopt({"--version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find(SGOPT_VERSION_STRING), std::string::npos);
}

TEST(CliBasicsTest, UnknownCommandIsUsageErrorWithStatusTwo) {
  auto r = run_sgopt({"frobnicate"});
  EXPECT_EQ(r.status, 2);
  EXPECT_FALSE(r.err.empty());
}

TEST(CliBasicsTest, NoCommandIsUsageError) {
  auto r = run_sgopt({});
  EXPECT_EQ(r.status, 2);
}

}  // namespace
}  // namespace sgopt::testing
