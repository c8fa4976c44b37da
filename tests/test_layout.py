"""The code's rooms: modules import each other without a cycle, and importing an operation
(any module but the routes) never loads the pages.

Checked on the source, at module level (an import inside a function runs later and hides a
cycle rather than breaking it, so it counts too), and in a fresh interpreter for the pages.
"""

import ast
import pathlib
import subprocess
import sys

APP = pathlib.Path(__file__).resolve().parents[1] / "app"


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in APP.rglob("*.py")}


def _imports(path: pathlib.Path, everywhere: bool) -> set[str]:
    """The app modules `path` imports: at module level, or (`everywhere`) in any function."""
    tree = ast.parse(path.read_text())
    nodes = ast.walk(tree) if everywhere else tree.body
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("app"))
    return {name for name in found if name in MODULES}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        for dependency in sorted(graph[name]):
            found = visit(dependency, [*path, name])
            if found:
                return found
        done.add(name)
        return None

    for name in sorted(graph):
        found = visit(name, [])
        if found:
            return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_app():
    # create_app wires everything together inside a function: it is the one module allowed
    # to import the areas late (an application factory, by design).
    graph = {
        name: _imports(path, everywhere=name != "app") - {name} for name, path in MODULES.items()
    }
    assert _cycle(graph) is None


SERVICE_MODULES = sorted(
    name for name in MODULES if name != "app" and not name.split(".")[-1].endswith("routes")
)


def test_importing_the_operations_loads_no_routes():
    """One interpreter imports every module but the routes (and the factory), then lists
    what got loaded."""
    code = (
        "import sys, importlib\n"
        f"for name in {SERVICE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=APP.parent
    )
    loaded = [name for name in result.stdout.split() if name.startswith("app")]
    assert not [name for name in loaded if name.split(".")[-1].endswith("routes")]
