#!/usr/bin/env python3
"""Converts the go-auth0 go-vcr cassettes (shared/auth0/cassettes/go-auth0, MIT, auth0/go-auth0 v1.45.0)
into the JSON the replay test reads (tests/fixtures/go-auth0/): per cassette, its exchanges in order,
each request's method, path, query and body and the answer's status, Content-Type and body. Bodies that
are JSON are stored parsed; the rest as text.

Usage: python3 scripts/import-cassettes.py ../shared/auth0/cassettes/go-auth0 tests/fixtures/go-auth0
       python3 scripts/import-cassettes.py <go-auth0 v1.45.0>/test/data/recordings tests/fixtures/go-auth0 \
           TestConnectionManager_List TestRoleManager_Users ...
With names, only those cassettes (paths under the source, without .yaml; a subfolder's '/' becomes
'_' in the file name).
"""
import json
import pathlib
import sys
from urllib.parse import urlsplit

import yaml


def body(text):
    if text is None or text.strip() == "":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def main(source, target, *names):
    source, target = pathlib.Path(source), pathlib.Path(target)
    target.mkdir(parents=True, exist_ok=True)
    paths = [source / f"{n}.yaml" for n in names] if names else sorted(source.glob("*.yaml"))
    for path in paths:
        stem = path.relative_to(source).with_suffix("").as_posix().replace("/", "_")
        cassette = yaml.safe_load(path.read_text())
        exchanges = []
        for it in cassette["interactions"]:
            request, response = it["request"], it["response"]
            url = urlsplit(request["url"])
            content_type = (response.get("headers") or {}).get("Content-Type") or [None]
            exchanges.append({
                "method": request["method"],
                "path": url.path,
                "query": url.query,
                "body": body(request.get("body")),
                "status": response["code"],
                "content_type": content_type[0],
                "response": body(response.get("body")),
            })
        out = {
            "cassette": stem,
            # The six authentication_* files are hand-written mocks in go-auth0, not real traffic.
            "mock": stem.startswith("authentication_"),
            "exchanges": exchanges,
        }
        (target / f"{stem}.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
