"""A readable API reference, rendered on the server from the OpenAPI document.

No JavaScript and nothing from elsewhere: it works under the strict content security
policy and on a tablet without coverage of a CDN.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from homecare.core.api_setup import API_PREFIX
from homecare.core.extensions import api
from homecare.core.routing import public

blueprint = Blueprint("api_reference", __name__, template_folder="templates")

_METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(spec: dict, node: dict | None) -> dict:
    """Follow a ``$ref`` into the components."""
    while node and "$ref" in node:
        _hash, section, kind, name = node["$ref"].split("/")
        node = spec[section][kind][name]
    return node or {}


def _fields(spec: dict, schema: dict | None) -> list[dict]:
    schema = _resolve(spec, schema)
    if schema.get("type") == "array":
        schema = _resolve(spec, schema.get("items"))
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(spec, prop)
        kind = prop.get("type") or ("object" if "properties" in prop else "")
        if prop.get("format"):
            kind = f"{kind} ({prop['format']})"
        if "enum" in prop:
            kind = " | ".join(str(v) for v in prop["enum"] if v is not None)
        rows.append({"name": name, "type": kind, "required": name in required,
                     "read_only": prop.get("readOnly", False),
                     "write_only": prop.get("writeOnly", False),
                     "description": prop.get("description", "")})
    return rows


def _operations(spec: dict) -> dict[str, list[dict]]:
    by_tag: dict[str, list[dict]] = {}
    for path, item in spec["paths"].items():
        for method in _METHODS:
            operation = item.get(method)
            if not operation:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            responses = []
            for status, response in sorted(operation.get("responses", {}).items(),
                                           key=lambda item: (item[0] == "default", item[0])):
                response = _resolve(spec, response)
                responses.append({"status": status, "description": response.get("description")})
            by_tag.setdefault(operation.get("tags", ["API"])[0], []).append({
                "method": method.upper(), "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [_resolve(spec, p) for p in
                               item.get("parameters", []) + operation.get("parameters", [])],
                "body": _fields(spec, body.get("schema")) if body else None,
                "responses": responses,
            })
    return by_tag


@blueprint.route(f"{API_PREFIX}/docs")
@public
def reference():
    """The API reference page."""
    spec = api.spec.to_dict()
    return render_template("api/reference.html", spec=spec, operations=_operations(spec),
                           tags={t["name"]: t.get("description", "") for t in
                                 spec.get("tags", [])})
