#!/usr/bin/env python3
"""Cuts Auth0's official Management API OpenAPI document down to the operations the local tenant
implements (parameters, bodies and responses), plus every schema they reference, for
src/emulator/mgmt/openapi.json: the local tenant checks requests against it, tests/it/oas.rs checks
answers, tests/it/property.rs runs schemathesis with it. `oneOf` is read as `anyOf`: recorded
Auth0 bodies match more than one branch (`{"members":[]}` fits both list shapes).
Run it again when the tenant implements more: python3 scripts/trim-oas.py ../shared/auth0/openapi/management-api-oas.json"""
import json
import sys

OPERATIONS = {
    "/clients": ["get", "post"],
    "/clients/{id}": ["get", "patch", "delete"],
    "/clients/{id}/rotate-secret": ["post"],
    "/clients/{client_id}/credentials": ["get", "post"],
    "/clients/{client_id}/credentials/{credential_id}": ["get", "patch", "delete"],
    "/clients/{id}/connections": ["get"],
    "/client-grants": ["get", "post"],
    "/client-grants/{id}": ["get", "patch", "delete"],
    "/client-grants/{id}/organizations": ["get"],
    "/connections": ["get", "post"],
    "/connections/{id}": ["get", "patch", "delete"],
    "/connections/{id}/clients": ["get", "patch"],
    "/organizations": ["get", "post"],
    "/organizations/name/{name}": ["get"],
    "/organizations/{id}": ["get", "patch", "delete"],
    "/organizations/{id}/client-grants": ["get", "post"],
    "/organizations/{id}/client-grants/{grant_id}": ["delete"],
    "/organizations/{id}/enabled_connections": ["get", "post"],
    "/organizations/{id}/enabled_connections/{connectionId}": ["get", "patch", "delete"],
    "/organizations/{id}/members": ["get", "post", "delete"],
    "/organizations/{id}/members/{user_id}/roles": ["get", "post", "delete"],
    "/organizations/{id}/invitations": ["get", "post"],
    "/organizations/{id}/invitations/{invitation_id}": ["get", "delete"],
    "/roles": ["get", "post"],
    "/roles/{id}": ["get", "patch", "delete"],
    "/roles/{id}/permissions": ["get", "post", "delete"],
    "/roles/{id}/users": ["get", "post"],
    "/resource-servers": ["get", "post"],
    "/resource-servers/{id}": ["get", "patch", "delete"],
    "/tenants/settings": ["get", "patch"],
    "/users": ["post"],
    "/users/{id}": ["get", "patch", "delete"],
    "/users/{id}/roles": ["get", "post", "delete"],
    "/users/{id}/organizations": ["get"],
    "/users-by-email": ["get"],
    "/logs": ["get"],
    "/logs/{id}": ["get"],
}

# What a property-based tester needs besides the responses, and the summary `sapi` logs name.
KEPT = ("operationId", "summary", "parameters", "requestBody", "responses", "security")


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


def amend(oas):
    """Where recorded Auth0 traffic contradicts the document, the recording wins (SPEC.md §0). Each
    amendment names the go-auth0 recording (tests/fixtures/go-auth0) that proves it; the same list
    is in src/emulator/DECISIONS.md."""
    schemas = oas["components"]["schemas"]
    # TestResourceServer_Create #0, TestResourceServer_Update #1: accepted and answered.
    for name in ("CreateResourceServerRequestContent", "UpdateResourceServerRequestContent"):
        schemas[name]["properties"]["token_lifetime_for_web"] = {"type": "integer"}
    # TestResourceServer_Update #1: a PATCH answers 200 (the document says 201).
    patch = oas["paths"]["/resource-servers/{id}"]["patch"]["responses"]
    patch["200"] = patch["201"]
    # TestRoleManager_Permissions #4: removing permissions answers 204 (the document says 200).
    oas["paths"]["/roles/{id}/permissions"]["delete"]["responses"]["204"] = {
        "description": "Role permissions removed."}
    # TestConnectionManager_Create_*_Azure-AD/GoogleApps/SAML #0: enterprise connections carry it.
    for name in ("ConnectionForList", "CreateConnectionResponseContent",
                 "GetConnectionResponseContent", "UpdateConnectionResponseContent"):
        schemas[name]["properties"]["provisioning_ticket_url"] = {"type": "string"}
    # tests/fixtures/auth0-examples role-01: a role made without one answers "description": null.
    schemas["CreateRoleResponseContent"]["properties"]["description"]["type"] = ["string", "null"]
    # TestConnectionManager_ReadByName_* #1 (2025): listed connections carry their clients.
    schemas["ConnectionForList"]["properties"]["enabled_clients"] = {
        "type": "array", "items": {"type": "string"}}
    # TestTenantManager: lifetimes set in minutes read back as fractions of an hour (0.25).
    for name in ("GetTenantSettingsResponseContent", "UpdateTenantSettingsResponseContent"):
        for key in ("session_lifetime", "idle_session_lifetime", "ephemeral_session_lifetime",
                    "idle_ephemeral_session_lifetime"):
            schemas[name]["properties"].get(key, {}).pop("minimum", None)
    error = {"description": "Auth0's error body.", "content": {"application/json": {"schema": {
        "type": "object", "required": ["statusCode", "error", "message"],
        "properties": {"statusCode": {"type": "integer"}, "error": {"type": "string"},
                       "message": {"type": "string"}, "errorCode": {"type": "string"}}}}}}
    for path, item in oas["paths"].items():
        for method, op in item.items():
            if method == "parameters" or not isinstance(op, dict) or "responses" not in op:
                continue
            responses = op["responses"]
            # Every request is checked against this document, so any operation can answer 400
            # (recorded on one whose document lists none: SPEC.md §1.2, REC-TF
            # TestAccDataSourceEventStream, "Path validation error", invalid_uri).
            responses.setdefault("400", error)
            # An object that does not exist is 404 on every operation keyed by one (recorded for
            # organizations, grants, invitations, clients, APIs, users, roles and connections:
            # SPEC.md §1.2).
            if "{" in path:
                responses.setdefault("404", error)
    # A name another organization or role already has: 409, as on create (DOC
    # create-organizations, organization_conflict; the create operations document it).
    for path in ("/organizations/{id}", "/roles/{id}"):
        oas["paths"][path]["patch"]["responses"].setdefault("409", error)


def any_of(node):
    if isinstance(node, dict):
        if "oneOf" in node:
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            any_of(value)
    elif isinstance(node, list):
        for value in node:
            any_of(value)


def main(source, target):
    with open(source) as f:
        oas = json.load(f)
    amend(oas)
    paths = {}
    for path, methods in OPERATIONS.items():
        item = oas["paths"][path]
        paths[path] = {m: {k: item[m][k] for k in KEPT if k in item[m]} for m in methods}
        if "parameters" in item:
            paths[path]["parameters"] = item["parameters"]
    wanted, done = set(), set()
    refs(paths, wanted)
    schemas = oas["components"]["schemas"]
    while wanted - done:
        name = (wanted - done).pop()
        done.add(name)
        refs(schemas[name], wanted)
    any_of(paths)
    any_of(schemas_out := {name: schemas[name] for name in sorted(done)})
    out = {
        "openapi": oas["openapi"],
        "info": {"title": oas["info"]["title"], "version": oas["info"].get("version"),
                 "x-trimmed": "operations implemented by orgdesk's local tenant; see scripts/trim-oas.py"},
        "paths": paths,
        "servers": [{"url": "/api/v2"}],
        "components": {"schemas": schemas_out,
                       "securitySchemes": oas["components"].get("securitySchemes", {})},
    }
    with open(target, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(paths)} paths, {len(done)} schemas -> {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/auth0/openapi/management-api-oas.json",
         sys.argv[2] if len(sys.argv) > 2 else "src/emulator/mgmt/openapi.json")
