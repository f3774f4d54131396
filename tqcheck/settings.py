"""Per-rule settings: each rule declares a ``Settings`` dataclass; ``[tool.tqcheck.rules.<id>]`` fills it.

    [tool.tqcheck.rules.lm-disfluency]
    severity = "warning"
    min-surprisal = 11.0

Keys are the dataclass's fields in kebab-case; a key the rule does not have, or a value of the wrong
type, is an error naming the config file and the key.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, get_args, get_type_hints

from .errors import ConfigError


@dataclass(frozen=True)
class NoSettings:
    """A rule without settings of its own."""


def _kebab(name: str) -> str:
    return name.replace("_", "-")


def settings_keys(settings_cls: type) -> dict[str, dataclasses.Field]:
    return {_kebab(f.name): f for f in dataclasses.fields(settings_cls)}


def _coerce(value: Any, hint: Any, where: str) -> Any:
    arms = [a for a in get_args(hint) if a is not type(None)]
    if len(arms) == 1 and type(None) in get_args(hint):  # "float | None": unset by default, a float when set
        return _coerce(value, arms[0], where)
    if hint is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hint is bool and isinstance(value, bool):
        return value
    if hint is str and isinstance(value, str):
        return value
    from .config import shown

    raise ConfigError(f"{where} must be {getattr(hint, '__name__', hint)}, not {shown(value)}")


def parse_settings(rule_id: str, settings_cls: type, raw: dict[str, Any], config_path: str | None) -> Any:
    """The rule's settings from its config table (without ``severity``), validated."""
    keys = settings_keys(settings_cls)
    hints = get_type_hints(settings_cls)
    values = {}
    for key, value in raw.items():
        where = f"{config_path or 'config'}: rules.{rule_id}.{key}"
        if key not in keys:
            known = ", ".join(["severity", *keys]) or "severity"
            raise ConfigError(f"{where}: unknown setting for this rule (known: {known})")
        f = keys[key]
        values[f.name] = _coerce(value, hints[f.name], where)
    return settings_cls(**values)


def build_settings(rule, config) -> Any:
    return parse_settings(rule.id, rule.Settings, config.rule_options.get(rule.id, {}), config.path)


def parse_option(text: str, config) -> None:
    """``RULE.KEY=VALUE`` (the evaluation's --set) into the config, as a TOML table entry would be."""
    from .untrusted import Unparsable, toml_loads

    try:
        name, value = text.split("=", 1)
        rule_id, key = name.strip().split(".", 1)
    except ValueError:
        raise ConfigError(f"--set {text!r}: expected RULE.KEY=VALUE") from None
    try:
        parsed = toml_loads(f"v = {value.strip()}")["v"]
    except Unparsable:  # not a TOML value: the text itself, as a string
        parsed = value.strip()
    config.rule_options.setdefault(rule_id, {})[key.strip()] = parsed
