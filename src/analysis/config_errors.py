"""Configuration errors a person can act on: the file, the key path and the fix.

pydantic reports where a value failed (``('disclosure', 'min_cout')``) and why;
:func:`describe_errors` turns that into lines such as::

    config/partnerships/mine.yaml: disclosure.min_cout: unknown key; did you mean `min_count`?
        (valid keys under disclosure: allow_min_count_below_5, min_count)

Example
-------
>>> from pydantic import BaseModel, ConfigDict, ValidationError
>>> class S(BaseModel):
...     model_config = ConfigDict(extra="forbid")
...     min_count: int = 5
>>> try:
...     S.model_validate({"min_cout": 3})
... except ValidationError as exc:
...     print(describe_errors("c.yaml", exc, S))
c.yaml: 1 problem
  min_cout: unknown key; did you mean `min_count`? (valid keys: min_count)
"""

from __future__ import annotations

import difflib
import os
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo


def _unwrap(tp: Any) -> Any:
    """``X | None`` → ``X``; ``Annotated[X, …]`` → ``X``."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else tp
            if len(args) != 1:
                return tp
        else:
            return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """A model's fields by the key written in YAML (the alias where there is one)."""
    return {(f.alias or name): f for name, f in model.model_fields.items()}


def _walk(model: type[BaseModel], loc: tuple) -> tuple[type[BaseModel] | None, FieldInfo | None]:
    """The model holding the last key of ``loc``, and that key's field (None when unknown)."""
    tp: Any = model
    parent: type[BaseModel] | None = None
    info: FieldInfo | None = None
    for part in loc:
        tp = _unwrap(tp)
        if _is_model(tp):
            parent, info = tp, _fields(tp).get(str(part))
            if info is None:
                return parent, None
            tp = info.annotation
        elif typing.get_origin(tp) is dict:
            tp, parent, info = typing.get_args(tp)[1], None, None
        elif typing.get_origin(tp) in (list, tuple):
            tp, parent, info = typing.get_args(tp)[0], None, None
        else:
            return None, None
    return parent, info


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(the file)"


def _describe(error: dict, model: type[BaseModel], prefix: tuple = ()) -> str:
    loc = tuple(p for p in error["loc"] if not str(p).startswith(("function-", "tagged-union")))
    where = _path(prefix + loc)
    if error["type"] == "extra_forbidden":
        # Walking one step past the parent key stops at the model that refused the key.
        parent, _ = _walk(model, loc[:-1] + ("",)) if loc[:-1] else (model, None)
        valid = sorted(_fields(parent)) if parent else []
        close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.6)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        under = f" under {_path(prefix + loc[:-1])}" if prefix + loc[:-1] else ""
        return f"{where}: unknown key{hint} (valid keys{under}: {', '.join(valid)})"
    _, info = _walk(model, loc)
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        advice = f"; write {info.description}" if info is not None and info.description else ""
        return f"{where}: required but missing{advice}"
    if error["type"] == "value_error":  # the validator's own message says what to do
        return f"{where}: {message}" if prefix + loc else message
    got = error.get("input")
    shown = "" if isinstance(got, dict | list) else f" (found {got!r})"
    advice = f"; expected {info.description}" if info is not None and info.description else ""
    return f"{where}: {message[:1].lower()}{message[1:]}{shown}{advice}"


def describe_errors(
    path: str | os.PathLike, exc: ValidationError, model: type[BaseModel], prefix: tuple = ()
) -> str:
    """Every problem pydantic found in ``path``, one line each, with the key path and the fix.

    ``prefix`` is where ``model`` sits in the file (``("sources", "fft")``).
    """
    lines = [_describe(e, model, prefix) for e in exc.errors(include_url=False)]
    count = f"{len(lines)} problem" + ("s" if len(lines) != 1 else "")
    return f"{path}: {count}\n" + "\n".join(f"  {line}" for line in lines)
