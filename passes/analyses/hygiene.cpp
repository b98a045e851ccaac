// Pass hygiene: account clean-up candidates (passes/analyses/account_hygiene.h). Groups no
// interface, launch template, launch configuration or other group uses; groups only other groups'
// rules name; groups of one VPC that allow exactly what another allows (duplicates) or strictly
// less than another group on every interface carrying them; ACLs associated with no subnet; and
// interfaces near their quotas. It changes nothing; `sgopt cleanup` plans the clean-up.
#include "model/rule_text.h"
#include "passes/analyses/account_hygiene.h"
#include "passes/pass.h"

#include <fmt/format.h>

#include <memory>

namespace sgopt {
namespace {

constexpr FindingKind kUnusedGroup{
    "unused-group",
    "UnusedSecurityGroup",
    "No loaded network interface carries the security group, no launch template or launch configuration names "
    "it, and no other group's rule names it: it can be deleted.",
    help_uri::kSecurityGroups,
    Severity::Low,
    Concern::Maintainability,
    "Unused groups clutter the account, count against the groups-per-VPC quota, and may be attached later "
    "without anyone reviewing their rules.",
    "Delete the group (sgopt cleanup plans the deletions, checked against the interfaces)."};
constexpr FindingKind kReferencedOnly{
    "referenced-only-group",
    "ReferencedOnlySecurityGroup",
    "No loaded network interface carries the security group, but other groups' rules name it: those rules match "
    "no traffic, and must be revoked before the group can be deleted.",
    help_uri::kSecurityGroups,
    Severity::Low,
    Concern::Maintainability,
    "The rules that name the group match nothing today and would match whatever is attached to it later.",
    "Revoke the rules that name the group, then delete it (sgopt cleanup plans both)."};
constexpr FindingKind kDuplicate{
    "duplicate-group",
    "DuplicateSecurityGroup",
    "The security group allows exactly the traffic another group of its VPC allows, in both directions, for "
    "every membership of the groups they name (each group's own members counting as the group itself).",
    help_uri::kSecurityGroups,
    Severity::Low,
    Concern::Maintainability,
    "Two groups that must be kept in step double the work of every change and drift apart over time.",
    "Move the interfaces to one of the two groups and delete the other (sgopt cleanup plans it)."};
constexpr FindingKind kTighter{
    "tighter-duplicate",
    "TighterDuplicateSecurityGroup",
    "The security group allows strictly less than another group that every interface carrying it also "
    "carries: it adds nothing to those interfaces.",
    help_uri::kSecurityGroups,
    Severity::Low,
    Concern::Maintainability,
    "The group costs one of the interface's group slots (5 by default) without changing what reaches it.",
    "Detach the group from those interfaces, then delete it if nothing else uses it."};
constexpr FindingKind kUnusedAcl{
    "unused-acl",
    "UnusedNetworkAcl",
    "The network ACL is associated with no subnet: it filters nothing and can be deleted.",
    help_uri::kNetworkAcls,
    Severity::Low,
    Concern::Maintainability,
    "An ACL with no subnet filters nothing, yet its entries look like protection to whoever reads them.",
    "Delete the ACL, or associate it with the subnets it was written for."};
constexpr FindingKind kNearLimit{
    "interface-near-limit",
    "InterfaceNearQuota",
    "The network interface is within 10 % of the security-groups-per-interface quota, or of the 1,000 cap on "
    "rules per group times groups per interface.",
    help_uri::kQuotas,
    Severity::Low,
    Concern::Maintainability,
    "The next group or rule added for this interface may be refused by AWS.",
    "Merge groups or rules (sgopt minimize), or request a quota increase before it is needed."};
constexpr const FindingKind* kKinds[] = {&kUnusedGroup, &kReferencedOnly, &kDuplicate,
                                         &kTighter,     &kUnusedAcl,      &kNearLimit};

std::string join(const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, ", ")); }

std::string plural(std::size_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// "sg-1 (web)".
std::string group_label(const SecurityGroup& g) {
  return g.name.empty() ? g.id : fmt::format("{} ({})", g.id, g.name);
}

std::vector<std::string> interface_ids(const GroupUsage& u) {
  std::vector<std::string> ids;
  for (const NetworkInterface* e : u.interfaces) ids.push_back(e->id);
  return ids;
}

// "3 interfaces and 1 launch template", "unused".
std::string attachments_text(const GroupUsage& u) {
  std::vector<std::string> parts;
  if (!u.interfaces.empty()) parts.push_back(plural(u.interfaces.size(), "interface", "interfaces"));
  if (!u.consumers.empty()) parts.push_back(plural(u.consumers.size(), "launch template or configuration",
                                                   "launch templates or configurations"));
  return parts.empty() ? "no attachment" : fmt::format("{}", fmt::join(parts, " and "));
}

const std::vector<std::string>& usage_assumptions() {
  static const std::vector<std::string> a{
      "the loaded describe-network-interfaces output lists every interface of the account and region",
      "launch templates, launch configurations and services that attach a group only when they start (ECS "
      "tasks, Lambda functions, EMR, ...) are seen only through the describe-launch-template-versions and "
      "describe-launch-configurations outputs given"};
  return a;
}

class HygienePass final : public Pass {
 public:
  std::span<const FindingKind* const> kinds() const override { return kKinds; }
  void run(const AnalysisContext& ctx, std::vector<Finding>& out) const override {
    if (ctx.world == World::Closed) return;  // none of these depends on what references stand for
    if (ctx.acl) {
      unused_acl(*ctx.acl, out);
      return;
    }
    if (!ctx.group) return;
    std::unique_ptr<AccountHygiene> own;
    const AccountHygiene* h = ctx.shared ? &ctx.shared->hygiene() : nullptr;
    if (!h) {
      own = std::make_unique<AccountHygiene>(ctx.snapshot, ctx.options);
      h = own.get();
    }
    const SecurityGroup& g = *ctx.group;
    if (h->usage_known()) usage(*h, g, out);
    duplicate(*h, g, out);
    for (const TighterGroup* t : h->tighter(g)) tighter(*h, *t, out);
    for (const InterfaceLoad* l : h->loads_reported_with(g)) near_limit(*l, out);
  }

 private:
  static void usage(const AccountHygiene& h, const SecurityGroup& g, std::vector<Finding>& out) {
    const GroupUsage& u = h.usage(g);
    if (u.use == GroupUse::InUse || g.is_default()) return;
    Finding f = finding_of(u.use == GroupUse::Unused ? kUnusedGroup : kReferencedOnly);
    f.resource_id = g.id;
    f.where = g.where;
    f.world = World::Closed;
    f.assumptions = usage_assumptions();
    if (u.use == GroupUse::Unused) {
      f.message = fmt::format(
          "{} is unused: no loaded interface carries it, no launch template or configuration names it, and no "
          "other group's rule names it",
          group_label(g));
      f.fix = fmt::format("delete it (aws ec2 delete-security-group --group-id {}); sgopt cleanup plans it", g.id);
    } else {
      std::vector<std::string> groups;
      for (const RuleAt& r : u.referrers) {
        f.causes.push_back(sg_rule_ref(r.group->id, r.direction, r.rule()));
        if (std::find(groups.begin(), groups.end(), r.group->id) == groups.end()) groups.push_back(r.group->id);
      }
      f.message = fmt::format(
          "{} is referenced only: no loaded interface carries it and no launch template or configuration names "
          "it, but {} of {} {} it; {} no traffic while it has no members",
          group_label(g), plural(u.referrers.size(), "rule", "rules"), plural(groups.size(), "group", "groups"),
          u.referrers.size() == 1 ? "names" : "name", u.referrers.size() == 1 ? "that rule matches" : "they match");
      f.fix = fmt::format(
          "revoke the rules that name it in {}, then delete it (AWS refuses to delete a group other groups "
          "name); sgopt cleanup plans both in that order",
          join(groups));
    }
    out.push_back(std::move(f));
  }

  static void duplicate(const AccountHygiene& h, const SecurityGroup& g, std::vector<Finding>& out) {
    const DuplicateClass* c = h.duplicates(g);
    if (!c || c->members.front() == &g) return;
    const SecurityGroup& keep = *c->members.front();
    std::vector<std::string> members;
    for (const SecurityGroup* m : c->members)
      members.push_back(fmt::format("{} ({})", m->id, attachments_text(h.usage(*m))));
    Finding f = finding_of(kDuplicate);
    f.resource_id = g.id;
    f.where = g.where;
    const GroupUsage& u = h.usage(g);
    f.interfaces = interface_ids(u);
    std::string why = keep.is_default()                              ? "the VPC's default group"
                      : h.attachments(keep) != h.attachments(*c->members[1]) ? "the most attachments"
                                                                             : "the first id";
    f.message = fmt::format(
        "{} allows exactly what {} allows in both directions, each group's own members counting as the group "
        "itself: {} groups of {} are the same ({}); keep {} ({})",
        group_label(g), group_label(keep), c->members.size(), g.vpc_id.empty() ? "no VPC" : g.vpc_id,
        join(members), keep.id, why);
    f.regions = members;
    f.fix = u.interfaces.empty()
                ? fmt::format("delete {} and use {} instead; sgopt cleanup plans and checks it", g.id, keep.id)
                : fmt::format("re-point {} from {} to {}, then delete {}; sgopt cleanup plans it and checks every "
                              "step on the interfaces",
                              join(f.interfaces), g.id, keep.id, g.id);
    if (!u.consumers.empty())
      f.fix += fmt::format(" (first change the launch data that names {})", g.id);
    out.push_back(std::move(f));
  }

  static void tighter(const AccountHygiene& h, const TighterGroup& t, std::vector<Finding>& out) {
    const SecurityGroup& g = *t.tighter;
    Finding f = finding_of(kTighter);
    f.resource_id = g.id;
    f.where = g.where;
    f.interfaces = interface_ids(h.usage(g));
    f.direction = t.direction;
    f.witness = t.witness;
    f.message = fmt::format(
        "{} allows strictly less than {}, and every interface carrying it ({}) carries {} too: it adds nothing "
        "there ({} allows {} {}, {} does not)",
        group_label(g), group_label(*t.looser), join(f.interfaces), t.looser->id, t.looser->id,
        direction_name(t.direction), t.witness.str(), g.id);
    f.fix = fmt::format("remove {} from {}{}; sgopt cleanup plans it and checks every step", g.id,
                        join(f.interfaces),
                        h.usage(g).referrers.empty() ? "" : " (other groups' rules name it: see cleanup)");
    out.push_back(std::move(f));
  }

  static void near_limit(const InterfaceLoad& l, std::vector<Finding>& out) {
    Finding f = finding_of(kNearLimit);
    f.resource_id = l.eni->id;
    f.where = l.eni->where;
    f.interfaces = {l.eni->id};
    std::vector<std::string> parts;
    if (l.near_groups)
      parts.push_back(fmt::format("it carries {} of the {} it may carry ({}%)",
                                  plural(static_cast<std::size_t>(l.groups), "group", "groups"), l.groups_limit,
                                  l.groups * 100 / l.groups_limit));
    if (l.near_product)
      parts.push_back(fmt::format(
          "its {} with up to {} rules in one bucket ({}) need a rules-per-group quota of {} beside a "
          "groups-per-interface quota of {}: {} of the 1,000 their product may reach",
          plural(static_cast<std::size_t>(l.groups), "group", "groups"), l.largest_bucket, l.largest_bucket_of,
          l.largest_bucket, l.groups, l.groups * l.largest_bucket));
    f.message = fmt::format("{} is near a quota: {}", l.eni->id, join(parts));
    f.fix = l.near_groups ? "merge groups of the interface (sgopt minimize, and duplicate-group findings) before "
                            "attaching another, or raise the groups-per-interface quota"
                          : "shrink the largest groups (sgopt minimize) before adding rules or groups";
    out.push_back(std::move(f));
  }

  static void unused_acl(const NetworkAcl& acl, std::vector<Finding>& out) {
    if (acl.is_default || !acl.subnet_ids.empty()) return;
    Finding f = finding_of(kUnusedAcl);
    f.resource_id = acl.id;
    f.where = acl.where;
    f.message = fmt::format("{} is associated with no subnet: it filters nothing", acl.id);
    f.fix = fmt::format("delete it (aws ec2 delete-network-acl --network-acl-id {}); sgopt cleanup plans it", acl.id);
    out.push_back(std::move(f));
  }
};

}  // namespace

Pass& pass_hygiene() {
  static HygienePass pass;
  return pass;
}

}  // namespace sgopt
