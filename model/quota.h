// Quota use as AWS counts it: SG rules per direction and family, NACL entries per direction and family.
#pragma once

#include "model/snapshot.h"

#include <array>
#include <string>

namespace sgopt {

constexpr int kSgRuleQuota = 60;
constexpr int kNaclEntryQuota = 20;
constexpr int kNaclEntryQuotaMax = 40;

/// One bucket: direction x family.
struct QuotaBucket {
  Direction direction;
  Family family;
};
inline constexpr std::array<QuotaBucket, 4> kQuotaBuckets = {{{Direction::Ingress, Family::V4},
                                                              {Direction::Ingress, Family::V6},
                                                              {Direction::Egress, Family::V4},
                                                              {Direction::Egress, Family::V6}}};
inline int bucket_index(Direction d, Family f) { return static_cast<int>(d) * 2 + static_cast<int>(f); }
std::string bucket_name(Direction d, Family f);  // "ingress/IPv4"

/// The bucket an SG rule counts against. Group references and prefix lists of unknown family count
/// as IPv4 (AWS does not document this; see README "Quota counting").
Family rule_family(const SgRule& rule, const Snapshot* snapshot);
/// Quota weight of a rule: 1, or a prefix list's MaxEntries when the snapshot knows it.
int rule_weight(const SgRule& rule, const Snapshot* snapshot);

struct SgQuota {
  std::array<int, 4> used{};  // by bucket_index
};
SgQuota count_sg_quota(const SecurityGroup& g, const Snapshot* snapshot);

/// NACL entries per direction and family, including the default denies (AWS counts them).
struct NaclQuota {
  std::array<int, 4> used{};
};
NaclQuota count_nacl_quota(const NetworkAcl& acl);

}  // namespace sgopt
