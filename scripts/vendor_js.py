"""Copy the browser libraries the pages use from node_modules into the package.

The versions are pinned in package.json / package-lock.json; run `make vendor` (npm ci, then
this script) to refresh them. The copies are committed so that `pip install` and `make run`
need no Node.js, and the pages load nothing from anywhere but their own server."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "src" / "rivalry" / "web" / "static" / "vendor"

# package -> files of it the pages load (paths inside the package)
FILES = {
    "@zazuko/yasgui": ["build/yasgui.min.js", "build/yasgui.min.css"],
    "echarts": ["dist/echarts.min.js"],
    "topojson-client": ["dist/topojson-client.min.js"],
    "world-atlas": ["countries-50m.json"],
}
LICENCE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE")


def main() -> int:
    if not MODULES.is_dir():
        print(
            "node_modules/ is missing: run `npm ci` first (make vendor does both)", file=sys.stderr
        )
        return 2
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    manifest = {}
    for package, files in FILES.items():
        source = MODULES / package
        meta = json.loads((source / "package.json").read_text())
        target = VENDOR / package.replace("@", "").replace("/", "-")
        target.mkdir(parents=True)
        for name in files:
            shutil.copy2(source / name, target / Path(name).name)
        for name in LICENCE_NAMES:
            if (source / name).exists():
                shutil.copy2(source / name, target / "LICENSE")
                break
        else:  # the package ships no licence file: record what its package.json declares
            (target / "LICENSE").write_text(
                f"{package} {meta['version']} is licensed {meta.get('license')} "
                f"(declared in its package.json; {meta.get('homepage', '')}).\n"
            )
        manifest[package] = {
            "version": meta["version"],
            "license": meta.get("license"),
            "files": [f"{target.name}/{Path(n).name}" for n in files],
        }
    (VENDOR / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"vendored {len(manifest)} packages into {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
