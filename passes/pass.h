// The pass interface and registry: analyses are small classes registered by name in
// passes/passes.def; the driver runs them over every group and ACL, in parallel, in input order.
#pragma once

#include <string_view>
#include <vector>

#include "model/snapshot.h"
#include "passes/finding.h"

namespace sgopt {

/// Knobs of the analyses; defaults are what `sgopt analyze` documents.
struct AnalysisOptions {
  /// overly-permissive: a tcp/udp port range wider than this many ports is "large" (all ports excepted).
  int max_port_range = 1024;
  /// overly-permissive: public exposure (not the whole internet) is "large" from this many addresses,
  /// given as a prefix length: a /16 for IPv4 (65,536 addresses) and a /32 for IPv6 by default.
  int large_exposure_v4_prefix = 16;
  int large_exposure_v6_prefix = 32;
};

/// What one run of a pass looks at: the whole snapshot for context, and the one resource to
/// report on (a group or an ACL; the other is null).
struct AnalysisContext {
  const Snapshot& snapshot;
  const AnalysisOptions& options;
  const SecurityGroup* group = nullptr;
  const NetworkAcl* acl = nullptr;
};

/// An analysis: reads the model, emits findings, changes nothing.
class Pass {
 public:
  virtual ~Pass() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  /// Appends the findings about ctx.group or ctx.acl. Must not touch shared state (runs in parallel).
  virtual void run(const AnalysisContext& ctx, std::vector<Finding>& out) const = 0;
};

/// Every registered pass, in passes.def order.
const std::vector<const Pass*>& all_passes();
/// The pass with this name, or null.
const Pass* find_pass(std::string_view name);

/// Runs the passes over every group, then every ACL, with `threads` workers (0: one per core).
/// Findings come out in input order of the resources, then pass order, whatever the thread count.
std::vector<Finding> run_analyses(const Snapshot& snapshot, const std::vector<const Pass*>& passes,
                                  const AnalysisOptions& options, unsigned threads = 0);

}  // namespace sgopt
