"""The package mirrors the pipeline, and data flows one way: each layer imports only from the layers
before it (read from the source with ast, lazy imports inside functions included)."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "magnet_briefing"
LAYERS = ("ledger", "config", "engine", "ingest", "analysis", "briefing", "publish", "cli")


def layer_of(module: str) -> int:
    """Position in LAYERS of a module 'magnet_briefing.x.y'; the package root and __main__ sit with cli."""
    parts = module.split(".")[1:]
    first = parts[0] if parts else "cli"
    return LAYERS.index({"__main__": "cli", "__init__": "cli"}.get(first, first))


def module_name(path: Path, root: Path = PACKAGE.parent) -> str:
    relative = path.relative_to(root).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def imported_modules(path: Path, root: Path = PACKAGE.parent) -> set[str]:
    """Every magnet_briefing module `path` imports, relative imports resolved."""
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("magnet_briefing")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                names = [target] if node.module else [f"{target}.{alias.name}" for alias in node.names]
                found |= set(names)
            elif node.module and node.module.startswith("magnet_briefing"):
                found.add(node.module)
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_layer():
    for path in SOURCES:
        layer_of(module_name(path))  # a module outside LAYERS raises ValueError


@pytest.mark.parametrize("path", SOURCES, ids=[module_name(p) for p in SOURCES])
def test_imports_only_from_earlier_layers(path):
    source = module_name(path)
    later = sorted(target for target in imported_modules(path)
                   if target != "magnet_briefing" and layer_of(target) > layer_of(source))
    assert not later, f"{source} ({LAYERS[layer_of(source)]}) imports from later layers: {later}"


def test_the_check_sees_a_backward_import(tmp_path):
    """A planted import of the briefing from the engine is caught (the test above can fail)."""
    engine = tmp_path / "magnet_briefing" / "engine"
    engine.mkdir(parents=True)
    planted = engine / "planted.py"
    planted.write_text("from ..briefing.labels import month_label\n")
    assert imported_modules(planted, root=tmp_path) == {"magnet_briefing.briefing.labels"}
    assert layer_of("magnet_briefing.briefing.labels") > layer_of("magnet_briefing.engine.planted")
