#!/usr/bin/env python3
"""Turn a generated account (bench/gen_account.py) into a Terraform plan of it (seeded).

    bench/gen_plan.py ACCOUNT_DIR [--seed N] [--changed PERCENT] -o plan.json

Every group of ACCOUNT_DIR/SecurityGroups.json becomes an aws_security_group whose configuration
declares its rules inline (Terraform's shape: one block per permission, peers in cidr_blocks,
ipv6_cidr_blocks, security_groups, self). PERCENT of the groups (default 5) change: one block's
port range is widened by one port, or one CIDR narrowed to its first half, each alternately, so
the plan holds equivalent, looser and tighter groups to prove. Used by bench/scale.sh-style runs:

    /usr/bin/time -f '%e s %M KB' sgopt diff plan.json --format json > /dev/null
"""

import argparse
import ipaddress
import json
import random


def block(perm, group_id):
    proto = perm["IpProtocol"]
    b = {"protocol": proto, "from_port": perm.get("FromPort", 0), "to_port": perm.get("ToPort", 0),
         "cidr_blocks": [r["CidrIp"] for r in perm.get("IpRanges", [])],
         "ipv6_cidr_blocks": [r["CidrIpv6"] for r in perm.get("Ipv6Ranges", [])],
         "prefix_list_ids": [p["PrefixListId"] for p in perm.get("PrefixListIds", [])],
         "security_groups": [], "self": False, "description": ""}
    if proto == "-1":
        b["from_port"] = b["to_port"] = 0
    for pair in perm.get("UserIdGroupPairs", []):
        if pair["GroupId"] == group_id:
            b["self"] = True
        else:
            b["security_groups"].append(pair["GroupId"])
    return b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("account")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--changed", type=float, default=5.0)
    ap.add_argument("-o", required=True)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    groups = json.load(open(f"{a.account}/SecurityGroups.json"))["SecurityGroups"]
    changes, config = [], []
    for i, g in enumerate(groups):
        addr = f"aws_security_group.g[{i}]"
        values = {"id": g["GroupId"], "name": g.get("GroupName", ""), "description": g.get("Description", ""),
                  "vpc_id": g.get("VpcId", ""), "owner_id": g.get("OwnerId", ""), "tags": None,
                  "ingress": [block(p, g["GroupId"]) for p in g.get("IpPermissions", [])],
                  "egress": [block(p, g["GroupId"]) for p in g.get("IpPermissionsEgress", [])]}
        after = json.loads(json.dumps(values))
        action = "no-op"
        if rnd.random() * 100 < a.changed and after["ingress"]:
            action = "update"
            b = rnd.choice(after["ingress"])
            if i % 2 == 0 and b["protocol"] in ("tcp", "udp", "6", "17") and b["to_port"] < 65535:
                b["to_port"] += 1
            elif b["cidr_blocks"]:
                net = ipaddress.ip_network(b["cidr_blocks"][0])
                if net.prefixlen < 32:
                    b["cidr_blocks"][0] = str(next(net.subnets()))
        changes.append({"address": addr, "mode": "managed", "type": "aws_security_group", "name": "g", "index": i,
                        "change": {"actions": [action], "before": values, "after": after, "after_unknown": {}}})
    config.append({"address": "aws_security_group.g", "mode": "managed", "type": "aws_security_group", "name": "g",
                   "expressions": {"ingress": {"constant_value": []}, "egress": {"constant_value": []}}})
    plan = {"format_version": "1.2", "terraform_version": "1.6.6", "resource_changes": changes,
            "configuration": {"root_module": {"resources": config}}}
    with open(a.o, "w") as f:
        json.dump(plan, f)


if __name__ == "__main__":
    main()
