"""The editor's decisions on a file's findings, kept so they outlive a reload or a switch of files.

One small JSON record per file the desk lists, keyed by each finding's fingerprint (rule and the
words around it: it holds when lines move or text elsewhere changes):

    {"version": 1, "file": "wire/story.txt",
     "decisions": {"9f86d081884c7d65": {"decision": "rejected", "reason": "house style", "by": "ana",
                                         "at": "2026-05-01T10:00:00Z"}},
     "ignored_rules": ["quote-style"]}

("ignored_rules": the rules the editor set aside for this file; optional, a record without it is
still version 1.)

Where it lives: ``.tqcheck-review/<name>.json`` beside the files, under the desk's PATH (a dot-folder,
so ``/api/files`` never lists or serves it), or, where that folder cannot be written (a read-only
share), in the user's data folder under a hash of the file's real path.

Every value in a record was written by a process we do not control (a sync tool, a hand edit, a
crash in another program), so it is read as untrusted: through ``read_regular_file`` with a size
cap, never through a link, parsed by ``json_loads``, and each entry checked.  A damaged record is
ignored with a warning, and kept as ``NAME.json.bak`` when the next decision replaces it: nothing
is lost.  Writes are atomic, and run on the desk's one thread, so two requests never interleave a
read-modify-write.
"""
from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..findings import Review
from ..fixfile import free_backup
from ..textio import NotARegularFile, atomic_write, read_regular_file
from ..untrusted import Unparsable, json_loads
from .files import Workspace
from .inputs import RequestError, checked_text

FOLDER = ".tqcheck-review"
VERSION = 1
# What the record may hold: a decision per finding, "open" being the absence of one.
DECISIONS = ("accepted", "rejected", "edited")
ALL_DECISIONS = (*DECISIONS, "open")
FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")
RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
MAX_IGNORED = 200  # more than there are rules
MAX_REASON = 500  # characters: a sentence or two, not a second article
MAX_BY = 100
# A 3,300-word article had 227 findings; 2,000 decisions is room for a long file's many re-checks,
# and caps what a client posting made-up fingerprints can make the record grow to.
MAX_DECISIONS = 2000
MAX_RECORD_BYTES = 4 * 1024 * 1024  # 2,000 entries of the largest size fit; anything bigger is not ours


def reviewer() -> str:
    """Who decides: the OS user running the desk (it is a one-person, local tool), else "editor"."""
    try:
        name = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in the environment or the password database
        return "editor"
    name = "".join(c for c in name if c.isprintable())[:MAX_BY]
    return name or "editor"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def checked_decision(value: object, where: str) -> dict:
    """One decision as a request or a record gives it, checked: {decision, reason?, by?, at?}.
    RequestError (400) naming ``where`` for anything else."""
    if not isinstance(value, dict):
        raise RequestError(f"{where} must be an object with 'decision' and an optional 'reason'")
    unknown = sorted(set(value) - {"decision", "reason", "by", "at"})
    if unknown:
        raise RequestError(f"{where}: unknown field(s): {', '.join(unknown)}")
    decision = value.get("decision")
    if decision not in ALL_DECISIONS:
        raise RequestError(f"{where}: 'decision' must be one of {', '.join(ALL_DECISIONS)}")
    out = {"decision": decision}
    for key, limit in (("reason", MAX_REASON), ("by", MAX_BY), ("at", 40)):
        v = value.get(key)
        if v is None or v == "":
            continue
        if not isinstance(v, str) or len(v) > limit:
            raise RequestError(f"{where}: '{key}' must be a string of at most {limit} characters")
        checked_text(v, key)
        if key != "reason" and not v.isprintable():
            raise RequestError(f"{where}: '{key}' must be printable text")
        out[key] = v
    return out


def checked_fingerprint(value: object) -> str:
    if not isinstance(value, str) or not FINGERPRINT.match(value):
        raise RequestError("'fingerprint' must be a finding's fingerprint: 16 hexadecimal digits")
    return value


@dataclass
class Record:
    path: str
    decisions: dict[str, dict] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    damaged: bool = False
    ignored_rules: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"path": self.path, "decisions": self.decisions, "ignored_rules": self.ignored_rules,
                "warnings": self.warnings, "by": reviewer()}


def _file_name(name: str) -> str:
    """The record's file name for a listed name: readable where it can be, "/" spelled "%2F" so the
    store is one flat folder (no subfolder to be swapped for a link); a hash where the name is too long."""
    flat = name.replace("%", "%25").replace("/", "%2F") + ".json"
    if len(flat.encode("utf-8")) > 200:
        flat = hashlib.sha256(name.encode("utf-8")).hexdigest() + ".json"
    return flat


def _user_folder() -> Path:
    import platformdirs

    return platformdirs.user_data_path("tqcheck") / "review"


class DecisionStore:
    def __init__(self, workspace: Workspace):
        self.workspace = workspace

    def _where(self, name: str, real: Path) -> Path:
        """The record of a listed file: beside the files when that folder is ours to write, else in the
        user's data folder.  A ``.tqcheck-review`` that is a link or not a folder is never used: writes
        through it could land anywhere."""
        base = self.workspace.base
        folder = base / FOLDER
        try:
            st = os.lstat(folder)
            usable = stat.S_ISDIR(st.st_mode) and os.access(folder, os.W_OK)
        except FileNotFoundError:
            usable = os.access(base, os.W_OK)
        except OSError:
            usable = False
        if usable:
            return folder / _file_name(name)
        key = hashlib.sha256(str(real).encode("utf-8")).hexdigest()
        return _user_folder() / f"{key}.json"

    def load(self, name: object) -> Record:
        rel, real = self.workspace.resolve(name)  # only files /api/files lists; PathRefused otherwise
        return self._read(rel, self._where(rel, real))

    def _read(self, rel: str, where: Path) -> Record:
        record = Record(rel)
        try:
            raw = read_regular_file(where, MAX_RECORD_BYTES)
        except FileNotFoundError:
            return record
        except (NotARegularFile, OSError) as exc:
            return self._damaged(record, where, f"cannot be read ({exc})")
        try:
            data = json_loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, Unparsable) as exc:
            return self._damaged(record, where, f"is not a JSON record ({exc})")
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("decisions"), dict):
            return self._damaged(record, where, "is not a version 1 record")
        if data.get("file") != rel:
            return self._damaged(record, where, f"is the record of another file ({str(data.get('file'))[:80]!r})")
        skipped = 0
        for fp, entry in data["decisions"].items():
            try:
                checked_fingerprint(fp)
                decision = checked_decision(entry, "decision")
            except RequestError:
                skipped += 1
                continue
            if decision["decision"] != "open" and len(record.decisions) < MAX_DECISIONS:
                record.decisions[fp] = decision
        ignored = data.get("ignored_rules", [])
        if isinstance(ignored, list):
            record.ignored_rules = sorted({r for r in ignored if isinstance(r, str) and RULE_ID.match(r)})[:MAX_IGNORED]
        if skipped:
            record.warnings.append(f"{skipped} damaged decision(s) in the review record of {rel} were ignored")
        return record

    @staticmethod
    def _damaged(record: Record, where: Path, why: str) -> Record:
        record.damaged = True
        record.warnings.append(f"the review record of {record.path} ({where.name}) {why}: its decisions are "
                               "ignored; it is kept as a .bak file when the next decision is saved")
        return record

    def decide(self, name: object, fingerprint: object, decision: object, reason: object = None) -> Record:
        rel, real = self.workspace.resolve(name)
        fp = checked_fingerprint(fingerprint)
        entry = checked_decision({"decision": decision, "reason": reason}, "the decision")
        where = self._where(rel, real)
        record = self._read(rel, where)
        if entry["decision"] == "open":
            record.decisions.pop(fp, None)
        else:
            if fp not in record.decisions and len(record.decisions) >= MAX_DECISIONS:
                raise RequestError(f"the review record of {rel} holds {MAX_DECISIONS} decisions already")
            record.decisions[fp] = {**entry, "by": reviewer(), "at": _now()}
        return self._write(rel, where, record)

    def ignore(self, name: object, rule: str, on: bool) -> Record:
        """Set the rule ``rule`` (a registered id: the caller checks it) aside for this file, or take it back."""
        rel, real = self.workspace.resolve(name)
        where = self._where(rel, real)
        record = self._read(rel, where)
        rules = set(record.ignored_rules)
        (rules.add if on else rules.discard)(rule)
        if len(rules) > MAX_IGNORED:
            raise RequestError(f"the review record of {rel} sets {MAX_IGNORED} rules aside already")
        record.ignored_rules = sorted(rules)
        return self._write(rel, where, record)

    def _write(self, rel: str, where: Path, record: Record) -> Record:
        if record.damaged and where.exists():
            # Nothing is lost: the damaged record is kept, byte for byte, before it is replaced.
            try:
                atomic_write(free_backup(where), read_regular_file(where, MAX_RECORD_BYTES))
            except (NotARegularFile, OSError):
                pass  # a link or a FIFO: atomic_write below replaces the link itself, not what it points to
        data = {"version": VERSION, "file": rel, "decisions": record.decisions}
        if record.ignored_rules:
            data["ignored_rules"] = record.ignored_rules
        atomic_write(where, _dumps(data))
        record.damaged = False
        return record


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def apply_decisions(findings, decisions: dict[str, dict]) -> None:
    """Mark each finding with its decision (``Finding.review``), for the reports the desk downloads."""
    for f in findings:
        d = decisions.get(f.fingerprint)
        if d is not None and d["decision"] != "open":
            f.review = Review(d["decision"], d.get("by") or reviewer(), d.get("reason") or None)


def request_decisions(value: object) -> dict[str, dict]:
    """The ``decisions`` field of a check request: {fingerprint: {decision, reason?, by?}}."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > MAX_DECISIONS:
        raise RequestError(f"'decisions' must be an object of at most {MAX_DECISIONS} fingerprints")
    return {checked_fingerprint(fp): checked_decision(d, f"decision {fp[:16]}") for fp, d in value.items()}
