#!/usr/bin/env python3
"""Run two sgopt builds over the real corpus and tabulate where their answers differ.

    bench/compare_builds.py OLD_SGOPT NEW_SGOPT [REALDATA_DIR]

For each describe export set (files named SET.Kind.json) it compares, between the two builds:
  - analyze: findings per pass/kind (and, for builds that report it, per world);
  - diff: the verdict of every ordered pair of security groups of one set (--left/--right, native
    engine only), with the set's network interfaces loaded when it has any;
  - minimize: rules before and after, per set.
It prints a summary table and the pairs whose verdict changed. Useful after a change of semantics;
it asserts nothing (the tests do that), it measures.
"""

import collections
import itertools
import json
import os
import subprocess
import sys
import tempfile


def run(binary, args):
    p = subprocess.run([binary] + args, capture_output=True, text=True)
    if p.returncode == 2:
        raise RuntimeError(f"{binary} {' '.join(args)}: {p.stderr.strip()}")
    return json.loads(p.stdout) if p.stdout.strip() else None


def export_sets(realdata):
    describe = os.path.join(realdata, "describe")
    sets = collections.defaultdict(dict)
    for name in sorted(os.listdir(describe)):
        parts = name.split(".")
        if len(parts) == 3 and parts[2] == "json":
            sets[parts[0]][parts[1]] = os.path.join(describe, name)
    return sets


def findings(binary, files):
    report = run(binary, ["--lenient", "analyze", *files, "--format", "json", "--fail-on", "none"])
    counts = collections.Counter()
    for f in report["findings"]:
        counts[(f["pass"], f["kind"], f.get("world", "-"))] += 1
    return counts


def verdicts(binary, sgs, extra):
    groups = [g["GroupId"] for g in json.load(open(sgs))["SecurityGroups"]]
    out = {}
    for left, right in itertools.permutations(groups, 2):
        args = ["--lenient", "diff", "--format", "json", "--no-prove", "--left", left, "--right", right]
        args += ["--old", sgs, "--new", sgs]
        for e in extra:
            args += ["--old", e, "--new", e]
        d = run(binary, args)
        for r in d["resources"]:
            for direction in r["directions"]:
                out[(left, right, direction["direction"])] = (direction["verdict"], direction.get("world", "-"))
    return out


def minimized(binary, files, tmp):
    out = os.path.join(tmp, f"min-{abs(hash((binary, tuple(files))))}.json")
    report = run(binary, ["--lenient", "minimize", *files, "-o", out, "--format", "json"])
    return report["total"]["rules_before"], report["total"]["rules_after"]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    old, new = sys.argv[1], sys.argv[2]
    realdata = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "../../shared/realdata")
    total_f = {old: collections.Counter(), new: collections.Counter()}
    verdict_counts = {old: collections.Counter(), new: collections.Counter()}
    changed = []
    mins = {old: [0, 0], new: [0, 0]}
    with tempfile.TemporaryDirectory() as tmp:
        for name, kinds in export_sets(realdata).items():
            files = list(kinds.values())
            for b in (old, new):
                total_f[b].update(findings(b, files))
            if "SecurityGroups" not in kinds:
                continue
            extra = [kinds["NetworkInterfaces"]] if "NetworkInterfaces" in kinds else []
            v = {b: verdicts(b, kinds["SecurityGroups"], extra) for b in (old, new)}
            for b in (old, new):
                verdict_counts[b].update(x[0] for x in v[b].values())
            for key in v[old]:
                if v[old][key][0] != v[new].get(key, ("-",))[0]:
                    changed.append((name, *key, v[old][key][0], *v[new].get(key, ("-", "-"))))
            for b in (old, new):
                before, after = minimized(b, [kinds["SecurityGroups"]], tmp)
                mins[b][0] += before
                mins[b][1] += after

    print("findings (pass/kind, world): old -> new")
    keys = sorted(set(total_f[old]) | set(total_f[new]))
    by_kind = collections.defaultdict(lambda: [0, 0, 0])  # old, new open, new closed
    for k in keys:
        by_kind[k[:2]][0] += total_f[old][k]
        by_kind[k[:2]][1 if k[2] != "closed" else 2] += total_f[new][k]
    for (p, kind), (o, n_open, n_closed) in sorted(by_kind.items()):
        mark = "" if o == n_open + n_closed else "  *"
        print(f"  {p}/{kind}: {o} -> {n_open + n_closed} ({n_open} open, {n_closed} closed){mark}")
    print("diff verdicts of group pairs (per direction): old -> new")
    for verdict in sorted(set(verdict_counts[old]) | set(verdict_counts[new])):
        print(f"  {verdict}: {verdict_counts[old][verdict]} -> {verdict_counts[new][verdict]}")
    transitions = collections.Counter((c[4], c[5], c[6]) for c in changed)
    print(f"  changed: {len(changed)}")
    for (o, n, w), count in sorted(transitions.items()):
        print(f"    {o} -> {n} ({w} world): {count}")
    print("minimize (security groups, rules counted as AWS counts quota): before -> after")
    for b, label in ((old, "old"), (new, "new")):
        print(f"  {label}: {mins[b][0]} -> {mins[b][1]}")


if __name__ == "__main__":
    main()
