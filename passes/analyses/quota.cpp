// Pass quota: finds security-group buckets (direction x family) over the default quota of 60 rules
// and network ACL buckets over 20 entries (adjustable) or 40 (the most AWS allows), with the counts
// as AWS counts them (model/quota.h). It changes nothing.
#include <fmt/format.h>

#include "model/quota.h"
#include "passes/pass.h"

namespace sgopt {
namespace {

Finding quota_finding(const std::string& id, Direction d, Severity sev, const char* kind, std::string message,
                      std::string fix, const Location& where) {
  Finding out;
  out.pass = "quota";
  out.kind = kind;
  out.severity = sev;
  out.resource_id = id;
  out.direction = d;
  out.message = std::move(message);
  out.fix = std::move(fix);
  out.where = where;
  return out;
}

class QuotaPass final : public Pass {
 public:
  std::string_view name() const override { return "quota"; }
  std::string_view description() const override {
    return "buckets over AWS quotas: 60 rules per security-group bucket, 20 (at most 40) entries per ACL bucket";
  }
  void run(const AnalysisContext& ctx, std::vector<Finding>& out) const override {
    for (const auto& b : kQuotaBuckets) {
      auto i = static_cast<std::size_t>(bucket_index(b.direction, b.family));
      const std::string bucket = bucket_name(b.direction, b.family);
      if (ctx.group) {
        int used = count_sg_quota(*ctx.group, &ctx.snapshot).used[i];
        if (used > kSgRuleQuota)
          out.push_back(quota_finding(
              ctx.group->id, b.direction, Severity::Medium, "over-quota",
              fmt::format("{} uses {} rules, over the default quota of {} per bucket", bucket, used, kSgRuleQuota),
              "merge rules (sgopt minimize) or request a higher quota", ctx.group->where));
      }
      if (ctx.acl) {
        int used = count_nacl_quota(*ctx.acl).used[i];
        if (used > kNaclEntryQuotaMax)
          out.push_back(quota_finding(
              ctx.acl->id, b.direction, Severity::High, "over-hard-limit",
              fmt::format("{} has {} entries, over the most AWS allows ({})", bucket, used, kNaclEntryQuotaMax),
              "merge entries (sgopt minimize); AWS cannot hold this ACL", ctx.acl->where));
        else if (used > kNaclEntryQuota)
          out.push_back(quota_finding(
              ctx.acl->id, b.direction, Severity::Medium, "over-quota",
              fmt::format("{} has {} entries, over the default quota of {} (adjustable up to {})", bucket, used,
                          kNaclEntryQuota, kNaclEntryQuotaMax),
              "merge entries (sgopt minimize) or request a higher quota", ctx.acl->where));
      }
    }
  }
};

}  // namespace

const Pass& pass_quota() {
  static const QuotaPass pass;
  return pass;
}

}  // namespace sgopt
