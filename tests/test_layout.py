"""The house: each folder a floor of the one-way flow, and no floor imports one above it.

Imports inside functions count too: a lazy import is still a dependency.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FLOORS = (
    ("boxoffice.errors", "boxoffice.units", "boxoffice.names", "boxoffice.closest", "boxoffice.atomic",
     "boxoffice.workspace", "boxoffice.break_even", "boxoffice.cores", "boxoffice.compiled"),
    ("boxoffice.table",),
    ("boxoffice.model",),
    ("boxoffice.store",),
    ("boxoffice.whatif",),
    ("boxoffice.evaluation",),
    ("boxoffice.training",),
    ("boxoffice.show",),
    ("boxoffice.serve", "boxoffice_cli"),
)
"""Lowest first: a module may import its own floor and the floors below, never one above. Evaluation sits
above what-if so that the backtest scores films through the code users reach (slates, scenarios). The HTTP
server and the CLI share the top floor: two thin shells over the same library (the CLI starts the server; the server never imports the CLI)."""

MAX_LINES = 400


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[0] == "cli":
        parts[0] = "boxoffice_cli"
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _floor(module: str) -> int | None:
    for level, prefixes in enumerate(FLOORS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return level
    return None


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in ("boxoffice", "boxoffice_cli")}


def _sources():
    for folder in ("boxoffice", "cli"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_no_floor_imports_a_floor_above_it():
    wrong = []
    for path in _sources():
        module = _module_name(path)
        if module == "boxoffice":  # the package's front door may reach any floor, lazily
            continue
        own = _floor(module)
        assert own is not None, f"{module} belongs to no floor: add it to FLOORS"
        for imported in _imports(path):
            level = _floor(imported)
            if level is not None and level > own:
                wrong.append(f"{module} imports {imported}")
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_a_module_that_imports_it_back():
    graph = {}
    modules = {_module_name(p): p for p in _sources()}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    circles = sorted({tuple(sorted((a, b))) for a, deps in graph.items() for b in deps if a in graph.get(b, ())})
    assert not circles, circles


def test_no_module_is_over_400_lines():
    long = [f"{p.relative_to(ROOT)}: {n}" for p in _sources()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not long, long


def test_only_the_show_floor_imports_matplotlib():
    users = [_module_name(p) for p in (ROOT / "boxoffice").rglob("*.py")
             if "matplotlib" in p.read_text(encoding="utf-8") and "import matplotlib" in p.read_text(encoding="utf-8")]
    assert all(u.startswith("boxoffice.show") for u in users), users
