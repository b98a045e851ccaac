// Shared helpers of the infrastructure-code tests.
#include "tests/support/iac.h"

#include "passes/compare/diff.h"

#include <stdexcept>

namespace sgopt::test_support {

const SecurityGroup& group(const Snapshot& s, const std::string& id) {
  const SecurityGroup* g = s.find_group(id);
  if (!g) throw std::runtime_error("no group " + id);
  return *g;
}

const NetworkAcl& acl(const Snapshot& s, const std::string& id) {
  const NetworkAcl* a = s.find_acl(id);
  if (!a) throw std::runtime_error("no ACL " + id);
  return *a;
}

std::map<std::string, std::string> verdicts(const Snapshot& before, const Snapshot& after) {
  DiffReport r = diff_snapshots(before, after, DiffOptions{});
  std::map<std::string, std::string> out;
  for (const auto& res : r.resources)
    for (const auto& d : res.directions)
      out[res.label() + " " + direction_name(d.direction)] =
          std::string(verdict_name(d.verdict())) + (d.partial ? " partial" : "");
  return out;
}

}  // namespace sgopt::test_support
