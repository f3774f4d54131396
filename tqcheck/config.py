"""Configuration: ``[tool.tqcheck]`` in pyproject.toml, or tqcheck.toml, found upward.

Example::

    [tool.tqcheck]
    fail-on = "warning"
    lang = "en"                 # force the target language
    source-lang = "zh"
    entity-style = "strict"     # "US forces" after "the United States" counts as a mix (default "noun": AP)
    diacritics = "keep"         # names keep their accents (José); "ascii": house style writes Jose
    include = ["*.md", "*.txt"]
    exclude = ["drafts/*"]

    [tool.tqcheck.rules]
    doubled-space = "off"
    space-before-punctuation = "error"

    [tool.tqcheck.rules.lm-error-span]   # a rule's own settings (`tqcheck explain RULE` lists them)
    min-confidence = 0.6

    [tool.tqcheck.glossary]
    "Qin Gang" = ["Qing Gang"]  # canonical = [variants it replaces]
    "Macao" = ["Macau"]

    [tool.tqcheck.per-file-ignores]  # glob (relative to this file's folder) = rules set aside there
    "wire/2026-05-01-*.txt" = ["mixed-quotes"]
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .findings import Severity
from .untrusted import Unparsable, toml_loads

CONFIG_NAMES = ("tqcheck.toml", ".tqcheck.toml", "pyproject.toml")


@dataclass
class Config:
    path: str | None = None
    fail_on: Severity = Severity.ERROR
    lang: str | None = None
    source_lang: str | None = None
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    # rule id -> "on", "off" or a severity
    rules: dict[str, str] = field(default_factory=dict)
    # rule id -> its settings table (``[tool.tqcheck.rules.<id>]`` less ``severity``), checked by tqcheck.settings
    rule_options: dict[str, dict] = field(default_factory=dict)
    # canonical spelling -> variants it replaces (may be empty: the spelling is simply right)
    glossary: dict[str, list[str]] = field(default_factory=dict)
    model: str | None = None  # model card id for the language model
    entity_style: str = "noun"  # "noun": only noun uses of US/United States must agree; "strict": all uses
    diacritics: str = ""        # "keep" (José), "ascii" (Jose); unset: what the text uses most
    # glob of files (relative to the config's folder, or a file name) -> the rules set aside for them
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)

    def rule_enabled(self, rule_id: str, default: bool = True) -> bool:
        """Whether the rule runs: as the config says, else its default (``Rule.default``)."""
        return self.rules.get(rule_id, "on" if default else "off") != "off"

    def ignored_for(self, path: str | None) -> frozenset[str]:
        """The rules ``per-file-ignores`` sets aside for the file at ``path``: its globs are matched against
        the path relative to the config's folder (the path as given when it lies elsewhere) and against
        the file name, as ``exclude`` is."""
        if not self.per_file_ignores or not path or path == "-":
            return frozenset()
        given = Path(path)
        rel = given.as_posix()
        if self.path:
            try:
                rel = given.resolve().relative_to(Path(self.path).resolve().parent).as_posix()
            except (ValueError, OSError):
                pass
        return frozenset(rule for pattern, rules in self.per_file_ignores.items()
                         if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(given.name, pattern) for rule in rules)

    def severity_for(self, rule_id: str, default: Severity) -> Severity:
        value = self.rules.get(rule_id)
        if value in (None, "on"):
            return default
        return Severity.parse(value)


def find_config(start: Path | None = None) -> Path | None:
    """The nearest tqcheck.toml, or pyproject.toml with a [tool.tqcheck] table."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml":
                return candidate
            # A pyproject.toml that cannot be read is an error, as a broken tqcheck.toml is: skipping it
            # would silently drop the settings it may hold.
            if "tqcheck" in _tool_table(_read_toml(candidate), candidate):
                return candidate
    return None


def _read_toml(path: Path) -> dict:
    try:
        return toml_loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a config file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 at byte {exc.start} (TOML files are UTF-8)") from None
    except Unparsable as exc:  # a syntax error, or arrays nested too deeply or a number too long to read
        raise ConfigError(f"{path}: invalid TOML: {exc.problem}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


_TOML_TYPES = {bool: "boolean", int: "integer", float: "float", str: "string", list: "array", dict: "table"}


def shown(value) -> str:
    """A config value in a message: its TOML type and a short repr (a value can be a whole table)."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{_TOML_TYPES.get(type(value), type(value).__name__)} {text}"


def _tool_table(data: dict, path: Path) -> dict:
    """pyproject.toml's ``tool`` table: ``tool = 5`` is the file's mistake, said as such."""
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: 'tool' must be a table ([tool.tqcheck] holds tqcheck's settings), "
                          f"not {shown(tool)}")
    return tool


def _str_list(value, key: str, path: Path) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: '{key}' must be a string or a list of strings, not {shown(value)}")
    return list(value)


def load_config(path: Path | None = None, search_from: Path | None = None) -> Config:
    """The settings of ``path`` (or the config found from ``search_from``).  Every key of the wrong type is
    a ConfigError naming the file and the key as it is written under [tool.tqcheck] (or in tqcheck.toml)."""
    if path is None:
        path = find_config(search_from)
        if path is None:
            return Config()
    path = Path(path)
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = _tool_table(data, path).get("tqcheck", {})
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: [tool.tqcheck] must be a table, not {shown(data)}")
    return parse_config(data, path)


def _str_or_none(data: dict, key: str, path: Path) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{path}: '{key}' must be a string, not {shown(value)}")
    return value


def _severity(value, key: str, path: Path) -> Severity:
    if not isinstance(value, str):
        raise ConfigError(f"{path}: '{key}' must be error, warning or info, not {shown(value)}")
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise ConfigError(f"{path}: '{key}': {exc}") from None


def _rule_setting(rule_id: str, value, cfg: Config, path: Path) -> str:
    """``rules.<id> = "off" | "on" | true | false | a severity``, or a table of the rule's settings
    with an optional ``severity``: what the rule is set to ("on", "off" or a severity)."""
    key = f"rules.{rule_id}"
    if isinstance(value, dict):
        options = dict(value)
        value = options.pop("severity", "on")
        key += ".severity"
        cfg.rule_options[rule_id] = options  # checked against the rule's Settings by tqcheck.settings
    if isinstance(value, bool):
        return "on" if value else "off"
    if not isinstance(value, str):
        raise ConfigError(f"{path}: '{key}' must be \"on\", \"off\" or a severity, not {shown(value)}")
    if value not in ("on", "off"):
        _severity(value, key, path)
    return value


def parse_config(data: dict, path: Path) -> Config:
    known = {"fail-on", "lang", "source-lang", "include", "exclude", "rules", "glossary", "model", "entity-style",
             "diacritics", "per-file-ignores"}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
    cfg = Config(path=str(path))
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise ConfigError(f"{path}: 'rules' must be a table of rule = \"off\" or a severity, not {shown(rules)}")
    if "fail-on" in data:
        cfg.fail_on = _severity(data["fail-on"], "fail-on", path)
    for rule_id, value in rules.items():
        cfg.rules[rule_id] = _rule_setting(rule_id, value, cfg, path)
    from .langtag import valid_language

    cfg.lang = _str_or_none(data, "lang", path)
    cfg.source_lang = _str_or_none(data, "source-lang", path)
    for key, value in (("lang", cfg.lang), ("source-lang", cfg.source_lang)):
        if value is not None and not valid_language(value):
            raise ConfigError(f"{path}: '{key}' = {value!r} is not a language code (use ISO 639-1, e.g. en)")
    cfg.model = _str_or_none(data, "model", path)
    cfg.entity_style = _str_or_none(data, "entity-style", path) or "noun"
    if cfg.entity_style not in ("noun", "strict"):
        raise ConfigError(f"{path}: entity-style must be \"noun\" or \"strict\", not {cfg.entity_style!r}")
    cfg.diacritics = _str_or_none(data, "diacritics", path) or ""
    if cfg.diacritics not in ("", "keep", "ascii"):
        raise ConfigError(f"{path}: diacritics must be \"keep\" or \"ascii\", not {cfg.diacritics!r}")
    cfg.include = _str_list(data.get("include", []), "include", path)
    cfg.exclude = _str_list(data.get("exclude", []), "exclude", path)
    glossary = data.get("glossary", {})
    if not isinstance(glossary, dict):
        raise ConfigError(f"{path}: 'glossary' must be a table of canonical = [variants], not {shown(glossary)}")
    cfg.glossary = {k: _str_list(v, f"glossary.{k}", path) for k, v in glossary.items()}
    ignores = data.get("per-file-ignores", {})
    if not isinstance(ignores, dict):
        raise ConfigError(f"{path}: 'per-file-ignores' must be a table of \"glob\" = [rules], not {shown(ignores)}")
    cfg.per_file_ignores = {k: _str_list(v, f"per-file-ignores.{k}", path) for k, v in ignores.items()}
    return cfg


def _folder_config(folder: Path) -> Path:
    """The config file that governs ``folder`` itself: its tqcheck.toml, .tqcheck.toml, or a pyproject.toml
    with a [tool.tqcheck] table; a new tqcheck.toml there when it has none."""
    for name in CONFIG_NAMES:
        candidate = folder / name
        if candidate.is_file() and (name != "pyproject.toml" or "tqcheck" in _tool_table(_read_toml(candidate),
                                                                                           candidate)):
            return candidate
    return folder / "tqcheck.toml"


def set_file_ignore(folder: Path, rel: str, rule_id: str, ignore: bool = True) -> Path:
    """Add ``rule_id`` to, or take it from, the ``per-file-ignores`` entry of the file ``rel`` (relative to
    ``folder``) in ``folder``'s config: the desk's "ignore this rule for this file", which CI then honours
    too.  Every other line is kept; the new text is read back through ``parse_config`` before it replaces
    the old one, atomically, and an edit it cannot make (the entry spread over several lines) is refused
    with a ConfigError and nothing written."""
    import glob
    import json

    from .textio import atomic_write

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", rule_id):
        raise ConfigError(f"{rule_id!r} is not a rule id")
    path = _folder_config(folder)
    text = path.read_text("utf-8") if path.exists() else ""
    pattern = glob.escape(rel)  # the file itself, even when its name holds [ ] * or ?
    current = _parsed(text, path).per_file_ignores.get(pattern, []) if text else []
    wanted = sorted(set(current) | {rule_id}) if ignore else [r for r in current if r != rule_id]
    if wanted == current:
        return path
    header = "[tool.tqcheck.per-file-ignores]" if path.name == "pyproject.toml" else "[per-file-ignores]"
    key = json.dumps(pattern, ensure_ascii=False)  # a JSON string is a TOML basic string
    line = f"{key} = {json.dumps(wanted)}\n"
    lines = text.splitlines(keepends=True)
    at = next((i for i, ln in enumerate(lines) if ln.strip() == header), None)
    if at is None:
        new = text + ("" if not text or text.endswith("\n") else "\n") + ("\n" if text else "") + header + "\n" + line
    else:
        end = next((i for i in range(at + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
        own = next((i for i in range(at + 1, end) if lines[i].lstrip().startswith(key)), None)
        if own is None:
            lines.insert(at + 1, line)
        elif wanted:
            lines[own] = line
        else:
            del lines[own]
        new = "".join(lines)
    if _parsed(new, path).per_file_ignores.get(pattern, []) != wanted:
        raise ConfigError(f"{path}: the per-file-ignores entry of {rel} could not be changed there; edit it by hand")
    atomic_write(path, new)
    return path


def _parsed(text: str, path: Path) -> Config:
    try:
        data = toml_loads(text)
    except Unparsable as exc:
        raise ConfigError(f"{path}: {exc.problem}") from None
    if path.name == "pyproject.toml":
        data = _tool_table(data, path).get("tqcheck", {})
    return parse_config(data, path)


def turn_rule_off(folder: Path, rule_id: str) -> Path:
    """Write ``rule-id = "off"`` into the rules table of ``folder``'s config (the desk's "ignore this rule
    for the folder"), keeping every other line of the file as it is; the file that was written.

    The new text is read back through ``parse_config`` before it replaces the old one, atomically: a
    file this edit would break is refused with a ConfigError and left alone."""
    from .textio import atomic_write

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", rule_id):
        raise ConfigError(f"{rule_id!r} is not a rule id")
    path = _folder_config(folder)
    text = path.read_text("utf-8") if path.exists() else ""
    header = "[tool.tqcheck.rules]" if path.name == "pyproject.toml" else "[rules]"
    line = f'{rule_id} = "off"'
    lines = text.splitlines(keepends=True)
    at = next((i for i, ln in enumerate(lines) if ln.strip() == header), None)
    if at is None:
        new = text + ("" if not text or text.endswith("\n") else "\n") + ("\n" if text else "") + f"{header}\n{line}\n"
    else:
        # The rule's own line, if the table has one ("rule = 'warning'"), becomes "off"; else one is added.
        end = next((i for i in range(at + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
        own = next((i for i in range(at + 1, end) if re.match(rf"\s*\"?{re.escape(rule_id)}\"?\s*=", lines[i])), None)
        if own is not None:
            lines[own] = line + "\n"
        else:
            lines.insert(at + 1, line + "\n")
        new = "".join(lines)
    if _parsed(new, path).rules.get(rule_id) != "off":
        raise ConfigError(f"{path}: {rule_id} could not be turned off in it (a [rules.{rule_id}] table?)")
    atomic_write(path, new)
    return path
