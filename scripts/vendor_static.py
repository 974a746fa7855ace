"""Vendor pinned front-end packages from the npm registry into ``static/vendor/``.

    python scripts/vendor_static.py          # fetch, check and write every package
    python scripts/vendor_static.py --check  # only check the committed files

``static/vendor/packages.json`` names each package, its exact version, the registry's
integrity hash of its tarball, and which files to take. The files are committed, so
``make run`` needs neither Node nor the network; this script is how they are updated
(change the version and hash, run it, review the diff). It needs only Python.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"
REGISTRY = "https://registry.npmjs.org"


def tarball(name: str, version: str, integrity: str) -> tarfile.TarFile:
    """The package's tarball from the registry, refused unless its hash is the pinned one."""
    url = f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - fixed https URL
        data = response.read()
    algorithm, expected = integrity.split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        sys.exit(f"{name}@{version}: integrity mismatch ({actual} != {expected})")
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


def vendor(name: str, spec: dict, *, check: bool) -> bool:
    """Write (or compare) the package's files; whether they match the registry's."""
    archive = tarball(name, spec["version"], spec["integrity"])
    same = True
    for source, target in spec["files"].items():
        content = archive.extractfile(f"package/{source}").read()
        path = VENDOR / target
        if check:
            same &= path.exists() and path.read_bytes() == content
        else:
            path.write_bytes(content)
        print(f"{name}@{spec['version']} {source} -> static/vendor/{target}")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare the committed files with the registry's")
    args = parser.parse_args()
    packages = json.loads((VENDOR / "packages.json").read_text())
    results = [vendor(name, spec, check=args.check) for name, spec in packages.items()]
    if args.check and not all(results):
        sys.exit("static/vendor differs from the pinned packages: run scripts/vendor_static.py")


if __name__ == "__main__":
    main()
