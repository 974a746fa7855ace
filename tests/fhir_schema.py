"""Validating FHIR JSON against the official R4 JSON schema (``tests/vendor/fhir.schema.json``,
pinned by ``scripts/vendor_fhir_schema.py``) with the ``jsonschema`` package.

The npm package that ships the schema ships the one published with R4's first release
(4.0.0). The technical correction 4.0.1, which is R4 as used today, changed the schema in
one way only: the FHIR version value sets (``fhirVersion`` of CapabilityStatement,
ImplementationGuide and StructureDefinition) gained "4.0.1". ``_schema`` makes exactly
that amendment, and nothing else.

Each resource is checked against its own type's definition; a Bundle's entries one by one
and the Bundle around them, so that no resource escapes and no check has to try every
type of the schema's ``ResourceList``."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import jsonschema

VENDOR = Path(__file__).parent / "vendor"
SCHEMA = VENDOR / "fhir.schema.json"


@functools.cache
def _schema() -> dict:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    for definition in schema["definitions"].values():
        for prop in definition.get("properties", {}).values():
            if "4.0.0" in prop.get("enum", ()) and "4.0.1" not in prop["enum"]:
                prop["enum"] = [*prop["enum"], "4.0.1"]
    return schema


@functools.cache
def _validator(resource_type: str) -> jsonschema.Draft6Validator:
    root = _schema()
    assert resource_type in root["definitions"], f"no R4 type {resource_type}"
    return jsonschema.Draft6Validator({**root["definitions"][resource_type],
                                       "definitions": root["definitions"]})


def schema_errors(resource: dict, where: str = "") -> list[str]:
    """Every way ``resource`` (a Bundle's entries included) breaks the R4 JSON schema."""
    if resource.get("resourceType") == "Bundle":
        shell = {**resource, "entry": [{k: v for k, v in entry.items() if k != "resource"}
                                       for entry in resource.get("entry", [])]}
        if not shell["entry"]:
            shell.pop("entry")
        errors = [f"{where}Bundle: {e.message}"
                  for e in _validator("Bundle").iter_errors(shell)]
        for index, entry in enumerate(resource.get("entry", [])):
            if "resource" in entry:
                errors += schema_errors(entry["resource"], f"{where}entry[{index}].")
        return errors
    return [f"{where}{resource.get('resourceType')}/{resource.get('id')}: {e.message} at "
            f"{'/'.join(map(str, e.absolute_path))}"
            for e in _validator(resource["resourceType"]).iter_errors(resource)]


def pinned_digest() -> tuple[str, str]:
    """(the digest recorded when the schema was vendored, the committed file's)."""
    manifest = json.loads((VENDOR / "packages.json").read_text())
    (spec,) = manifest.values()
    return spec["sha256"]["fhir.schema.json"], hashlib.sha256(SCHEMA.read_bytes()).hexdigest()
