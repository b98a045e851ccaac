#!/usr/bin/env python3
"""Write a realistic generated AWS account as a folder of describe-* outputs (seeded, so the same
arguments give the same bytes).

    bench/gen_account.py GROUPS [--seed N] -o DIR

The mix follows what real exports show: every group has 5-60 rules per direction (a rule is one
address or reference of a permission; permissions hold 1-4 of them), about 20 % of rules name
another group of the same VPC (some the group itself), about 5 % are IPv6, the rest IPv4 CIDRs of
every prefix length with common services and port ranges; a few are all-traffic or ICMP. Groups
are spread over one VPC per 200 groups; half of the groups are attached to network interfaces
(1-5 groups per interface, as AWS allows). DIR gets SecurityGroups.json
(describe-security-groups) and NetworkInterfaces.json (describe-network-interfaces).

With --acls, interfaces sit 10 to a subnet, and DIR also gets Subnets.json (describe-subnets) and
NetworkAcls.json (describe-network-acls): each VPC's default ACL (allow all), and per subnet an
associated ACL of 6-20 entries (services from chosen blocks, denies, the ephemeral range for
replies, the default denies); every fifth subnet is left to its VPC's default ACL.
"""

import argparse
import json
import os
import random

SERVICES = [22, 80, 443, 3306, 5432, 6379, 8080, 8443, 9200, 27017, 53, 123, 389, 636, 3389, 5000, 9090]


def subnet_id(v, i, many):
    return "subnet-%017x" % ((v << 16) + (i % 200) // 20 if many else v)


def acl_entry(number, egress, action, proto, cidr, lo=None, hi=None):
    e = {"RuleNumber": number, "Protocol": proto, "RuleAction": action, "Egress": egress, "CidrBlock": cidr}
    if lo is not None:
        e["PortRange"] = {"From": lo, "To": hi}
    return e


def write_acls(rnd, n, per_vpc, out_dir):
    vpcs = (n + per_vpc - 1) // per_vpc
    subnets, acls = [], []
    for v in range(vpcs):
        default = "acl-%017x" % (v << 8)
        assoc_default = []
        for k in range(per_vpc // 20):
            if v * per_vpc + 20 * k >= n:
                break
            sid = "subnet-%017x" % ((v << 16) + k)
            subnets.append({"SubnetId": sid, "VpcId": "vpc-%017x" % v, "CidrBlock": "10.%d.%d.0/24" % (v % 256, k),
                            "AvailabilityZone": "us-east-1a"})
            if k % 5 == 4:
                assoc_default.append(sid)
                continue
            entries = []
            for e, egress in ((0, False), (0, True)):
                num = 100
                for _ in range(rnd.randint(2, 8)):
                    port = rnd.choice(SERVICES)
                    entries.append(acl_entry(num, egress, rnd.choice(["allow", "allow", "deny"]), "6", cidr4(rnd), port, port))
                    num += 10
                entries.append(acl_entry(num, egress, "allow", "6", "0.0.0.0/0", rnd.choice([1024, 32768]), 65535))
                entries.append(acl_entry(32767, egress, "deny", "-1", "0.0.0.0/0"))
            acls.append({"NetworkAclId": "acl-%017x" % ((v << 8) + k + 1), "VpcId": "vpc-%017x" % v, "IsDefault": False,
                         "Entries": entries, "Associations": [{"SubnetId": sid, "NetworkAclId": "acl-%017x" % ((v << 8) + k + 1)}]})
        acls.append({"NetworkAclId": default, "VpcId": "vpc-%017x" % v, "IsDefault": True,
                     "Entries": [acl_entry(100, False, "allow", "-1", "0.0.0.0/0"), acl_entry(32767, False, "deny", "-1", "0.0.0.0/0"),
                                 acl_entry(100, True, "allow", "-1", "0.0.0.0/0"), acl_entry(32767, True, "deny", "-1", "0.0.0.0/0")],
                     "Associations": [{"SubnetId": s, "NetworkAclId": default} for s in assoc_default]})
    with open(os.path.join(out_dir, "Subnets.json"), "w") as f:
        json.dump({"Subnets": subnets}, f, indent=1)
    with open(os.path.join(out_dir, "NetworkAcls.json"), "w") as f:
        json.dump({"NetworkAcls": acls}, f, indent=1)


def gid(i):
    return "sg-%017x" % (0x1000 + i)


def cidr4(rnd):
    r = rnd.random()
    if r < 0.03:
        return "0.0.0.0/0"
    if r < 0.55:
        plen = rnd.choice([16, 20, 22, 24, 24, 24, 26, 28, 32])
        a = (10 << 24) | (rnd.randrange(256) << 16) | (rnd.randrange(256) << 8) | rnd.randrange(256)
    elif r < 0.75:
        plen = rnd.choice([12, 16, 20, 24, 32])
        a = (172 << 24) | ((16 + rnd.randrange(16)) << 16) | (rnd.randrange(256) << 8) | rnd.randrange(256)
    else:
        plen = rnd.choice([8, 16, 24, 24, 28, 29, 32, 32])
        a = rnd.randrange(1 << 32)
    a &= ((1 << 32) - 1) ^ ((1 << (32 - plen)) - 1)
    return "%d.%d.%d.%d/%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, plen)


def cidr6(rnd):
    if rnd.random() < 0.05:
        return "::/0"
    return "2001:db8:%x:%x::/64" % (rnd.randrange(65536), rnd.randrange(65536))


def ports(rnd):
    r = rnd.random()
    if r < 0.04:
        return {"IpProtocol": "-1"}
    if r < 0.07:
        return {"IpProtocol": "icmp", "FromPort": rnd.choice([-1, 0, 3, 8, 11]), "ToPort": -1}
    proto = "udp" if r < 0.2 else "tcp"
    if rnd.random() < 0.7:
        p = rnd.choice(SERVICES)
        return {"IpProtocol": proto, "FromPort": p, "ToPort": p}
    lo = rnd.randrange(1024, 65000)
    return {"IpProtocol": proto, "FromPort": lo, "ToPort": min(65535, lo + rnd.choice([1, 10, 99, 1000, 5000]))}


def permissions(rnd, i, vpc_groups, owner):
    want = rnd.randint(5, 60)
    out = []
    while want > 0:
        perm = ports(rnd)
        perm.update({"IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []})
        for _ in range(min(want, rnd.randint(1, 4))):
            want -= 1
            r = rnd.random()
            if r < 0.2:
                peer = gid(i) if rnd.random() < 0.15 else gid(rnd.choice(vpc_groups))
                perm["UserIdGroupPairs"].append({"GroupId": peer, "UserId": owner})
            elif r < 0.25:
                perm["Ipv6Ranges"].append({"CidrIpv6": cidr6(rnd), "Description": "v6 peer"})
            else:
                item = {"CidrIp": cidr4(rnd)}
                if rnd.random() < 0.5:
                    item["Description"] = "from team %d" % rnd.randrange(40)
                perm["IpRanges"].append(item)
        out.append(perm)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("groups", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", required=True, help="the folder to write")
    ap.add_argument("--acls", action="store_true", help="also write subnets and network ACLs")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    n = args.groups
    owner = "123456789012"
    per_vpc = 200
    os.makedirs(args.output, exist_ok=True)
    out = open(os.path.join(args.output, "SecurityGroups.json"), "w")
    out.write('{\n  "SecurityGroups": [\n')
    for i in range(n):
        v = i // per_vpc
        vpc_groups = list(range(v * per_vpc, min(n, (v + 1) * per_vpc)))
        g = {
            "Description": "generated group %d" % i,
            "GroupName": "group-%d" % i,
            "IpPermissions": permissions(rnd, i, vpc_groups, owner),
            "OwnerId": owner,
            "GroupId": gid(i),
            "IpPermissionsEgress": permissions(rnd, i, vpc_groups, owner),
            "Tags": [{"Key": "Name", "Value": "g%d" % i}, {"Key": "team", "Value": "t%d" % (i % 17)}],
            "VpcId": "vpc-%017x" % v,
        }
        text = json.dumps(g, indent=2).replace("\n", "\n    ")
        out.write("    " + text + (",\n" if i + 1 < n else "\n"))
    out.write("  ]\n}\n")
    out.close()
    out = open(os.path.join(args.output, "NetworkInterfaces.json"), "w")
    out.write('{\n  "NetworkInterfaces": [\n')
    enis = []
    for i in range(0, n, 2):
        v = i // per_vpc
        lo, hi = v * per_vpc, min(n, (v + 1) * per_vpc)
        groups = [i] + rnd.sample(range(lo, hi), min(hi - lo, rnd.randint(0, 4)))
        groups = list(dict.fromkeys(groups))
        a = (10 << 24) + (v << 16) + (i % per_vpc) + 4
        enis.append({
            "NetworkInterfaceId": "eni-%017x" % (0x1000 + i),
            "SubnetId": subnet_id(v, i, args.acls),
            "VpcId": "vpc-%017x" % v,
            "PrivateIpAddress": "%d.%d.%d.%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255),
            "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": "%d.%d.%d.%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255)}],
            "Groups": [{"GroupId": gid(g), "GroupName": "group-%d" % g} for g in groups],
            "Status": "in-use",
        })
    for k, e in enumerate(enis):
        text = json.dumps(e, indent=2).replace("\n", "\n    ")
        out.write("    " + text + (",\n" if k + 1 < len(enis) else "\n"))
    out.write("  ]\n}\n")
    out.close()
    if args.acls:
        write_acls(rnd, n, per_vpc, args.output)


if __name__ == "__main__":
    main()
