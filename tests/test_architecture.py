"""The dependency direction in ARCHITECTURE.md, enforced: a module never imports from a layer to its right.

core (errors, config, surfaces, spec, openapi, validation, redact, rpc, model_base, quirks)
  <- spec tooling (lint, codegen, models) <- mocks engine <- vendors <- runner / diff / proxy / compare
  <- reports <- commands, cli, pytest_plugin
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "apiconform"

LAYERS: list[tuple[str, ...]] = [
    ("errors", "config", "surfaces", "spec", "openapi", "validation", "redact", "rpc", "model_base", "quirks"),
    ("lint", "_lint_osv", "_lint_rules", "_lint_schema", "_lint_walk", "codegen", "models"),
    ("mocks",),
    ("vendors",),
    ("runner", "diff", "proxy", "compare"),
    ("reports",),
    ("commands", "cli", "pytest_plugin", "__main__", "__init__"),
]
# Allowed upward edges, each with its reason.
EXCEPTIONS = {
    # The `apiconform.mocks.app()` facade builds a vendor's mock; the engine itself never imports vendors.
    ("mocks", "vendors"),
    # Vendor semantics are scenarios: they build on the runner's scenario toolkit.
    ("vendors", "runner"),
    # The proxy and compare produce the same reports as `run`.
    ("proxy", "reports"),
    ("compare", "reports"),
}


def _layer(top: str) -> int:
    for index, names in enumerate(LAYERS):
        if top in names:
            return index
    raise AssertionError(f"apiconform.{top} is in no layer of tests/test_architecture.py: add it")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("apiconform."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("apiconform.")}
    return found


def test_no_module_imports_from_a_layer_to_its_right() -> None:
    violations = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        top = relative.parts[0].removesuffix(".py")
        for target in _imports(path):
            if target == top or (top, target) in EXCEPTIONS:
                continue
            if _layer(target) > _layer(top):
                violations.append(f"{relative} imports apiconform.{target}")
    assert not violations, "\n".join(violations)


def test_modules_stay_small() -> None:
    # ARCHITECTURE.md: aim < 400 lines, rethink at 800.
    big = [
        f"{p.relative_to(PACKAGE)}: {n}" for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 800
    ]
    assert not big, big
