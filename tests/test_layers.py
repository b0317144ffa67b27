"""The package's import direction, written once: each layer imports only the layers before it.

kernel ← load ← reason ← validate ← store ← gate ← query ← importing/linking/analysis ← web
← serve/publish/push ← api ← cli. Packages of one layer do not import each other (publish does not
import serve; what both need lives in web), and the product never imports tools/ (benchmark
and test helpers).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "rivalry"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("kernel",),
    ("load",),
    ("reason",),
    ("validate",),
    ("store",),
    ("gate",),
    ("query",),
    ("importing", "linking", "analysis"),
    ("web",),
    ("serve", "publish", "push"),
    ("api",),
    ("cli",),
)
RANK = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}
# the package's own top-level modules: __init__ is the public face, __main__ runs the CLI
TOP = {"__init__": len(LAYERS), "__main__": len(LAYERS) + 1}


def package_of(module: str) -> str:
    """rivalry.gate.merge -> gate; rivalry -> __init__."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imported_modules(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in a file, relative imports resolved."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level if path.name != "__init__.py" else None]
                if path.name == "__init__.py" and node.level > 1:
                    base = base[: -(node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def violations(path: Path, module: str) -> list[str]:
    """Every import in ``path`` (the product module ``module``) against the direction."""
    own = package_of(module)
    rank = TOP.get(own, RANK.get(own))
    where = f"src/rivalry/{path.relative_to(SRC)}" if path.is_relative_to(SRC) else str(path)
    if rank is None:
        return [f"{where}: package {own!r} has no layer; add it to LAYERS in tests/test_layers.py"]
    problems = []
    for line, name in imported_modules(path, module):
        top = name.split(".")[0]
        if top == "tools":
            problems.append(f"{where}:{line}: imports {name}, a benchmark/test helper")
        if top != "rivalry" or name == "rivalry":
            continue
        target = package_of(name)
        if target == own:
            continue
        target_rank = TOP.get(target, RANK.get(target))
        if target_rank is None or target_rank >= rank:
            problems.append(
                f"{where}:{line}: {own} imports {name}, which is not in a layer before it"
            )
    return problems


def product_modules():
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield path, ".".join(parts)


def test_imports_follow_the_layers():
    problems = [p for path, module in product_modules() for p in violations(path, module)]
    assert not problems, "\n".join(problems)


def test_kernel_imports_nothing_else_of_the_package():
    for path, module in product_modules():
        if package_of(module) == "kernel":
            names = [n for _, n in imported_modules(path, module) if n.startswith("rivalry.")]
            assert all(n.startswith("rivalry.kernel") for n in names), (path, names)


def test_a_wrong_way_import_is_caught(tmp_path):
    # the checker itself: a validate module importing the server, and one importing tools/
    bad = tmp_path / "bad.py"
    bad.write_text("from rivalry.serve.app import Server\nfrom tools import synthetic\n")
    found = violations(bad, "rivalry.validate.bad")
    assert len(found) == 2, found
    assert "validate imports rivalry.serve.app" in found[0]
    assert "benchmark/test helper" in found[1]


def test_siblings_of_one_layer_do_not_import_each_other(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from rivalry.serve import workers\n")
    assert violations(bad, "rivalry.publish.bad"), "publish must not import serve"


def test_every_package_has_a_layer():
    packages = {package_of(module) for _, module in product_modules()}
    assert packages <= set(RANK) | set(TOP), packages - set(RANK) - set(TOP)


def test_term_constants_are_up_to_date():
    import subprocess
    import sys

    script = SRC.parents[1] / "scripts" / "generate_terms.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
