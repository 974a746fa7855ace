"""Vendor the official HL7 FHIR R4 JSON schema (``fhir.schema.json``) into ``tests/vendor/``.

    python scripts/vendor_fhir_schema.py          # fetch, check and write it
    python scripts/vendor_fhir_schema.py --check  # only check the committed file

The tests validate every resource the FHIR API emits against this schema (with the
``jsonschema`` package). HL7 publishes the schema on its own site, which the build cannot
reach; the npm package named in ``tests/vendor/packages.json`` ships the R4 schema
(``id`` http://hl7.org/fhir/json-schema/4.0) unchanged. The package is pinned by version
and by the registry's integrity hash of its tarball, as ``scripts/vendor_static.py`` pins
the front-end files; the file's own SHA-256 is recorded beside it, so that the tests can
check the committed copy without the network.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vendor_static import tarball

VENDOR = Path(__file__).resolve().parent.parent / "tests" / "vendor"


def vendor(name: str, spec: dict, *, check: bool) -> bool:
    """Write (or compare) the package's files and record their SHA-256."""
    archive = tarball(name, spec["version"], spec["integrity"])
    same = True
    for source, target in spec["files"].items():
        content = archive.extractfile(f"package/{source}").read()
        path = VENDOR / target
        digest = hashlib.sha256(content).hexdigest()
        if check:
            same &= path.exists() and path.read_bytes() == content
            same &= spec["sha256"].get(target) == digest
        else:
            path.write_bytes(content)
            spec["sha256"][target] = digest
        print(f"{name}@{spec['version']} {source} -> tests/vendor/{target} ({digest[:12]})")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare the committed files with the registry's")
    args = parser.parse_args()
    manifest = VENDOR / "packages.json"
    packages = json.loads(manifest.read_text())
    results = [vendor(name, spec, check=args.check) for name, spec in packages.items()]
    if args.check:
        if not all(results):
            sys.exit("tests/vendor differs from the pinned packages: run "
                     "scripts/vendor_fhir_schema.py")
        return
    manifest.write_text(json.dumps(packages, indent=2) + "\n")


if __name__ == "__main__":
    main()
