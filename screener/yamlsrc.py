"""Parse YAML (or JSON) text into plain data plus the line of every value; the only YAML user.

Banks and answers files share it so that every problem can be reported as `FILE:LINE: path`.
It reads and writes nothing itself and knows nothing about what the data means.
"""

from __future__ import annotations

import json
from typing import Any, TypeAlias

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # The C composer is many times faster and still gives line marks.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path: TypeAlias = tuple[str | int, ...]
_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"


class ParseError(Exception):
    """The text is not valid YAML; `line` is 1-based (0 when unknown)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class Located:
    """Parsed data with the line of each path, and the problems found while building it."""

    def __init__(self, data: Any, lines: dict[Path, int], problems: list[tuple[Path, str]]):
        self.data = data
        self.lines = lines
        self.problems = problems  # e.g. duplicate keys, which PyYAML would silently drop

    def line(self, path: Path) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


def format_path(path: Path) -> str:
    """`("sections", 3, "questions", 2, "criterion")` -> `sections[3].questions[2].criterion`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top)"


def load(text: str) -> Located:
    """Parse YAML text, keeping lines. Raises ParseError on invalid YAML."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        # Where a construct began (an unclosed quote, say) is where to look, more than where
        # the parser gave up on it, often at the end of the file.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark is not None else 0
        raise ParseError(line, _yaml_message(exc)) from None
    except yaml.YAMLError as exc:  # e.g. a reader error for a control character
        raise ParseError(0, str(exc).splitlines()[0]) from None
    if node is None:
        return Located(None, {(): 1}, [])
    return _Builder().build(node)


def load_json(text: str) -> Located:
    """Parse JSON text. Lines are only known for the whole document."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(exc.lineno, exc.msg) from None
    return Located(data, {(): 1}, [])


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    message = ", ".join(parts) or "invalid YAML"
    start, end = exc.context_mark, exc.problem_mark
    if start is not None and end is not None and end.line != start.line:
        message += f" (noticed on line {end.line + 1})"
    return message


class _Builder:
    """Turns a composed node tree into dicts, lists and scalars, remembering each line."""

    def __init__(self) -> None:
        self.lines: dict[Path, int] = {}
        self.problems: list[tuple[Path, str]] = []
        self.scalars = SafeConstructor()

    def build(self, node: Node) -> Located:
        data = self.value(node, ())
        return Located(data, self.lines, self.problems)

    def value(self, node: Node, path: Path) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, MappingNode):
            return self.mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self.scalar(node)

    def scalar(self, node: ScalarNode) -> Any:
        if node.tag == _STR:  # most scalars and keys: skip the constructor's dispatch
            return node.value
        return self.scalars.construct_object(node)

    def mapping(self, node: MappingNode, path: Path) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:  # `<<: *anchor` merges keys it does not already have
                for source in _merge_sources(value_node):
                    merged = self.mapping(source, path)
                    for k, v in merged.items():
                        out.setdefault(k, v)
                continue
            if not isinstance(key_node, ScalarNode):
                self.problems.append((path, "a key must be a plain value"))
                continue
            key = self.scalar(key_node)
            if not isinstance(key, str | int | bool) or key is None:
                key = str(key)
            if key in out:
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                self.problems.append(((*path, key), f"duplicate key {key!r}"))
                continue
            out[key] = self.value(value_node, (*path, key))
            # Point at the key's line: a block value starts on the next line.
            self.lines[(*path, key)] = key_node.start_mark.line + 1
        return out


def _merge_sources(node: Node) -> list[MappingNode]:
    if isinstance(node, MappingNode):
        return [node]
    if isinstance(node, SequenceNode):
        return [n for n in node.value if isinstance(n, MappingNode)]
    return []


def dump(data: Any) -> str:
    """YAML text for plain data, keys in the given order."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
