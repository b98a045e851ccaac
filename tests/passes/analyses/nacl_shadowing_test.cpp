// nacl-shadowing: the first-match taxonomy, each claim checked by removing the entry (native and
// Z3) and each witness by the reference evaluator.
#include "passes/analyses/nacl_shadowing.h"

#include "solver/encoding.h"
#include "solver/rule_sets.h"
#include "tests/support/builders.h"
#include "tests/support/rule_gen.h"

#include <gtest/gtest.h>

#include <random>

namespace sgopt {
namespace {

using test_support::nacl_entry;

std::vector<NaclEntry> without(const std::vector<NaclEntry>& entries, std::size_t i) {
  std::vector<NaclEntry> out = entries;
  out.erase(out.begin() + static_cast<long>(i));
  return out;
}

const EntryIssue* find(const std::vector<EntryIssue>& issues, std::size_t entry, EntryIssueKind kind) {
  for (const auto& i : issues)
    if (i.entry == entry && i.kind == kind) return &i;
  return nullptr;
}

TEST(NaclShadowingTest, DenyAfterBroaderAllowIsAShadowedConflict) {
  std::vector<NaclEntry> e = {nacl_entry(140, true, 6, 22, 22, "10.0.0.0/8"),
                              nacl_entry(150, false, 6, 22, 22, "10.1.0.0/16"),
                              nacl_entry(32767, false, -1, 0, 0, "0.0.0.0/0")};
  auto issues = classify_nacl_entries(e);
  const auto* i = find(issues, 1, EntryIssueKind::ShadowedConflict);
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->related, (std::vector<std::size_t>{0}));
  ASSERT_TRUE(i->witness);
  EXPECT_TRUE(confirm_entry_issue(e, *i));
  EXPECT_TRUE(nacl_decide(e, *i->witness).allow);
  EXPECT_TRUE(entry_matches(e[1], *i->witness));
}

TEST(NaclShadowingTest, EntryShadowedByTheUnionOfTwoEarlierEntries) {
  std::vector<NaclEntry> e = {nacl_entry(100, true, 6, 0, 65535, "0.0.0.0/1"),
                              nacl_entry(110, true, 6, 0, 65535, "128.0.0.0/1"),
                              nacl_entry(120, true, 6, 22, 22, "0.0.0.0/0")};
  auto issues = classify_nacl_entries(e);
  const auto* i = find(issues, 2, EntryIssueKind::Shadowed);
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->related, (std::vector<std::size_t>{0, 1}));
  EXPECT_TRUE(confirm_entry_issue(e, *i));
}

TEST(NaclShadowingTest, DenyJustAboveTheDefaultDenyIsRedundant) {
  std::vector<NaclEntry> e = {nacl_entry(100, true, 6, 443, 443, "0.0.0.0/0"),
                              nacl_entry(200, false, 17, 53, 53, "0.0.0.0/0"),
                              nacl_entry(32767, false, -1, 0, 0, "0.0.0.0/0")};
  auto issues = classify_nacl_entries(e);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, EntryIssueKind::Redundant);
  EXPECT_EQ(issues[0].entry, 1u);
  EXPECT_EQ(issues[0].related, (std::vector<std::size_t>{2}));
  EXPECT_TRUE(confirm_entry_issue(e, issues[0]));
}

TEST(NaclShadowingTest, DenyWithNothingAfterItIsRedundantThroughTheImplicitDeny) {
  std::vector<NaclEntry> e = {nacl_entry(100, false, 17, 53, 53, "0.0.0.0/0")};
  auto issues = classify_nacl_entries(e);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, EntryIssueKind::Redundant);
  EXPECT_TRUE(issues[0].implicit_deny);
  EXPECT_TRUE(issues[0].related.empty());
}

TEST(NaclShadowingTest, BroaderEntryAfterAnExceptionIsAGeneralization) {
  std::vector<NaclEntry> e = {nacl_entry(100, false, 6, 22, 22, "10.1.0.0/16"),
                              nacl_entry(110, true, 6, 22, 22, "10.0.0.0/8")};
  auto issues = classify_nacl_entries(e);
  const auto* i = find(issues, 1, EntryIssueKind::Generalization);
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->related, (std::vector<std::size_t>{0}));
  EXPECT_TRUE(confirm_entry_issue(e, *i));
  EXPECT_EQ(find(issues, 1, EntryIssueKind::Correlation), nullptr);
}

TEST(NaclShadowingTest, PartialOverlapWithTheOtherActionIsACorrelation) {
  std::vector<NaclEntry> e = {nacl_entry(100, false, 6, 20, 30, "10.0.0.0/8"),
                              nacl_entry(110, true, 6, 25, 40, "10.0.0.0/8")};
  auto issues = classify_nacl_entries(e);
  const auto* i = find(issues, 1, EntryIssueKind::Correlation);
  ASSERT_NE(i, nullptr);
  EXPECT_TRUE(confirm_entry_issue(e, *i));
  EXPECT_EQ(i->witness->port_key, 25);
}

TEST(NaclShadowingTest, DisjointEntriesHaveNoIssues) {
  std::vector<NaclEntry> e = {nacl_entry(100, true, 6, 443, 443, "0.0.0.0/0"),
                              nacl_entry(110, false, 6, 22, 22, "0.0.0.0/0"), nacl_entry(120, true, 6, 22, 22, "::/0"),
                              nacl_entry(32767, false, -1, 0, 0, "0.0.0.0/0"),
                              nacl_entry(32768, false, -1, 0, 0, "::/0")};
  // 110 denies before the default deny would: redundant. Nothing else.
  auto issues = classify_nacl_entries(e);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].entry, 1u);
  EXPECT_EQ(issues[0].kind, EntryIssueKind::Redundant);
}

// Random ACLs: shadowed and redundant entries are exactly those whose removal changes nothing.
TEST(NaclShadowingTest, RandomAclsShadowedAndRedundantMeanRemovable) {
  z3::context ctx;
  std::mt19937_64 rng(5);
  int claims = 0, z3_checks = 0;
  for (int round = 0; round < 60; ++round) {
    auto e = test_support::random_nacl_entries(rng, 3 + static_cast<std::size_t>(round % 10), round % 2 == 0);
    auto issues = classify_nacl_entries(e);
    const PacketSet all = nacl_allowed_set(e);
    PeerTable peers;
    Encoder enc(ctx, peers);
    Prover prover(enc);
    for (std::size_t i = 0; i < e.size(); ++i) {
      if (e[i].is_default_deny()) continue;
      bool claimed = find(issues, i, EntryIssueKind::Shadowed) || find(issues, i, EntryIssueKind::ShadowedConflict) ||
                     find(issues, i, EntryIssueKind::Redundant);
      bool removable = nacl_allowed_set(without(e, i)) == all;
      EXPECT_EQ(claimed, removable) << "round " << round << " entry " << e[i].rule_number;
      if (claimed && z3_checks < 40) {
        ++z3_checks;
        EXPECT_EQ(prover.equal(enc.nacl_allows(without(e, i)), enc.nacl_allows(e)).status, ProofStatus::Proved);
      }
      claims += claimed;
    }
    for (const auto& issue : issues) EXPECT_TRUE(confirm_entry_issue(e, issue)) << entry_issue_name(issue.kind);
    if (HasFailure()) break;
  }
  EXPECT_GT(claims, 20);
}

}  // namespace
}  // namespace sgopt
