"""The import graph points down: domain <- ports <- services <- api/web/workers/cli, and
adapters implement ports, importing only domain and ports. Read from the source (ast), so
imports inside functions count too; ``python tests/unit/test_layers.py [ROOT]`` prints the
edges between layers and the imports that break a rule."""

from __future__ import annotations

import ast
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("locsvc", "workers")
OURS = set(PACKAGES)

# A module's layer: the first prefix that matches its dotted name.
LAYERS = [
    ("locsvc.domain", "domain"),
    ("locsvc.config", "config"),
    ("locsvc.ports", "ports"),
    ("locsvc.adapters", "adapters"),
    ("locsvc.services", "services"),
    ("locsvc.wiring", "wiring"),
    ("locsvc.http", "http"),  # what the API and the review page share: schemas, validation
    ("locsvc.api", "api"),
    ("locsvc.web", "web"),
    ("locsvc.cli", "cli"),  # the command line package
    ("workers", "workers"),
    ("locsvc.app_context", "context"),  # current_context(): the accessor views and tasks share
    ("locsvc.app", "app"),  # create_app: the Flask process, over api, web and workers
    ("locsvc.celery_app", "app"),
]

# Layers each layer must never import (ours). "domain" and "ports" are stricter: see below.
FORBIDDEN = {
    "services": {"api", "web", "workers", "cli", "wiring", "app"},
    "adapters": {"services", "api", "web", "workers", "cli", "wiring", "app"},
    "context": {"api", "web", "workers", "cli", "app"},
    # thin tasks: services (and the domain, ports and context they take), nothing below
    "workers": {"api", "web", "cli", "adapters", "wiring"},
    "http": {"api", "web", "workers", "cli", "app"},  # shared below api and web
    "api": {"web", "workers", "cli"},
    "web": {"api", "workers", "cli"},
    "config": {"ports", "adapters", "services", "api", "web", "workers", "cli", "wiring", "app"},
}
# Ports import only the domain at run time; for type annotations also the settings and
# SQLAlchemy's Session (under TYPE_CHECKING).
PORTS_TYPE_ONLY = {"config", "sqlalchemy"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported module, absolute
    line: int
    type_only: bool  # inside ``if TYPE_CHECKING:``

    @property
    def top(self) -> str:
        return self.target.split(".")[0]


def layer_of(module: str) -> str:
    if module == "locsvc":
        return "package"  # __init__: the version, nothing imported
    for prefix, layer in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return layer
    raise AssertionError(f"{module} is in no layer")


def modules(root: Path) -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


def imports_of(module: str, path: Path, known: set[str]) -> Iterator[Import]:
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    type_only_lines = _type_checking_lines(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, is_package, node.module, node.level)
            # ``from . import x`` names a submodule, or a name in the package.
            named = [f"{base}.{alias.name}" for alias in node.names]
            targets = list(dict.fromkeys(name if name in known else base for name in named))
        else:
            continue
        for target in targets:
            yield Import(module, target, node.lineno, node.lineno in type_only_lines)


def _absolute(module: str, is_package: bool, name: str | None, level: int) -> str:
    if level == 0:
        return name or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def all_imports(root: Path = ROOT) -> list[Import]:
    found = dict(modules(root))
    return [i for module, path in found.items() for i in imports_of(module, path, set(found))]


def violation(found: Import) -> str | None:
    """Why this import breaks the layering, or None."""
    source = layer_of(found.module)
    ours = found.top in OURS
    target = layer_of(found.target) if ours else None
    if source == "domain":
        if ours and target != "domain":
            return "the domain imports only the domain"
        if not ours and found.top not in sys.stdlib_module_names:
            return "the domain imports nothing third-party"
    elif source == "ports":
        allowed = {"domain"} | (PORTS_TYPE_ONLY if found.type_only else set())
        if ours and target not in allowed and target != "ports":
            return "ports import only the domain (the settings for types)"
        if not ours and found.top not in sys.stdlib_module_names:
            if not (found.type_only and found.top in PORTS_TYPE_ONLY):
                return "ports import nothing third-party at run time"
    elif target in FORBIDDEN.get(source, set()):
        return f"{source} never imports {target}"
    return None


def layer_edges(found: list[Import]) -> Counter[tuple[str, str]]:
    return Counter(
        (layer_of(i.module), layer_of(i.target))
        for i in found
        if i.top in OURS and layer_of(i.module) != layer_of(i.target)
    )


def layer_cycles(edges: Counter[tuple[str, str]]) -> list[list[str]]:
    """Each cycle in the layer graph, as the path that closes it (one per back edge)."""
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
    cycles, done, path = [], set(), []

    def visit(node: str) -> None:
        path.append(node)
        for following in sorted(graph.get(node, ())):
            if following in path:
                cycles.append([*path[path.index(following) :], following])
            elif following not in done:
                visit(following)
        path.pop()
        done.add(node)

    for node in sorted(graph):
        if node not in done:
            visit(node)
    return cycles


def _report(found: list[Import]) -> list[str]:
    return [
        f"{i.module}:{i.line} imports {i.target}: {why}"
        for i in found
        if (why := violation(i)) is not None
    ]


def test_every_module_belongs_to_a_layer():
    assert all(layer_of(module) for module, _ in modules(ROOT))


def test_imports_point_down_the_layers():
    assert _report(all_imports()) == []


def test_no_cycle_between_layers():
    assert layer_cycles(layer_edges(all_imports())) == []


def test_the_checker_catches_an_upward_import(tmp_path):
    (tmp_path / "locsvc" / "services").mkdir(parents=True)
    (tmp_path / "workers").mkdir()
    (tmp_path / "locsvc" / "services" / "use.py").write_text(
        "def f():\n    from ..wiring import build_context\n"
    )
    (tmp_path / "locsvc" / "wiring.py").write_text("from .services import use\n")
    found = all_imports(tmp_path)
    assert _report(found) == [
        "locsvc.services.use:2 imports locsvc.wiring: services never imports wiring"
    ]
    assert layer_cycles(layer_edges(found)) == [["services", "wiring", "services"]]


if __name__ == "__main__":
    found = all_imports(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
    for (source, target), count in sorted(layer_edges(found).items()):
        print(f"{source} -> {target}: {count}")
    broken = _report(found)
    print(f"\n{len(broken)} imports break a rule:", *broken, sep="\n  ")
    print("cycles:", layer_cycles(layer_edges(found)))
