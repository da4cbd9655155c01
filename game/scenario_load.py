"""Loading scenario YAML: floats as exact Decimals, and every error mapped to the file,
the line and the field (PyYAML's node marks; libyaml when present)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml
from pydantic import ValidationError

from .scenario import (Event, Frame, Municipality, Option, Prioriteiten, RentPolicy, Scenario,
                       ScenarioError, reference_problems)


class _DecimalLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Reads floats as Decimal, so 0.029 is exactly 0.029."""


def _construct_decimal(loader, node):
    text = loader.construct_scalar(node)
    try:
        value = Decimal(text.replace("_", ""))
    except ArithmeticError:
        value = None
    if value is None or not value.is_finite():
        raise yaml.constructor.ConstructorError(None, None, f"'{text}' is not a usable number", node.start_mark)
    return value


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _check_nodes(node, path: str, file: str) -> None:
    """Before anything is built: a key given twice in one mapping (YAML would silently keep the last)."""
    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key, value in node.value:
            name = f"{path}.{key.value}" if path else str(key.value)
            if key.value in seen:
                raise ScenarioError(file, key.start_mark.line + 1, name,
                                    "is given twice in the same block (remove one)")
            seen.add(key.value)
            _check_nodes(value, name, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            ident = next((v.value for k, v in item.value if k.value == "id" and isinstance(v, yaml.ScalarNode)),
                         None) if isinstance(item, yaml.MappingNode) else None
            _check_nodes(item, f"{path}[{ident or i}]", file)


def _node_at(node, loc: tuple) -> yaml.Node | None:
    """The YAML node at a pydantic error location, or the deepest one that exists."""
    found = node
    for key in loc:
        if isinstance(found, yaml.MappingNode):
            nxt = next((v for k, v in found.value if k.value == key), None)
            if nxt is None:
                return found
            found = nxt
        elif isinstance(found, yaml.SequenceNode) and isinstance(key, int) and key < len(found.value):
            found = found.value[key]
        else:
            return found
    return found


def _field_name(loc: tuple, data) -> str:
    """A dotted field path; list items are named by their id where they have one."""
    parts: list[str] = []
    cur = data
    for key in loc:
        if isinstance(key, int) and isinstance(cur, list) and key < len(cur):
            item = cur[key]
            ident = item.get("id") if isinstance(item, dict) else None
            parts[-1:] = [f"{parts[-1] if parts else ''}[{ident or key}]"]
            cur = item
        else:
            parts.append(str(key))
            cur = cur.get(key) if isinstance(cur, dict) else None
    return ".".join(parts)


def load_text(text: str, file: str = "<scenario>") -> Scenario:
    """Parse and validate scenario YAML text; raise ScenarioError naming file, line and field."""
    try:
        loader = _DecimalLoader(text)
        try:  # compose once, keep the nodes for line numbers, construct from them
            root = loader.get_single_node()
            if root is not None:
                _check_nodes(root, "", file)
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(file, line, "", f"not valid YAML ({problem})") from None
    if not isinstance(data, dict):
        raise ScenarioError(file, 1, "", "a scenario must be a mapping of fields (id, name, rounds, …)")
    try:
        Scenario.model_validate(data)  # field errors first, with their own locations
    except ValidationError as exc:
        err = exc.errors()[0]
        if not err["loc"] and err["type"] == "value_error":
            problems = reference_problems(Scenario.model_construct(**_shallow(data)))
            if problems:
                loc, msg = problems[0]
                node = _node_at(root, loc)
                line = node.start_mark.line + 1 if node is not None else None
                raise ScenarioError(file, line, _field_name(loc, data), msg) from None
        loc = tuple(l for l in err["loc"] if not (isinstance(l, str) and l.startswith("function-")))
        # model_validator errors carry the model's loc; strip pydantic's union tags
        loc = tuple(l for l in loc if l not in ("str", "literal['prudent','balanced','generous']"))
        node = _node_at(root, loc)
        line = node.start_mark.line + 1 if node is not None else None
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "is required but missing"
        elif err["type"] == "extra_forbidden":
            msg = "is not a known field (check the spelling)"
        raise ScenarioError(file, line, _field_name(loc, data), msg) from None
    return Scenario.model_validate(data)


def _shallow(data: dict) -> dict:
    """Validated sub-models for a cross-field check (each list item on its own)."""
    fields = Scenario.model_fields
    out = dict(data)
    for name, cls in (("municipalities", Municipality), ("frames", Frame),
                      ("rent_policies", RentPolicy), ("options", Option), ("events", Event)):
        out[name] = [cls.model_validate(x) for x in data.get(name) or []]
    if data.get("prioriteiten") is not None:
        out["prioriteiten"] = Prioriteiten.model_validate(data["prioriteiten"])
    for name in ("default_frame", "baseline_rent_policy", "rounds", "mode", "prioriteiten"):
        out.setdefault(name, fields[name].default)
    return out


def load_file(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), None, "", f"cannot be read ({exc})") from None
    return load_text(text, file=str(path))
