"""List the functions and modules of the package longer than a limit, longest first.

Run: python tools/long_functions.py [--lines 60] [--module-lines 600] [PATH ...]
A function's length counts its lines from `def` (decorators aside) to its last line,
docstring and comments included. Always exits 0: it reports, the review decides.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def functions(path: Path) -> list[tuple[int, str, int]]:
    """(lines, qualified name, first line) of every function in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[tuple[int, str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                end = child.end_lineno or child.lineno
                found.append((end - child.lineno + 1, name, child.lineno))
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=60, help="function limit (default 60)")
    parser.add_argument("--module-lines", type=int, default=600, help="module limit (600)")
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "screener"])
    args = parser.parse_args()
    files = sorted(f for p in args.paths for f in ([p] if p.is_file() else p.rglob("*.py")))
    long_functions: list[tuple[int, str]] = []
    long_modules: list[tuple[int, str]] = []
    for path in files:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > args.module_lines:
            long_modules.append((lines, str(shown)))
        for length, name, line in functions(path):
            if length > args.lines:
                long_functions.append((length, f"{shown}:{line}: {name}"))
    print(f"modules over {args.module_lines} lines: {len(long_modules)}")
    for lines, name in sorted(long_modules, reverse=True):
        print(f"  {lines:5}  {name}")
    print(f"functions over {args.lines} lines: {len(long_functions)}")
    for length, name in sorted(long_functions, reverse=True):
        print(f"  {length:5}  {name}")


if __name__ == "__main__":
    main()
