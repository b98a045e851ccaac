#!/usr/bin/env python3
"""Checks SARIF logs against what GitHub code scanning accepts and shows well, beyond the schema.

usage: check_sarif_github.py [--group NAME] FILE... [--group NAME FILE...]...
       check_sarif_github.py --self-test

Each --group names the command whose logs follow (e.g. analyze, diff): the runs of one group must
share one category (automationDetails.id) and the groups' categories must differ, or their uploads
would replace each other's alerts. Files outside any group are checked alone. Relative artifact
URIs are resolved against the %SRCROOT% the run declares, and must name files that exist (except
the reference sgopt writes for standard input, which has no base).

The rules come from GitHub's "SARIF support for code scanning" page and its upload limits:
  - version 2.1.0, at most 20 runs; tool.driver.name; runs[].automationDetails.id (the category)
  - at most 25,000 rules and 25,000 results per run (more rejects the upload)
  - every rule: id (unique), name, shortDescription.text, fullDescription.text, help.text,
    defaultConfiguration.level; at most 20 tags; a rule tagged "security" has exactly one
    properties["security-severity"], a string holding a number 0.0-10.0, and the level that
    number's rating implies (critical/high: error, medium: warning, low: note); a rule not tagged
    "security" has none
  - every result: a declared ruleId (ruleIndex, when given, points at it), a non-empty
    message.text, a level equal to its rule's defaultConfiguration.level (one rule, one
    severity), no security-severity of its own, partialFingerprints.primaryLocationLineHash
    ("<hex>:<n>", unique per rule in the run), 1 to 1,000 locations, each with a physicalLocation
    (GitHub rejects results whose locations are logical only, or that have none)
  - every artifactLocation.uri: a valid RFC 3986 URI reference (no space, raw %, backslash,
    control or non-ASCII character; no query or fragment, since a # or ? in a file name must be
    escaped), absolute ones of the file: scheme (GitHub rejects a scheme that differs from the
    checkout's), a uriBaseId only when run.originalUriBaseIds declares it (with a file: URI that
    ends in /), an index that names an artifact with the same location
  - every region: startLine >= 1, endLine >= startLine, columns >= 1 when given
  - the file gzipped is at most 10 MB
Exit status 0 when every file passes; each violation is printed to standard error.
"""
import gzip
import json
import os
import re
import sys
import tempfile
import urllib.parse

MAX_RUNS = 20
MAX_RULES = 25000
MAX_RESULTS = 25000
MAX_LOCATIONS = 1000
MAX_TAGS = 20
MAX_GZIP_BYTES = 10 * 1024 * 1024
LEVELS = {"none", "note", "warning", "error"}
STDIN_URI = "%3Cstdin%3E"  # sgopt's artifact for standard input: "<stdin>", a reference to no file

# RFC 3986: the characters a URI reference may hold, and a valid percent-escape.
URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
HASH = re.compile(r"^[0-9a-f]+:[0-9]+$")


def level_for(score):
    """The level a security severity's rating implies (GitHub's bands)."""
    if score >= 7.0:
        return "error"
    if score >= 4.0:
        return "warning"
    return "note"


class Checker:
    def __init__(self):
        self.errors = []

    def fail(self, where, what):
        self.errors.append(f"{where}: {what}")

    def uri(self, where, uri, base_id, bases):
        """Checks one artifact location's uri and uriBaseId; returns the file it names, if any."""
        if not isinstance(uri, str) or not uri:
            self.fail(where, "artifactLocation.uri is missing or empty")
            return None
        if not URI_CHARS.match(uri):
            bad = sorted({c for c in uri if not URI_CHARS.match(c)})
            self.fail(where, f"uri {uri!r} is not a valid URI reference (characters {bad!r} must be percent-encoded)")
        if BAD_ESCAPE.search(uri):
            self.fail(where, f"uri {uri!r} has a % that starts no %XX escape")
        if "?" in uri or "#" in uri:
            self.fail(where, f"uri {uri!r} has a query or fragment: a ? or # of a file name must be percent-encoded")
        m = SCHEME.match(uri)
        if m:
            if m.group(1).lower() != "file":
                self.fail(where, f"uri {uri!r} is absolute with scheme {m.group(1)!r}: GitHub rejects a scheme "
                                 "other than the checkout's (file)")
            if base_id is not None:
                self.fail(where, f"uri {uri!r} is absolute but has uriBaseId {base_id!r}")
            return urllib.parse.unquote(urllib.parse.urlparse(uri).path)
        if uri.startswith("/"):
            self.fail(where, f"uri {uri!r} is an absolute path, not a file: URI or a path relative to a base")
        if base_id is None:
            if uri != STDIN_URI:
                self.fail(where, f"relative uri {uri!r} has no uriBaseId")
            return None
        if base_id not in bases:
            self.fail(where, f"uriBaseId {base_id!r} is not declared in run.originalUriBaseIds")
            return None
        base = bases[base_id]
        return urllib.parse.unquote(urllib.parse.urlparse(base).path) + urllib.parse.unquote(uri)

    def region(self, where, region):
        if not isinstance(region, dict):
            self.fail(where, "physicalLocation has no region")
            return
        start = region.get("startLine")
        if not isinstance(start, int) or isinstance(start, bool) or start < 1:
            self.fail(where, f"region.startLine {start!r} is not an integer >= 1")
            return
        end = region.get("endLine", start)
        if not isinstance(end, int) or end < start:
            self.fail(where, f"region.endLine {end!r} is before startLine {start}")
        for key in ("startColumn", "endColumn"):
            if key in region and (not isinstance(region[key], int) or region[key] < 1):
                self.fail(where, f"region.{key} {region[key]!r} is not an integer >= 1")
        if end == start and "startColumn" in region and "endColumn" in region:
            if region["endColumn"] < region["startColumn"]:
                self.fail(where, "region.endColumn is before startColumn on one line")

    def rule(self, where, rule):
        for path in (("id",), ("name",), ("shortDescription", "text"), ("fullDescription", "text"), ("help", "text"),
                     ("defaultConfiguration", "level")):
            v = rule
            for key in path:
                v = v.get(key) if isinstance(v, dict) else None
            if not isinstance(v, str) or not v.strip():
                self.fail(where, f"rule {rule.get('id')!r} has no {'.'.join(path)}")
        level = rule.get("defaultConfiguration", {}).get("level")
        if level not in LEVELS:
            self.fail(where, f"rule {rule.get('id')!r}: defaultConfiguration.level {level!r} is not one of {LEVELS}")
        props = rule.get("properties", {})
        tags = props.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            self.fail(where, f"rule {rule.get('id')!r}: properties.tags is not a list of strings")
            tags = []
        if len(tags) > MAX_TAGS:
            self.fail(where, f"rule {rule.get('id')!r} has {len(tags)} tags (GitHub takes at most {MAX_TAGS})")
        severity = props.get("security-severity")
        if "security" in tags:
            if not isinstance(severity, str):
                self.fail(where, f"security rule {rule.get('id')!r} has no properties[\"security-severity\"] string")
                return
            try:
                score = float(severity)
            except ValueError:
                self.fail(where, f"rule {rule.get('id')!r}: security-severity {severity!r} is not a number")
                return
            if not 0.0 <= score <= 10.0:
                self.fail(where, f"rule {rule.get('id')!r}: security-severity {severity} is not within 0.0-10.0")
            elif level in LEVELS and level != level_for(score):
                self.fail(where, f"rule {rule.get('id')!r}: level {level!r} does not match security-severity "
                                 f"{severity} ({level_for(score)!r})")
        elif severity is not None:
            self.fail(where, f"rule {rule.get('id')!r} has a security-severity but is not tagged \"security\"")

    def location(self, where, loc, bases, artifacts, check_files):
        if not isinstance(loc, dict) or "physicalLocation" not in loc:
            self.fail(where, "location has no physicalLocation (GitHub rejects logical-only locations)")
            return
        phys = loc["physicalLocation"]
        art = phys.get("artifactLocation")
        if not isinstance(art, dict):
            self.fail(where, "physicalLocation has no artifactLocation")
            return
        path = self.uri(where, art.get("uri"), art.get("uriBaseId"), bases)
        if "index" in art:
            i = art["index"]
            if not isinstance(i, int) or not 0 <= i < len(artifacts):
                self.fail(where, f"artifactLocation.index {i!r} names no artifact")
            else:
                a = artifacts[i].get("location", {})
                if a.get("uri") != art.get("uri") or a.get("uriBaseId") != art.get("uriBaseId"):
                    self.fail(where, f"artifactLocation {art.get('uri')!r} differs from artifact {i} ({a.get('uri')!r})")
        if check_files and path is not None and not os.path.isfile(path):
            self.fail(where, f"uri {art.get('uri')!r} names {path!r}, which is not a file")
        self.region(where, phys.get("region"))

    def run(self, name, run, check_files):
        driver = run.get("tool", {}).get("driver", {})
        if not driver.get("name"):
            self.fail(name, "tool.driver.name is missing")
        category = run.get("automationDetails", {}).get("id")
        if not isinstance(category, str) or not category:
            self.fail(name, "runs[].automationDetails.id is missing: uploads of different commands would replace "
                            "each other's alerts")
        bases = {}
        for key, base in (run.get("originalUriBaseIds") or {}).items():
            uri = base.get("uri") if isinstance(base, dict) else None
            if not isinstance(uri, str) or not uri.startswith("file:///") or not uri.endswith("/"):
                self.fail(name, f"originalUriBaseIds[{key!r}].uri {uri!r} is not a file:/// URI ending in /")
            elif not URI_CHARS.match(uri) or BAD_ESCAPE.search(uri):
                self.fail(name, f"originalUriBaseIds[{key!r}].uri {uri!r} is not a valid URI")
            else:
                bases[key] = uri
        artifacts = run.get("artifacts", [])
        for i, a in enumerate(artifacts):
            loc = a.get("location", {})
            path = self.uri(f"{name}: artifacts[{i}]", loc.get("uri"), loc.get("uriBaseId"), bases)
            if check_files and path is not None and not os.path.isfile(path):
                self.fail(f"{name}: artifacts[{i}]", f"uri {loc.get('uri')!r} names {path!r}, which is not a file")
        rules = driver.get("rules", [])
        if len(rules) > MAX_RULES:
            self.fail(name, f"{len(rules)} rules in a run (GitHub rejects more than {MAX_RULES})")
        by_id = {}
        for i, r in enumerate(rules):
            self.rule(f"{name}: rules[{i}]", r)
            if r.get("id") in by_id:
                self.fail(name, f"rule id {r.get('id')!r} is declared twice")
            by_id.setdefault(r.get("id"), (i, r))
        results = run.get("results")
        if not isinstance(results, list):
            self.fail(name, "run has no results array")
            return category
        if len(results) > MAX_RESULTS:
            self.fail(name, f"{len(results)} results in a run (GitHub rejects more than {MAX_RESULTS})")
        seen = set()
        for i, res in enumerate(results):
            where = f"{name}: results[{i}]"
            rid = res.get("ruleId")
            if rid not in by_id:
                self.fail(where, f"ruleId {rid!r} is not declared in tool.driver.rules")
                continue
            index, rule = by_id[rid]
            if "ruleIndex" in res and res["ruleIndex"] != index:
                self.fail(where, f"ruleIndex {res['ruleIndex']} is not the index of {rid!r} ({index})")
            text = res.get("message", {}).get("text")
            if not isinstance(text, str) or not text.strip():
                self.fail(where, "message.text is missing or empty")
            level = res.get("level", rule.get("defaultConfiguration", {}).get("level", "warning"))
            if level != rule.get("defaultConfiguration", {}).get("level"):
                self.fail(where, f"level {level!r} differs from rule {rid!r}'s defaultConfiguration.level: a rule "
                                 "must have one severity")
            if "security-severity" in res.get("properties", {}):
                self.fail(where, "security-severity is on the result: GitHub reads it from the rule")
            hash_ = res.get("partialFingerprints", {}).get("primaryLocationLineHash")
            if not isinstance(hash_, str) or not HASH.match(hash_):
                self.fail(where, f"partialFingerprints.primaryLocationLineHash {hash_!r} is not \"<hex>:<n>\"")
            elif (rid, hash_) in seen:
                self.fail(where, f"primaryLocationLineHash {hash_} repeats for rule {rid!r}: GitHub would merge "
                                 "the two alerts")
            seen.add((rid, hash_))
            locs = res.get("locations")
            if not isinstance(locs, list) or not locs:
                self.fail(where, "result has no location (GitHub rejects it)")
                continue
            if len(locs) > MAX_LOCATIONS:
                self.fail(where, f"{len(locs)} locations (GitHub rejects more than {MAX_LOCATIONS})")
            for j, loc in enumerate(locs):
                self.location(f"{where}.locations[{j}]", loc, bases, artifacts, check_files)
            for j, loc in enumerate(res.get("relatedLocations", [])):
                self.location(f"{where}.relatedLocations[{j}]", loc, bases, artifacts, check_files)
        return category

    def file(self, path, check_files=True):
        """Checks one log; returns the categories of its runs."""
        with open(path, "rb") as f:
            raw = f.read()
        if len(gzip.compress(raw)) > MAX_GZIP_BYTES:
            self.fail(path, f"the log gzipped is over {MAX_GZIP_BYTES} bytes")
        try:
            log = json.loads(raw)
        except ValueError as e:
            self.fail(path, f"not JSON: {e}")
            return []
        if log.get("version") != "2.1.0":
            self.fail(path, f"version {log.get('version')!r} is not 2.1.0")
        runs = log.get("runs")
        if not isinstance(runs, list) or not runs:
            self.fail(path, "the log has no runs")
            return []
        if len(runs) > MAX_RUNS:
            self.fail(path, f"{len(runs)} runs (GitHub rejects more than {MAX_RUNS})")
        return [self.run(f"{path}: runs[{i}]", r, check_files) for i, r in enumerate(runs)]


def collect(args, check_files=True):
    """The violations of the files and groups of the command line."""
    c = Checker()
    groups = {}  # name -> set of categories
    group = None
    i = 0
    while i < len(args):
        if args[i] == "--group":
            group = args[i + 1]
            groups.setdefault(group, set())
            i += 2
            continue
        cats = c.file(args[i], check_files)
        if group is not None:
            groups[group].update(x for x in cats if x)
        i += 1
    for name, cats in groups.items():
        if len(cats) > 1:
            c.fail(f"group {name}", f"its runs have several categories: {sorted(cats)}")
    names = sorted(groups)
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            shared = groups[names[a]] & groups[names[b]]
            if shared:
                c.fail(f"groups {names[a]} and {names[b]}", f"share the category {sorted(shared)}: their uploads "
                                                            "would replace each other's alerts")
    return c.errors


def check(args):
    errors = collect(args)
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


def self_test():
    """The checker catches each kind of violation it claims to."""
    good_rule = {"id": "r", "name": "R", "shortDescription": {"text": "s"}, "fullDescription": {"text": "f"},
                 "help": {"text": "h"}, "defaultConfiguration": {"level": "error"},
                 "properties": {"tags": ["security"], "security-severity": "8.0"}}
    good_result = {"ruleId": "r", "ruleIndex": 0, "level": "error", "message": {"text": "m"},
                   "partialFingerprints": {"primaryLocationLineHash": "ab:1"},
                   "locations": [{"physicalLocation": {"artifactLocation": {"uri": "x.json", "uriBaseId": "%SRCROOT%"},
                                                       "region": {"startLine": 1}}}]}
    def log(rule=None, result=None, run_extra=None):
        run = {"tool": {"driver": {"name": "t", "rules": [rule or good_rule]}},
               "automationDetails": {"id": "t/"},
               "originalUriBaseIds": {"%SRCROOT%": {"uri": "file:///nowhere/"}},
               "results": [result or good_result]}
        run.update(run_extra or {})
        return {"version": "2.1.0", "runs": [run]}

    def with_(base, **changes):
        d = json.loads(json.dumps(base))
        d.update(changes)
        return d

    def loc(uri, base="%SRCROOT%", line=1):
        art = {"uri": uri}
        if base:
            art["uriBaseId"] = base
        return [{"physicalLocation": {"artifactLocation": art, "region": {"startLine": line}}}]

    bad = {
        "no help": log(rule={k: v for k, v in good_rule.items() if k != "help"}),
        "no fullDescription": log(rule={k: v for k, v in good_rule.items() if k != "fullDescription"}),
        "no severity": log(rule=with_(good_rule, properties={"tags": ["security"]})),
        "severity out of range": log(rule=with_(good_rule, properties={"tags": ["security"], "security-severity": "11"})),
        "level against severity": log(rule=with_(good_rule, properties={"tags": ["security"], "security-severity": "3.0"})),
        "severity on non-security": log(rule=with_(good_rule, properties={"tags": ["maintainability"],
                                                                           "security-severity": "3.0"})),
        "undeclared rule": log(result=with_(good_result, ruleId="other")),
        "result level differs": log(result=with_(good_result, level="warning")),
        "severity on result": log(result=with_(good_result, properties={"security-severity": "8.0"})),
        "no hash": log(result=with_(good_result, partialFingerprints={})),
        "empty message": log(result=with_(good_result, message={"text": ""})),
        "space in uri": log(result=with_(good_result, locations=loc("a b.json"))),
        "raw percent": log(result=with_(good_result, locations=loc("a%zz.json"))),
        "fragment": log(result=with_(good_result, locations=loc("a#1.json"))),
        "non-ascii": log(result=with_(good_result, locations=loc("é.json"))),
        "undeclared base": log(result=with_(good_result, locations=loc("a.json", base="%OTHER%"))),
        "absolute path": log(result=with_(good_result, locations=loc("/abs/a.json", base=None))),
        "other scheme": log(result=with_(good_result, locations=loc("stdin:x", base=None))),
        "logical only": log(result=with_(good_result, locations=[{"logicalLocations": [{"name": "x"}]}])),
        "no location": log(result=with_(good_result, locations=[])),
        "line 0": log(result=with_(good_result, locations=loc("a.json", line=0))),
        "no category": log(run_extra={"automationDetails": {}}),
        "too many results": log(run_extra={"results": [good_result] * (MAX_RESULTS + 1)}),
    }
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        good = os.path.join(d, "good.sarif")
        with open(good, "w") as f:
            json.dump(log(), f)
        c = Checker()
        c.file(good, check_files=False)
        if c.errors:
            print(f"self-test: a good log fails: {c.errors}", file=sys.stderr)
            failures += 1
        for name, doc in bad.items():
            path = os.path.join(d, "bad.sarif")
            with open(path, "w") as f:
                json.dump(doc, f)
            c = Checker()
            c.file(path, check_files=False)
            if not c.errors:
                print(f"self-test: the checker misses: {name}", file=sys.stderr)
                failures += 1
        # Two groups with one category, and one group with two.
        a = os.path.join(d, "a.sarif")
        with open(a, "w") as f:
            json.dump(log(), f)
        if not any("share the category" in e for e in collect(["--group", "analyze", a, "--group", "diff", a], False)):
            print("self-test: the checker misses a category shared by two groups", file=sys.stderr)
            failures += 1
    return 1 if failures else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    return check(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
