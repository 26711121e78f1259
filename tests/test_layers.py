"""The import layers, read from the source: core < files < summaries < screens < cli, with the
neutral helpers (errors, i18n, streams, pool) below every layer that uses them, and no cycle.
The top-level modules take their place in that order: the library (`api`, and `exports`, the
`--export` plan built on it) sits above the summaries it writes and below the screens that use
it; the run flow (`flow`) sits above the screens it drives and below the command line.

Every `import` and `from ... import` in every module of `screener/` counts, at the top of a
module or inside a function (a lazy import still runs, and still ties the two modules), relative
or absolute. Imports under `if TYPE_CHECKING:` count for the layers but not for cycles: they never
run, so they cannot make a module load half-built, yet a type from a higher layer is still a leak.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "screener"

# Lowest first. A module may import its own layer and any layer below it.
LAYERS = ("core", "files", "summaries", "library", "screens", "flow", "cli")
# The top-level modules, each in its layer: the library and the `--export` plan of a command;
# a screening's life; the only Typer modules and what starts them.
TOP = {
    "api": "library",
    "exports": "library",
    "flow": "flow",
    "cli": "cli",
    "cliwords": "cli",
    "launch": "cli",
    "invocation": "cli",
    "guard": "cli",
    "scoremany": "cli",
    "__main__": "cli",
}
# Neutral helpers: usable from any layer, so they sit below each layer that uses them.
NEUTRAL = frozenset({"errors", "i18n", "streams", "pool", "poolworker"})


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> str | None:
    """The layer a module belongs to; None for a neutral helper and the package itself."""
    parts = module.split(".")[1:]
    if not parts:
        return None  # screener/__init__.py: the version, nothing else
    if len(parts) == 1:
        if parts[0] in TOP:
            return TOP[parts[0]]
        if parts[0] in NEUTRAL:
            return None
        raise AssertionError(
            f"{module}: a top-level module must be placed: add it to TOP or NEUTRAL in this test"
        )
    if parts[0] not in LAYERS:
        raise AssertionError(f"{module}: screener/{parts[0]}/ is not a layer")
    return parts[0]


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, path: Path) -> Iterator[tuple[str, int, bool]]:
    """(imported module, line, only for type checking) for every import in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _type_checking(node.test):
            typing_only.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    for node in ast.walk(tree):
        only_types = id(node) in typing_only
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "screener":
                    yield alias.name, node.lineno, only_types
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            if base.split(".")[0] != "screener":
                continue
            for alias in node.names:
                # `from screener import i18n` imports the module screener.i18n
                target = f"{base}.{alias.name}"
                yield (target if target in MODULES else base), node.lineno, only_types


EDGES = [
    (module, target, line, only_types)
    for module, path in MODULES.items()
    for target, line, only_types in _imports(module, path)
    if target != module
]


def _rank(layer: str) -> int:
    return LAYERS.index(layer)


def test_every_import_names_a_module_of_the_package() -> None:
    """A typo in an import path would otherwise drop the edge from every check below."""
    missing = [f"{m}:{line}: {t}" for m, t, line, _ in EDGES if t not in MODULES]
    assert not missing


Edge = tuple[str, str, int, bool]  # importer, imported, line, only for type checking


def _where(module: str) -> str:
    path = MODULES.get(module)
    return str(path.relative_to(PACKAGE.parent)) if path is not None else module


def upward(edges: list[Edge]) -> list[str]:
    """The imports that point from a layer to a higher one."""
    return [
        f"{_where(m)}:{line}: {m} ({mine}) imports {t} ({theirs})"
        for m, t, line, _ in edges
        if (mine := layer_of(m)) is not None
        and (theirs := layer_of(t)) is not None
        and _rank(theirs) > _rank(mine)
    ]


def neutral_leaks(edges: list[Edge]) -> list[str]:
    """The imports by which a neutral helper reaches a layer at or above the lowest one that
    uses it (directly, or through another neutral helper); the package's `__init__` counts
    as used by every layer."""
    users: dict[str, set[str]] = {}
    for m, t, _line, _types in edges:
        for n in (m, t):
            if n.split(".")[-1] in NEUTRAL:
                users.setdefault(n, set())
    users["screener"] = set(LAYERS)  # the package itself loads with every module
    for m, t, _line, _types in edges:
        if t in users and (mine := layer_of(m)) is not None:
            users[t].add(mine)
    changed = True
    while changed:  # a helper used by another helper inherits that one's users
        changed = False
        for m, t, _line, _types in edges:
            if t in users and m in users and not users[m] <= users[t]:
                users[t] |= users[m]
                changed = True
    wrong = []
    for m, t, line, _ in edges:
        theirs = layer_of(t)
        if m not in users or theirs is None:
            continue
        lowest = min((_rank(u) for u in users[m]), default=len(LAYERS))
        if _rank(theirs) >= lowest:
            used = LAYERS[lowest] if lowest < len(LAYERS) else "nothing"
            wrong.append(f"{_where(m)}:{line}: {m} imports {t} ({theirs}), but {used} uses {m}")
    return wrong


def test_layer_imports_only_its_own_layer_or_below() -> None:
    """core < files < summaries < library < screens < flow < cli: an arrow never points up."""
    found = upward(EDGES)
    assert not found, "\n".join(found)


def test_neutral_helpers_sit_below_every_layer_that_uses_them() -> None:
    """errors, i18n, streams and pool import no layer at or above the lowest one using them;
    the package's `__init__.py` imports no layer at all."""
    found = neutral_leaks(EDGES)
    assert not found, "\n".join(found)


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path (first module repeated at the end), or None."""
    done: set[str] = set()
    for start in sorted(edges):
        if start in done:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges.get(start, ()))))]
        path.append(start)
        on_path.add(start)
        while stack:
            node, rest = stack[-1]
            for nxt in rest:
                if nxt in on_path:
                    return [*path[path.index(nxt) :], nxt]
                if nxt not in done:
                    stack.append((nxt, iter(sorted(edges.get(nxt, ())))))
                    path.append(nxt)
                    on_path.add(nxt)
                    break
            else:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
    return None


def test_no_import_cycle() -> None:
    """No module reaches itself through imports that run (lazy ones included)."""
    graph: dict[str, set[str]] = {}
    for m, t, _line, only_types in EDGES:
        # the package itself is imported with every module; an edge to it is no cycle
        if not only_types and t != "screener":
            graph.setdefault(m, set()).add(t)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


class TestTheCheckItself:
    """The checks above would fail on the faults they look for."""

    def test_a_cycle_is_found_and_reported_as_a_path(self) -> None:
        graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
        assert find_cycle(graph) == ["a", "b", "c", "a"]

    def test_a_graph_without_cycle_passes(self) -> None:
        assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None

    def test_an_import_up_the_layers_is_found(self) -> None:
        edges = [("screener.files.bank", "screener.screens.render", 3, False)]
        assert upward(edges) == [
            "screener/files/bank.py:3: screener.files.bank (files) imports "
            "screener.screens.render (screens)"
        ]
        assert upward([("screener.cli", "screener.core.model", 1, False)]) == []

    def test_a_neutral_helper_reaching_up_to_its_users_is_found(self) -> None:
        core_uses_i18n = ("screener.core.kinds", "screener.i18n", 1, False)
        i18n_uses_files = ("screener.i18n", "screener.files.bank", 2, False)
        assert neutral_leaks([core_uses_i18n, i18n_uses_files]) == [
            "screener/i18n.py:2: screener.i18n imports screener.files.bank (files), "
            "but core uses screener.i18n"
        ]
        streams_for_screens = ("screener.screens.render", "screener.streams", 1, False)
        streams_uses_core = ("screener.streams", "screener.core.model", 2, False)
        assert neutral_leaks([streams_for_screens, streams_uses_core]) == []

    def test_a_neutral_helper_inherits_the_users_of_one_that_uses_it(self) -> None:
        edges = [
            ("screener.core.kinds", "screener.i18n", 1, False),
            ("screener.i18n", "screener.errors", 2, False),
            ("screener.errors", "screener.core.model", 3, False),
        ]
        assert len(neutral_leaks(edges)) == 1

    @pytest.mark.parametrize(
        ("module", "layer"),
        [
            ("screener.core.kinds", "core"),
            ("screener.files.bank", "files"),
            ("screener.cli", "cli"),
            ("screener.api", "library"),
            ("screener.exports", "library"),
            ("screener.flow", "flow"),
            ("screener.screens.after", "screens"),
            ("screener.i18n", None),
            ("screener.pool", None),
        ],
    )
    def test_modules_are_placed_in_their_layer(self, module: str, layer: str | None) -> None:
        assert layer_of(module) == layer

    def test_lazy_and_relative_imports_are_read(self, tmp_path: Path) -> None:
        source = tmp_path / "x.py"
        source.write_text(
            "from . import kinds\n"
            "def f():\n"
            "    from screener.files import bank\n"
            "if TYPE_CHECKING:\n"
            "    from screener.screens import render\n",
            encoding="utf-8",
        )
        found = sorted(_imports("screener.core.x", source), key=lambda edge: edge[1])
        assert found == [
            ("screener.core.kinds", 1, False),
            ("screener.files.bank", 3, False),
            ("screener.screens.render", 5, True),
        ]
