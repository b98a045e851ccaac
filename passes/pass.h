// The pass interface and registry: analyses are small classes registered by name in
// passes/passes.def, each declaring the kinds of finding it reports; the driver runs them over
// every group and ACL, in parallel, in input order, and stamps each finding with its pass.
#pragma once

#include "model/snapshot.h"
#include "model/topology.h"
#include "passes/finding.h"

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace sgopt {

/// Knobs of the analyses; defaults are what `sgopt analyze` documents.
struct AnalysisOptions {
  /// overly-permissive: a tcp/udp port range wider than this many ports is "large" (all ports excepted).
  int max_port_range = 1024;
  /// overly-permissive: public exposure (not the whole internet) is "large" from this many addresses,
  /// given as a prefix length: a /16 for IPv4 (65,536 addresses) and a /32 for IPv6 by default.
  int large_exposure_v4_prefix = 16;
  int large_exposure_v6_prefix = 32;
  /// Cross-layer passes: the client ports the replies of a stateless ACL go to.
  EphemeralPorts ephemeral;
  /// hygiene: the security-groups-per-interface quota (5 by default, at most 16).
  int groups_per_interface = 5;
};

class AccountHygiene;  // passes/analyses/account_hygiene.h

/// What several resources' runs share, computed once per run on first use (by whichever worker
/// asks first; the others wait for it).
class RunShared {
 public:
  /// `threads`: the workers a shared computation may use (0: one per core).
  RunShared(const Snapshot& snapshot, const AnalysisOptions& options, unsigned threads = 0);
  ~RunShared();
  const AccountHygiene& hygiene() const;

 private:
  const Snapshot& snapshot_;
  const AnalysisOptions& options_;
  unsigned threads_;
  mutable std::once_flag hygiene_once_;
  mutable std::unique_ptr<AccountHygiene> hygiene_;
};

/// What one run of a pass looks at: the whole snapshot for context, and the one resource to
/// report on (a group or an ACL; the other is null).
struct AnalysisContext {
  const Snapshot& snapshot;
  const AnalysisOptions& options;
  const SecurityGroup* group = nullptr;
  const NetworkAcl* acl = nullptr;
  /// What references stand for in this run (model/references.h): nothing resolved (the open
  /// world) or the snapshot's resolutions (the closed world). Passes judge rules with these.
  const References* references = nullptr;
  World world = World::Open;
  /// The run's shared facts; null when a pass is run alone (it then computes what it needs).
  const RunShared* shared = nullptr;
};

/// What a kind of finding is about. Only exposure is a security matter (code scanning shows a
/// security severity for it); redundant rules, quotas and clean-up are maintenance, and traffic
/// that cannot flow as the rules mean it to is reliability.
enum class Concern { Security, Maintainability, Reliability };

/// A severity other than its default that a pass reports a kind at, and when. Code scanning gives
/// a rule one severity, so SARIF makes each case its own rule ("pass/id/severity").
struct SeverityCase {
  Severity severity;
  const char* when;  // "the network ACL of every interface carrying the group denies it from the internet"
};

/// One kind of finding a pass reports, declared beside the pass's code: the registry, SARIF's
/// reporting descriptors, --list-passes and the renderers all read it from here.
struct FindingKind {
  const char* id;        // "redundant", unique within its pass; the SARIF ruleId is "pass/id"
  const char* title;     // "RedundantRule" (SARIF rule name)
  const char* help;      // one sentence: what the finding means
  const char* help_uri;  // where AWS documents the subject
  Severity severity;     // the severity a finding of this kind has unless the pass says otherwise
  Concern concern = Concern::Maintainability;
  const char* why = "";                      // why it matters, for the person reading the alert
  const char* fix = "";                      // how to fix it
  std::span<const SeverityCase> cases = {};  // the other severities the pass reports it at
};

/// A finding of this kind with its default severity; the driver stamps the pass name.
Finding finding_of(const FindingKind& kind);

/// Where AWS documents what the findings are about.
namespace help_uri {
inline constexpr const char* kEc2Controls =
    "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html";
inline constexpr const char* kSecurityGroups =
    "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html";
inline constexpr const char* kNetworkAcls = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html";
inline constexpr const char* kQuotas = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html";
}  // namespace help_uri

/// An analysis: reads the model, emits findings, changes nothing. Its name and description come
/// from passes/passes.def; its finding kinds from its own file.
class Pass {
 public:
  virtual ~Pass() = default;
  std::string_view name() const { return name_; }
  std::string_view description() const { return description_; }
  /// Every kind of finding the pass can report, in the order they are listed.
  virtual std::span<const FindingKind* const> kinds() const = 0;
  /// The kind with this id, or null.
  const FindingKind* kind(std::string_view id) const;
  /// Appends the findings about ctx.group or ctx.acl. Must not touch shared state (runs in parallel).
  virtual void run(const AnalysisContext& ctx, std::vector<Finding>& out) const = 0;

 private:
  friend const std::vector<const Pass*>& all_passes();
  std::string_view name_, description_;
};

/// Every registered pass, in passes.def order.
const std::vector<const Pass*>& all_passes();
/// The pass with this name, or null.
const Pass* find_pass(std::string_view name);

/// Runs the passes over every group, then every ACL, with `threads` workers (0: one per core; at
/// most kMaxWorkerThreads and one per resource; passes/workers.h). When the system refuses a thread, the run goes
/// on with those it has; `threads_used`, when given, receives how many were meant to run and how
/// many did (the calling thread included).
/// Findings come out in input order of the resources, then pass order, whatever the thread count.
std::vector<Finding> run_analyses(const Snapshot& snapshot, const std::vector<const Pass*>& passes,
                                  const AnalysisOptions& options, unsigned threads = 0,
                                  std::pair<unsigned, unsigned>* threads_used = nullptr);

/// Receives the findings of one resource (possibly none), resources in input order; called by one
/// thread at a time.
using FindingSink = std::function<void(std::vector<Finding>& findings)>;
/// The same run, each resource's findings handed to `sink` as soon as every resource before it is
/// done and then dropped: a large account's findings are never all held at once.
void run_analyses(const Snapshot& snapshot, const std::vector<const Pass*>& passes, const AnalysisOptions& options,
                  unsigned threads, const FindingSink& sink, std::pair<unsigned, unsigned>* threads_used = nullptr);

}  // namespace sgopt
