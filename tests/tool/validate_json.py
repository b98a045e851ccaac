#!/usr/bin/env python3
"""Validates JSON documents against one of sgopt's schemas in docs/.

usage: validate_json.py SCHEMA_NAME FILE...   (e.g. diff.schema.json out1.json out2.json)

Every docs/*.schema.json is loaded, so that "common.schema.json#/$defs/..." references resolve
offline. Works with jsonschema 4.10 (Debian 12) and later. Exit status 0 when all are valid.
"""
import glob
import json
import os
import sys

import jsonschema


def main():
    docs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs")
    schemas = {}
    for path in glob.glob(os.path.join(docs, "*.schema.json")):
        with open(path) as f:
            s = json.load(f)
        schemas[os.path.basename(path)] = s
    schema = schemas[sys.argv[1]]
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    try:
        from referencing import Registry, Resource

        registry = Registry().with_resources(
            (s["$id"], Resource.from_contents(s)) for s in schemas.values())
        validator = cls(schema, registry=registry)
    except ImportError:
        store = {s["$id"]: s for s in schemas.values()}
        validator = cls(schema, resolver=jsonschema.RefResolver.from_schema(schema, store=store))
    bad = 0
    for path in sys.argv[2:]:
        with open(path) as f:
            text = f.read()
        doc = json.loads(text)
        for error in validator.iter_errors(doc):
            bad += 1
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{path}: /{where}: {error.message[:300]}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
