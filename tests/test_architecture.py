"""The dependency direction in ARCHITECTURE.md, enforced: a module never imports from a layer to its right.

core (errors, config, surfaces, spec, openapi, validation, redact, rpc, checks, contract, model_base, quirks)
  <- spec tooling (lint, codegen, models) <- mocks engine <- vendors <- runner / diff / proxy / compare / repro
  <- reports <- commands, cli, pytest_plugin

Imports by name at run time (`importlib.import_module`, `__import__`) are imports too: the test sees them, and
the package may not use them with a computed name (vendors are registered, not looked up by module name).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "apiconform"

LAYERS: list[tuple[str, ...]] = [
    (
        "errors",
        "config",
        "surfaces",
        "spec",
        "openapi",
        "validation",
        "redact",
        "rpc",
        "checks",
        "enums",
        "contract",
        "overlay",
        "observed",
        "model_base",
        "quirks",
    ),
    ("lint", "_lint_osv", "_lint_rules", "_lint_schema", "_lint_walk", "codegen", "models"),
    ("mocks",),
    ("vendors",),
    ("runner", "diff", "proxy", "compare", "merge", "repro", "baseline"),
    ("reports",),
    ("commands", "cli", "pytest_plugin", "__main__", "__init__"),
]
# Allowed upward edges, each with its reason; an exception no module uses any more fails the test.
EXCEPTIONS = {
    # The `apiconform.mocks.app()` facade builds a vendor's mock; the engine itself never imports vendors.
    ("mocks", "vendors"),
    # Vendor semantics are scenarios: they build on the runner's scenario toolkit.
    ("vendors", "runner"),
}
_DYNAMIC = ("import_module", "__import__")


def _layer(top: str) -> int:
    for index, names in enumerate(LAYERS):
        if top in names:
            return index
    raise AssertionError(f"apiconform.{top} is in no layer of tests/test_architecture.py: add it")


def _imports(path: Path) -> tuple[set[str], list[str]]:
    """(the apiconform top-level modules a file imports, its dynamic imports with a computed name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    computed: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("apiconform."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("apiconform.")}
        elif isinstance(node, ast.Call) and _called_name(node.func) in _DYNAMIC:
            argument = node.args[0] if node.args else None
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                if argument.value.startswith("apiconform."):
                    found.add(argument.value.split(".")[1])
            else:
                computed.append(f"line {node.lineno}")
    return found, computed


def _called_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _edges() -> tuple[set[tuple[str, str]], list[str], list[str]]:
    used: set[tuple[str, str]] = set()
    violations: list[str] = []
    dynamic: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        top = relative.parts[0].removesuffix(".py")
        targets, computed = _imports(path)
        dynamic += [f"{relative} {where}" for where in computed]
        for target in targets:
            if target == top:
                continue
            if (top, target) in EXCEPTIONS:
                used.add((top, target))
            elif _layer(target) > _layer(top):
                violations.append(f"{relative} imports apiconform.{target}")
    return used, violations, dynamic


def test_no_module_imports_from_a_layer_to_its_right() -> None:
    _, violations, _ = _edges()
    assert not violations, "\n".join(violations)


def test_every_allowed_exception_is_used() -> None:
    used, _, _ = _edges()
    assert used == EXCEPTIONS, f"unused exceptions, remove them: {sorted(EXCEPTIONS - used)}"


def test_no_import_by_computed_name() -> None:
    _, _, dynamic = _edges()
    assert not dynamic, f"imports by a computed module name (register the module instead): {dynamic}"


def test_the_checker_sees_dynamic_imports(tmp_path: Path) -> None:
    source = "import importlib\nimportlib.import_module('apiconform.reports')\n__import__(name)\n"
    probe = tmp_path / "probe.py"
    probe.write_text(source, encoding="utf-8")
    found, computed = _imports(probe)
    assert found == {"reports"}
    assert computed == ["line 3"]


def test_modules_stay_small() -> None:
    # ARCHITECTURE.md: aim < 400 lines, rethink at 800.
    big = [
        f"{p.relative_to(PACKAGE)}: {n}" for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 800
    ]
    assert not big, big


def test_every_specified_surface_has_a_registered_vendor() -> None:
    from apiconform.surfaces import SURFACES
    from apiconform.vendors.registry import VENDORS

    assert set(SURFACES) == set(VENDORS)
    assert all(VENDORS[name].surface == name for name in VENDORS)
