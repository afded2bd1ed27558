"""A typed check of the composed config before anything is built: a string where a class takes only numbers or booleans.

``python train.py trainer.max_epochs=abc`` would otherwise fail deep inside Lightning, minutes in and without naming
the key. ``check_target_types`` reads the type hints of every ``_target_`` the config instantiates and names the key,
the value, the type expected and the class at once. It is conservative: only a string given where the hint admits
nothing but ``int``, ``float`` and ``bool`` (alone, ``Optional`` or in a ``Union``) is an error; anything it cannot
import, resolve or read the hints of is left to instantiation.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Iterator
from typing import Any

from hydra.utils import get_object
from omegaconf import DictConfig, ListConfig, OmegaConf

NUMERIC = (int, float, bool)
SKIPPED_ROOTS = ("hydra",)  # Hydra's own config (launchers, sweepers): Hydra checks it


class ConfigTypeError(ValueError):
    """A config value of the wrong type for the parameter of the ``_target_`` it is passed to."""


def target_nodes(node: DictConfig | ListConfig, prefix: str = "") -> Iterator[tuple[str, DictConfig]]:
    """(dotted key, node) of every dict under ``node`` that has a ``_target_``, ``node`` included; interpolated
    children (``world: ${env}``) are skipped: the node they point at is visited where it lives."""
    if isinstance(node, DictConfig) and "_target_" in node:
        yield prefix, node
    keys = node.keys() if isinstance(node, DictConfig) else range(len(node))
    for key in keys:
        if (not prefix and key in SKIPPED_ROOTS) or OmegaConf.is_interpolation(node, key):
            continue
        child = node._get_node(key)
        if isinstance(child, DictConfig | ListConfig) and not child._is_none() and not child._is_missing():
            yield from target_nodes(child, f"{prefix}.{key}" if prefix else str(key))


def parameter_hints(target: Any) -> dict[str, Any]:
    """{parameter: type hint} of a class's ``__init__`` or a function; {} when the hints cannot be read (forward
    references to names only imported for type checkers, C extensions, ...)."""
    function = target.__init__ if inspect.isclass(target) else target
    try:
        hints = typing.get_type_hints(function)
        parameters = inspect.signature(function).parameters
    except Exception:  # noqa: BLE001 - any failure to read hints means: no check
        return {}
    return {name: hint for name, hint in hints.items() if name in parameters}


def numeric_only(hint: Any) -> bool:
    """True when ``hint`` admits only int, float and bool (and None): ``int``, ``Optional[float]``,
    ``Union[int, float, None]``, ``int | None``; False for anything that admits a string or any other type."""
    if any(hint is kind for kind in NUMERIC):
        return True
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        members = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return bool(members) and all(numeric_only(arg) for arg in members)
    return False


def describe(hint: Any) -> str:
    """``Optional[Union[int, float]]`` -> "int or float or null"."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return " or ".join(dict.fromkeys(describe(arg) for arg in typing.get_args(hint)))
    return "null" if hint is type(None) else getattr(hint, "__name__", str(hint))


def check_node(key: str, node: DictConfig) -> None:
    """Raise ``ConfigTypeError`` for the first parameter of ``node._target_`` given a string where its hint admits only
    numbers and booleans; a target that cannot be imported, or a value that cannot be resolved yet, is skipped."""
    try:
        target = get_object(str(node._target_))
    except Exception:  # noqa: BLE001 - an unimportable target fails at instantiation with its own message
        return
    for name, hint in parameter_hints(target).items():
        if name not in node or name.startswith("_") or not numeric_only(hint):
            continue
        try:
            value = node[name]
        except Exception:  # noqa: BLE001 - an interpolation that resolves only later (e.g. ${hydra:...} outside a run)
            continue
        if isinstance(value, str):
            full_key = f"{key}.{name}" if key else name
            raise ConfigTypeError(
                f"{full_key}={value!r} is a string, but {node._target_} takes {name} as {describe(hint)}: "
                f"give {full_key} a value of that type, written without quotes"
            )


def check_target_types(cfg: DictConfig) -> None:
    """Walk every node of ``cfg`` with a ``_target_`` (Hydra's own ``hydra`` node aside) and raise
    ``ConfigTypeError`` naming the dotted key, the value, the expected type and the target when a string is given for a
    parameter whose type hint admits only int, float or bool (``Optional`` and ``Union`` of those included).
    Interpolations are resolved first; targets that cannot be imported and hints that cannot be read are skipped, and
    ``_partial_`` targets are checked alike (their keys are passed to the same signature)."""
    for key, node in target_nodes(cfg):
        check_node(key, node)
