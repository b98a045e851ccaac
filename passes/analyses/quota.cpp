// Pass quota: finds security-group buckets (direction x family) over the default quota of 60 rules
// and network ACL buckets over 20 entries (adjustable) or 40 (the most AWS allows), with the counts
// as AWS counts them (model/quota.h). It changes nothing.
#include "model/quota.h"

#include "passes/pass.h"

#include <fmt/format.h>

namespace sgopt {
namespace {

constexpr FindingKind kOverQuota{
    "over-quota",
    "OverQuota",
    "A rule bucket is over its default AWS quota.",
    help_uri::kQuotas,
    Severity::Medium,
    Concern::Maintainability,
    "AWS refuses to add rules beyond the quota unless it has been raised for the account and region, so an apply "
    "of these rules can fail.",
    "Run sgopt minimize to merge the rules into fewer (proved equivalent), or request a quota increase."};
constexpr FindingKind kOverHardLimit{
    "over-hard-limit",
    "OverHardLimit",
    "A network ACL bucket is over the most entries AWS allows.",
    help_uri::kQuotas,
    Severity::High,
    Concern::Maintainability,
    "No quota increase allows more than 40 entries per ACL direction: AWS will refuse these entries.",
    "Run sgopt minimize to merge entries (proved equivalent), or move part of the filtering into security "
    "groups."};
constexpr const FindingKind* kKinds[] = {&kOverQuota, &kOverHardLimit};

Finding quota_finding(const std::string& id, Direction d, const FindingKind& kind, std::string message, std::string fix,
                      const Location& where) {
  Finding out = finding_of(kind);
  out.resource_id = id;
  out.direction = d;
  out.message = std::move(message);
  out.fix = std::move(fix);
  out.where = where;
  return out;
}

class QuotaPass final : public Pass {
 public:
  std::span<const FindingKind* const> kinds() const override { return kKinds; }
  void run(const AnalysisContext& ctx, std::vector<Finding>& out) const override {
    for (const auto& b : kQuotaBuckets) {
      auto i = static_cast<std::size_t>(bucket_index(b.direction, b.family));
      const std::string bucket = bucket_name(b.direction, b.family);
      if (ctx.group) {
        int used = count_sg_quota(*ctx.group, &ctx.snapshot).used[i];
        if (used > kSgRuleQuota)
          out.push_back(quota_finding(
              ctx.group->id, b.direction, kOverQuota,
              fmt::format("{} uses {} rules, over the default quota of {} per bucket", bucket, used, kSgRuleQuota),
              "merge rules (sgopt minimize) or request a higher quota", ctx.group->where));
      }
      if (ctx.acl) {
        int used = count_nacl_quota(*ctx.acl).used[i];
        if (used > kNaclEntryQuotaMax)
          out.push_back(quota_finding(
              ctx.acl->id, b.direction, kOverHardLimit,
              fmt::format("{} has {} entries, over the most AWS allows ({})", bucket, used, kNaclEntryQuotaMax),
              "merge entries (sgopt minimize); AWS cannot hold this ACL", ctx.acl->where));
        else if (used > kNaclEntryQuota)
          out.push_back(
              quota_finding(ctx.acl->id, b.direction, kOverQuota,
                            fmt::format("{} has {} entries, over the default quota of {} (adjustable up to {})", bucket,
                                        used, kNaclEntryQuota, kNaclEntryQuotaMax),
                            "merge entries (sgopt minimize) or request a higher quota", ctx.acl->where));
      }
    }
  }
};

}  // namespace

Pass& pass_quota() {
  static QuotaPass pass;
  return pass;
}

}  // namespace sgopt
