// Model comparison for round-trip tests.
#include "tests/model/aws/load_helpers.h"

namespace sgopt::testing {
namespace {

void expect_same_rule(const SgRule& x, const SgRule& y) {
  EXPECT_EQ(x.protocol, y.protocol);
  EXPECT_EQ(x.from_port, y.from_port);
  EXPECT_EQ(x.to_port, y.to_port);
  EXPECT_TRUE(x.peer == y.peer) << x.peer.str() << " vs " << y.peer.str();
  EXPECT_EQ(x.peer.user_id, y.peer.user_id);
  EXPECT_EQ(x.source.description, y.source.description);
  EXPECT_EQ(x.source.rule_id, y.source.rule_id);
  EXPECT_EQ(x.source.peer_text, y.source.peer_text);
}

void expect_same_entry(const NaclEntry& x, const NaclEntry& y) {
  EXPECT_EQ(x.rule_number, y.rule_number);
  EXPECT_EQ(x.allow, y.allow);
  EXPECT_EQ(x.direction, y.direction);
  EXPECT_EQ(x.protocol, y.protocol);
  EXPECT_EQ(x.port_range.has_value(), y.port_range.has_value());
  if (x.port_range && y.port_range) {
    EXPECT_EQ(x.port_range->from, y.port_range->from);
    EXPECT_EQ(x.port_range->to, y.port_range->to);
  }
  EXPECT_EQ(x.icmp.has_value(), y.icmp.has_value());
  if (x.icmp && y.icmp) {
    EXPECT_EQ(x.icmp->type, y.icmp->type);
    EXPECT_EQ(x.icmp->code, y.icmp->code);
  }
  EXPECT_EQ(x.cidr, y.cidr);
}

}  // namespace

void expect_same_model(const Snapshot& a, const Snapshot& b) {
  ASSERT_EQ(a.groups.size(), b.groups.size());
  for (std::size_t i = 0; i < a.groups.size(); ++i) {
    const SecurityGroup &x = a.groups[i], &y = b.groups[i];
    SCOPED_TRACE(x.id);
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.description, y.description);
    EXPECT_EQ(x.vpc_id, y.vpc_id);
    EXPECT_EQ(x.owner_id, y.owner_id);
    EXPECT_EQ(x.tags, y.tags);
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      ASSERT_EQ(x.rules(d).size(), y.rules(d).size()) << direction_name(d);
      for (std::size_t k = 0; k < x.rules(d).size(); ++k) {
        SCOPED_TRACE(x.rules(d)[k].where().str());
        expect_same_rule(x.rules(d)[k], y.rules(d)[k]);
      }
    }
  }
  ASSERT_EQ(a.acls.size(), b.acls.size());
  for (std::size_t i = 0; i < a.acls.size(); ++i) {
    const NetworkAcl &x = a.acls[i], &y = b.acls[i];
    SCOPED_TRACE(x.id);
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.vpc_id, y.vpc_id);
    EXPECT_EQ(x.owner_id, y.owner_id);
    EXPECT_EQ(x.is_default, y.is_default);
    EXPECT_EQ(x.tags, y.tags);
    EXPECT_EQ(x.subnet_ids, y.subnet_ids);
    for (Direction d : {Direction::Ingress, Direction::Egress}) {
      ASSERT_EQ(x.entries(d).size(), y.entries(d).size()) << direction_name(d);
      for (std::size_t k = 0; k < x.entries(d).size(); ++k) expect_same_entry(x.entries(d)[k], y.entries(d)[k]);
    }
  }
}

}  // namespace sgopt::testing
