// Nothing is ever lost: no command writes over an input (however the path is spelled), two
// outputs of one run never name the same file, and a run that fails writes nothing.
#include "tests/tool/run_cli.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace sgopt {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::run_sgopt;
using testing::sample;
using testing::write_text;

class OutputSafetyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    input_ = dir_ + "/victim.json";
    fs::copy_file(sample("web-sprawl.json"), input_);
    original_ = read_text(input_);
  }
  // The run failed with a message naming the problem, left the input as it was and wrote no file
  // other than those listed.
  void expect_refused(const testing::CliResult& r, const std::string& words, const std::vector<std::string>& present) {
    EXPECT_EQ(r.status, 2) << r.out << r.err;
    EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
    EXPECT_EQ(read_text(input_), original_);
    std::vector<std::string> left;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) left.push_back(e.path().filename().string());
    std::sort(left.begin(), left.end());
    std::vector<std::string> expected = present;
    expected.push_back("victim.json");
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(left, expected);
  }
  std::string dir_ = testing::temp_dir();
  std::string input_, original_;
};

TEST_F(OutputSafetyTest, AnalyzeRefusesToWriteOverItsInput) {
  expect_refused(run_sgopt({"analyze", input_, "--format", "json", "--out", input_}), "would write over the input", {});
}

TEST_F(OutputSafetyTest, AnotherSpellingOfTheInputIsTheInput) {
  fs::create_directory(dir_ + "/sub");
  fs::create_symlink(input_, dir_ + "/link.json");
  fs::create_hard_link(input_, dir_ + "/hard.json");
  for (const std::string& out :
       {dir_ + "/./victim.json", dir_ + "/sub/../victim.json", dir_ + "/link.json", dir_ + "/hard.json"})
    expect_refused(run_sgopt({"analyze", input_, "--format", "json", "--out", out}), "would write over the input",
                   {"sub", "link.json", "hard.json"});
}

TEST_F(OutputSafetyTest, AFileReadFromAnInputFolderIsAnInput) {
  expect_refused(run_sgopt({"analyze", dir_, "--out", input_}), "would write over the input", {});
  expect_refused(run_sgopt({"minimize", dir_, "-o", input_}), "would write over the input", {});
}

TEST_F(OutputSafetyTest, TwoOutputsOfOneRunNeverNameTheSameFile) {
  expect_refused(run_sgopt({"minimize", input_, "-o", dir_ + "/same.out", "--plan", dir_ + "/same.out"}),
                 "name the same file", {});
  // The plan's JSON twin is PLAN.json.
  expect_refused(run_sgopt({"minimize", input_, "-o", dir_ + "/p.json", "--plan", dir_ + "/p"}), "name the same file",
                 {});
  expect_refused(run_sgopt({"minimize", input_, "-o", dir_ + "/p.json", "--plan", input_}),
                 "would write over the input", {});
}

TEST_F(OutputSafetyTest, ARunThatFailsWritesNothing) {
  expect_refused(run_sgopt({"minimize", input_, "-o", dir_ + "/min.json", "--plan", dir_ + "/no-such-dir/p.sh"}),
                 "does not exist", {});
  fs::create_directory(dir_ + "/folder");
  expect_refused(run_sgopt({"minimize", input_, "-o", dir_ + "/folder", "--plan", dir_ + "/p.sh"}), "names a folder",
                 {"folder"});
  expect_refused(run_sgopt({"analyze", input_, "--out", dir_ + "/no-such-dir/report.txt"}), "does not exist",
                 {"folder"});
  expect_refused(run_sgopt({"diff", input_, input_, "--emit-smt2", input_}), "names a file", {"folder"});
}

TEST_F(OutputSafetyTest, ASuccessfulRunWritesEveryOutputAndNoTemporaryFile) {
  auto r = run_sgopt({"minimize", input_, "-o", dir_ + "/min.json", "--plan", dir_ + "/plan.sh"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"min.json", "plan.sh", "plan.sh.json", "victim.json"}));
  EXPECT_NE(read_text(dir_ + "/min.json").find("SecurityGroups"), std::string::npos);
  EXPECT_EQ(read_text(input_), original_);
}

}  // namespace
}  // namespace sgopt
