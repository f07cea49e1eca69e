"""The shape of the core (teams/*.py, teams/review/, teams/notify/): no import cycles, no imports
hidden in functions (each marks a misplaced function; Django's AppConfig.ready is the one place
for wiring), no module over about 300 lines. Static: reads the source, imports nothing."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = sorted(p for pattern in ("teams/*.py", "teams/review/*.py", "teams/notify/*.py") for p in ROOT.glob(pattern))
MAX_LINES = 300


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules():
    return {module_name(p): p for pattern in ("teams/**/*.py", "realtime/**/*.py", "workspace/**/*.py")
            for p in ROOT.glob(pattern) if "migrations" not in p.parts}


def imported(module, node, modules, is_package):
    """The project modules an import statement names."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".") if is_package else module.split(".")[:-1]
            package = package[:len(package) - (node.level - 1)]
            base = ".".join(package + ([base] if base else []))
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
    found = set()
    for name in names:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name and name != module:
            found.add(name)
    return found


def import_graph():
    modules = project_modules()
    graph = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text())
        graph[module] = set().union(*(imported(module, node, modules, path.name == "__init__.py")
                                      for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))))
    return graph


def cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in graph:
        if v not in index:
            visit(v)
    return found


def function_level_imports(path):
    tree = ast.parse(path.read_text())
    wiring = {id(node) for cls in ast.walk(tree) if isinstance(cls, ast.ClassDef)
              for fn in cls.body if isinstance(fn, ast.FunctionDef) and fn.name == "ready"
              for node in ast.walk(fn)}
    # Module level: the body, and an `if TYPE_CHECKING:` block there (imports for annotations only).
    top = {id(node) for node in tree.body} | {
        id(node) for block in tree.body if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for node in block.body}
    return [node.lineno for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
            and id(node) not in top and id(node) not in wiring]


def test_no_import_cycle_touches_the_core():
    core = {module_name(p) for p in CORE}
    assert [sorted(c) for c in cycles(import_graph()) if c & core] == []


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_imports_inside_functions(path):
    assert function_level_imports(path) == []


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_does_one_job(path):
    assert len(path.read_text().splitlines()) <= MAX_LINES
