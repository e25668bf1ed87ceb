#!/usr/bin/env python3
"""Cuts Auth0's official Management API OpenAPI document down to the operations the local tenant
implements, plus every schema they reference, for tests/fixtures/auth0-oas/. Run it again when the
tenant implements more: python3 scripts/trim-oas.py ../shared/auth0/openapi/management-api-oas.json"""
import json
import sys

OPERATIONS = {
    "/clients": ["get", "post"],
    "/clients/{id}": ["get", "patch", "delete"],
    "/clients/{id}/rotate-secret": ["post"],
    "/client-grants": ["get", "post"],
    "/client-grants/{id}": ["get", "patch", "delete"],
    "/client-grants/{id}/organizations": ["get"],
    "/organizations": ["get", "post"],
    "/organizations/name/{name}": ["get"],
    "/organizations/{id}": ["get", "patch", "delete"],
    "/organizations/{id}/client-grants": ["get", "post"],
    "/organizations/{id}/client-grants/{grant_id}": ["delete"],
    "/organizations/{id}/members": ["get", "post", "delete"],
    "/organizations/{id}/members/{user_id}/roles": ["get", "post", "delete"],
    "/organizations/{id}/invitations": ["get", "post"],
    "/organizations/{id}/invitations/{invitation_id}": ["get", "delete"],
    "/roles": ["get", "post"],
    "/roles/{id}": ["get", "delete"],
    "/resource-servers": ["get", "post"],
    "/resource-servers/{id}": ["get", "patch", "delete"],
    "/users/{id}": ["get"],
    "/users/{id}/organizations": ["get"],
    "/logs": ["get"],
    "/logs/{id}": ["get"],
}


def refs(node, found):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            refs(value, found)
    elif isinstance(node, list):
        for value in node:
            refs(value, found)


def main(source, target):
    with open(source) as f:
        oas = json.load(f)
    paths = {}
    for path, methods in OPERATIONS.items():
        item = oas["paths"][path]
        # Keep only the responses: the tests validate what the tenant answers.
        paths[path] = {m: {"operationId": item[m].get("operationId"), "responses": item[m]["responses"]} for m in methods}
    wanted, done = set(), set()
    refs(paths, wanted)
    schemas = oas["components"]["schemas"]
    while wanted - done:
        name = (wanted - done).pop()
        done.add(name)
        refs(schemas[name], wanted)
    out = {
        "openapi": oas["openapi"],
        "info": {"title": oas["info"]["title"], "version": oas["info"].get("version"),
                 "x-trimmed": "operations implemented by orgdesk's local tenant; see scripts/trim-oas.py"},
        "paths": paths,
        "components": {"schemas": {name: schemas[name] for name in sorted(done)}},
    }
    with open(target, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(paths)} paths, {len(done)} schemas -> {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/auth0/openapi/management-api-oas.json",
         sys.argv[2] if len(sys.argv) > 2 else "tests/fixtures/auth0-oas/management-api-subset.json")
