"""Command line: ``tqcheck check``, ``fix``, ``names``, ``serve``, ``rules``, ``explain``.

Exit codes: 0 nothing at or above --fail-on; 1 something is; 2 usage, input
or runtime error (message on stderr, no traceback).
"""
from __future__ import annotations

import os
import shlex
import sys
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .boundary import GuardedGroup, exit_for_failed_files as _exit_for_failed_files, set_debug
from .config import load_config
from .errors import InputError, OutputError, TqcheckError
from .options import check_language, check_rules
from .outputs import Protected, check_writable, inputs_of, write
from .findings import Severity
from .fix import DEFAULT_FIX_CONFIDENCE
from .pipeline import CheckRequest, load_documents, run_check
from .render import FORMATS, format_for_path, render, report_suffixes
from .report import Report
from .rules import all_rules, get_rule, rules_table
from .suppress import Baseline

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, cls=GuardedGroup,
                  help="tqcheck: find and fix the marks of machine translation in text.")


# The --format choices come from the one table of output formats (tqcheck.render.FORMATS).
Format = Enum("Format", {f.name: f.name for f in FORMATS}, type=str)


class Executor(str, Enum):
    local = "local"
    ray = "ray"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def _fail(message: str) -> "typer.Exit":
    typer.echo(f"tqcheck: error: {message}", err=True)
    return typer.Exit(2)


def _warn(message: str) -> None:
    typer.echo(f"tqcheck: warning: {message}", err=True)


# One meaning wherever it is given (check, fix): which of the trained detector's findings are reported.
_MIN_CONFIDENCE = typer.Option(None, "--min-confidence", min=0.0, max=1.0,
                               help="Report the trained detector's findings (lm-error-span) from this calibrated "
                               "confidence (default: the detector's, chosen for character precision 0.60 on dev).")


def _report_from(config, min_confidence: float | None) -> None:
    if min_confidence is not None:
        config.rule_options.setdefault("lm-error-span", {})["min-confidence"] = min_confidence


def _show_progress() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def _checked(request: CheckRequest) -> Report:
    """run_check, with a progress bar on a terminal when there are several files."""
    docs = request.documents
    if _show_progress() and docs is not None and len(docs) > 1:
        from rich.progress import Progress

        with Progress(transient=True, console=_stderr_console()) as bar:
            task = bar.add_task("checking", total=len(docs))
            return run_check(request, warn=_warn, progress=lambda _doc: bar.advance(task))
    return run_check(request, warn=_warn)


def _cache_folder(enabled: bool, folder: Path | None, config) -> str | None:
    """Where the incremental cache lives; None when it is off (--no-cache; TQCHECK_CACHE=off turns off the
    default folder, an explicit --cache-dir still asks for one)."""
    if not enabled:
        return None
    if folder is not None:
        return str(folder)
    if os.environ.get("TQCHECK_CACHE", "on").lower() in ("off", "0", "no"):
        return None
    from .results_cache import default_cache_dir

    return str(default_cache_dir(config.path))


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def write_html_site(result: Report, folder: Path, protected: Protected | None = None) -> None:
    """One review page per file and an index.html linking them."""
    from .render.html import render_site

    if folder.exists() and not folder.is_dir():
        raise TqcheckError(f"{folder}: not a directory")
    pages = render_site(result)
    for name in pages:  # every page is checked before the first is written
        if protected is not None:
            protected.refuse(folder / name, "--output")
    for name, page in pages.items():
        write(folder / name, page, option="--output")


@app.command()
def check(
    paths: List[str] = typer.Argument(..., help="Files or directories to check; - reads stdin."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the output here (atomically). "
                                          "With --format html, a directory (or a path without suffix) gets one "
                                          "page per file plus index.html."),
    report: List[Path] = typer.Option([], "--report", help="Also write a report file; format from the suffix "
                                      "(.json, .sarif, .txt, .html). Repeatable."),
    fail_on: Optional[FailOn] = typer.Option(None, "--fail-on", help="Exit 1 when a finding is at or above this "
                                             "severity (default: error, or the config's fail-on)."),
    config_path: Optional[Path] = typer.Option(None, "--config", help="Config file (default: nearest tqcheck.toml "
                                               "or pyproject.toml with [tool.tqcheck])."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Target language (ISO 639-1); default: detected."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Input encoding when not UTF-8/UTF-16 with BOM."),
    include: List[str] = typer.Option([], "--include", help="Glob of files to take from directories. Repeatable."),
    exclude: List[str] = typer.Option([], "--exclude", help="Glob of files or folders to skip. Repeatable."),
    select: List[str] = typer.Option([], "--rule", help="Run only this rule. Repeatable."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="Report only findings not in this baseline."),
    write_baseline: Optional[Path] = typer.Option(None, "--write-baseline", help="Record today's findings here."),
    no_model: bool = typer.Option(False, "--no-model", help="Run only the checks that need no language model."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda (for the language model)."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Worker processes (default 0: one per core, from 8 "
                             "files to check; 1: all in this process)."),
    executor: Executor = typer.Option(Executor.local, "--executor", help="local: here, or --jobs worker processes; "
                                      "ray: actors on a Ray cluster (pip install 'tqcheck[ray]')."),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", help="The Ray head, HOST:PORT (default: "
                                              "RAY_ADDRESS, else a Ray started for the run)."),
    cache: bool = typer.Option(True, "--cache/--no-cache", help="Reuse each unchanged file's results from the "
                               "incremental cache (default: on)."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="The cache's folder (default: "
                                             "TQCHECK_CACHE_DIR, else .tqcheck_cache/ beside the config file, "
                                             "else the user cache directory)."),
    diff: Optional[str] = typer.Option(None, "--diff", help="Report only findings on lines changed since this git "
                                       "ref (every check still reads whole files)."),
    color: Optional[bool] = typer.Option(None, "--color/--no-color", help="Colour text output (default: on a TTY)."),
    source: Optional[str] = typer.Option(None, "--source", help="Source text: a file for one target, or a directory "
                                         "mirroring the target tree. Enables the source checks."),
    source_lang: Optional[str] = typer.Option(None, "--source-lang", help="Source language (default: detected)."),
    reference: Optional[str] = typer.Option(None, "--reference", help="Human reference translation (file or "
                                            "mirroring directory): adds BLEU, chrF and TER."),
    min_confidence: Optional[float] = _MIN_CONFIDENCE,
):
    """Check translated text and report findings."""
    try:
        config = load_config(config_path)
        _report_from(config, min_confidence)
        threshold = fail_on.value if fail_on else config.fail_on.value
        check_language(lang, "--lang")
        check_language(source_lang, "--source-lang")
        check_rules(select)
        if executor is Executor.ray:  # a missing Ray is said before the files are read
            from .executors.ray import import_ray

            import_ray()
        for path in report:
            if format_for_path(path) is None:
                raise TqcheckError(f"{path}: unknown report type (use {', '.join(report_suffixes())})")
        site = format.value == "html" and output is not None and (output.is_dir() or not output.suffix)
        request = CheckRequest(
            paths=list(paths), config=config, lang=lang, encoding=encoding, include=list(include),
            exclude=list(exclude), rules=list(select), use_model=not no_model, device=device, source=source,
            source_lang=source_lang, reference=reference, jobs=jobs,
            cache_dir=_cache_folder(cache, cache_dir, config), executor=executor.value, ray_address=ray_address)
        unreadable: list[InputError] = []
        docs = load_documents(request, warn=_warn, unreadable=unreadable)
        if diff is not None:
            from .gitdiff import changed_lines

            changed = changed_lines([d.path for d in docs], diff)  # a bad ref fails before the check
        for problem in unreadable:
            typer.echo(f"tqcheck: error: {problem} (not checked)", err=True)
        # Every output is checked against every file read before the (long) check starts, the baseline
        # included; --write-baseline alone may name the --baseline it updates: that one is read now,
        # the findings are compared with it as it was, and the new one is written last.
        read = inputs_of(docs, config) + [problem.path for problem in unreadable]
        protected = Protected(read + [str(baseline or "")])
        updatable = Protected(read)
        outputs = Protected()
        for option, target in [("--output", output), ("--write-baseline", write_baseline),
                               *(("--report", r) for r in report)]:
            if target is not None:
                (updatable if option == "--write-baseline" else protected).refuse(target, option)
                if outputs.owner(target) is not None:
                    raise OutputError(str(target), f"{option} names a file another output option also names")
                outputs.add(target)
                check_writable(target, option, directory_ok=site and option == "--output")
        known = Baseline.load(baseline) if baseline else None
        result = _checked(replace(request, documents=docs))
        result.run.command = "tqcheck " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        if diff is not None:
            from .gitdiff import keep_changed

            keep_changed(result, changed)
        recorded = Baseline.from_findings(result.findings).dumps() if write_baseline else None
        if known is not None:
            for r in result.files:
                r.findings = known.filter_new(r.findings)
        for path in report:
            write(path, render(result, format_for_path(path).name, color=False), protected, "--report")
        if site:
            write_html_site(result, output, protected)
        else:
            use_color = color if color is not None else (output is None and sys.stdout.isatty())
            out = render(result, format.value, color=use_color)
            if output:
                write(output, out, protected, "--output")
            else:
                sys.stdout.write(out)
        if recorded is not None:
            write(write_baseline, recorded, updatable, "--write-baseline")
    except TqcheckError as exc:
        raise _fail(str(exc)) from None
    _exit_for_failed_files(result)
    if unreadable:  # named on stderr as they were met; the others were checked and written
        raise typer.Exit(2)
    if threshold != "never" and result.fails(Severity.parse(threshold)):
        raise typer.Exit(1)


@app.command()
def fix(
    paths: List[str] = typer.Argument(..., help="Files or directories to correct (directories are walked as check "
                                      "walks them, with --include and --exclude)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the corrected copies here, never over "
                                          "an input. One file: the file to write (or a folder to write it into). "
                                          "Several files or a directory: a folder, where each copy keeps its path "
                                          "under the input it came from (the tree mirrored, as --source mirrors "
                                          "it)."),
    in_place: bool = typer.Option(False, "--in-place", help="Correct each file itself, keeping FILE.bak."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only print each file's patch; write nothing."),
    force: bool = typer.Option(False, "--force", help="With --in-place, also correct a read-only file."),
    fix_confidence: Optional[float] = typer.Option(None, "--fix-confidence", min=0.0, max=1.0,
                                                   help="Apply only suggestions at least this confident (0-1; "
                                                   f"default {DEFAULT_FIX_CONFIDENCE})."),
    min_confidence: Optional[float] = _MIN_CONFIDENCE,
    fail_on: Optional[FailOn] = typer.Option(None, "--fail-on", help="Exit 1 when a finding left unapplied is at "
                                             "or above this severity (default: error, or the config's fail-on)."),
    config_path: Optional[Path] = typer.Option(None, "--config", help="Config file."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Target language (ISO 639-1); default: detected."),
    source: Optional[str] = typer.Option(None, "--source", help="Source text: a file for one target, or a directory "
                                         "mirroring the target tree (enables the source checks and the source's "
                                         "evidence for names)."),
    source_lang: Optional[str] = typer.Option(None, "--source-lang", help="Language the text was translated from."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Input encoding when not UTF-8/UTF-16 with BOM."),
    include: List[str] = typer.Option([], "--include", help="Glob of files to take from directories. Repeatable."),
    exclude: List[str] = typer.Option([], "--exclude", help="Glob of files or folders to skip. Repeatable."),
    select: List[str] = typer.Option([], "--rule", help="Apply only this rule's suggestions. Repeatable."),
    no_model: bool = typer.Option(False, "--no-model", help="Run only the checks that need no language model."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda (for the language model)."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Worker processes (default 0: one per core, from 8 "
                             "files to check; 1: all in this process)."),
):
    """Apply the confident, safe fixes to each file and print each file's patch (a unified diff).

    Files and directories are found as check finds them. A fix that may change the meaning, or is
    below --fix-confidence, is left for a person (counted on stderr; `tqcheck check` shows it).
    A file that cannot be read, is read-only (without --force), changed during the check, or
    whose encoding cannot hold a fix is named on stderr and left as it was; the other files are
    still fixed. Exit codes as check's: 0; 1 when a finding left unapplied is at or above
    --fail-on; 2 on a usage error or when a file was not fixed.
    """
    from .fix import apply_fixes, unified_diff

    if sum((output is not None, in_place, dry_run)) != 1:
        raise _fail("give one of -o OUT, --in-place or --dry-run")
    problems: list[TqcheckError] = []
    try:
        from .fixfile import check_output_folder, output_is_folder, plan_targets, write_fixed

        config = load_config(config_path)
        _report_from(config, min_confidence)
        if min_confidence is not None and fix_confidence is None:
            # Until this release --min-confidence was fix's threshold for applying: say what it means now.
            _warn(f"--min-confidence sets which findings are reported, as in check; what fix applies is "
                  f"--fix-confidence (default {DEFAULT_FIX_CONFIDENCE})")
        fix_confidence = DEFAULT_FIX_CONFIDENCE if fix_confidence is None else fix_confidence
        threshold = fail_on.value if fail_on else config.fail_on.value
        check_language(lang, "--lang")
        check_language(source_lang, "--source-lang")
        check_rules(select)
        if "-" in paths:
            raise InputError("-", "fix corrects files, and stdin cannot be written back; save it to a file, or "
                                  "read its findings with `tqcheck check -`")
        if output is not None and output_is_folder(list(paths), output):
            check_output_folder(list(paths), output)
        request = CheckRequest(paths=list(paths), config=config, lang=lang, encoding=encoding, include=list(include),
                               exclude=list(exclude), rules=list(select), use_model=not no_model, device=device,
                               source=source, source_lang=source_lang, jobs=jobs)
        unreadable: list[InputError] = []
        docs = load_documents(request, warn=_warn, unreadable=unreadable)
        problems.extend(unreadable)
        targets, unfixable = plan_targets([d.path for d in docs], list(paths), output, in_place, force, _warn)
        problems.extend(unfixable)
        # No corrected copy lands on a file the run reads: a target, its source, the config.
        read = Protected(inputs_of(docs, config) + [p.path for p in unreadable])
        for target in {t for t in targets.values() if t is not None and not in_place}:
            read.refuse(target, "--output")
            if not output_is_folder(list(paths), output):
                check_writable(target, "--output")
        docs = [d for d in docs if d.path in targets]
        result = _checked(replace(request, documents=docs)) if docs else None
    except TqcheckError as exc:
        for problem in problems:  # the files met before the run stopped
            typer.echo(f"tqcheck: error: {problem} (not fixed)", err=True)
        raise _fail(str(exc)) from None
    counts = [0, 0, 0]  # findings applied, findings, suggestions left for a person
    failing_left = False
    for r in result.files if result else []:
        if r.errors:  # a rule failed on it: its findings are incomplete, so it is not corrected
            problems.extend(TqcheckError(f"{r.path}: {e}") for e in r.errors)
            continue
        doc, target = r.document, targets[r.path]
        fixed, applied = apply_fixes(doc.raw, r.findings, fix_confidence)
        try:
            if target is not None:
                backup = write_fixed(Path(r.path), target, doc.raw, fixed, in_place, encoding)
                if backup:
                    _warn(f"kept the original as {backup}")
        except TqcheckError as exc:
            problems.append(exc)
            continue
        sys.stdout.write(unified_diff(doc.raw, fixed, r.path, str(target or r.path)))
        done = {id(f) for f in applied}
        left = [f for f in r.findings if id(f) not in done]
        failing_left |= threshold != "never" and any(f.severity.rank >= Severity.parse(threshold).rank
                                                     for f in left)
        shown = sum(1 for f in left if f.fixes)
        counts = [counts[0] + len(applied), counts[1] + len(r.findings), counts[2] + shown]
        bar = f" (confidence >= {fix_confidence})" if len(result.files) == 1 else ""
        verb = "to apply" if dry_run else "applied"
        typer.echo(f"{r.path}: {len(applied)} of {len(r.findings)} findings {verb}{bar}"
                   + (f", {shown} suggestions left for a person" if shown else "")
                   + ("" if target is None or (in_place and fixed == doc.raw) else f"; wrote {target}"), err=True)
    if result and len(result.files) > 1:
        typer.echo(f"{counts[0]} of {counts[1]} findings {'to apply' if dry_run else 'applied'} in "
                   f"{len(result.files)} files (confidence >= "
                   f"{fix_confidence})" + (f", {counts[2]} suggestions left for a person" if counts[2] else ""),
                   err=True)
    _not_fixed(problems)
    if failing_left:
        raise typer.Exit(1)


def _not_fixed(problems: list[TqcheckError]) -> None:
    """Each file fix left as it was, named with its problem; then exit 2 (the others were fixed)."""
    for problem in problems:
        typer.echo(f"tqcheck: error: {problem} (not fixed)", err=True)
    if problems:
        raise typer.Exit(2)


class ScoreFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("score")
def score_cmd(
    hyp: Path = typer.Argument(..., help="Translation to score, one segment per line."),
    ref: Path = typer.Option(..., "--ref", help="Reference translation, one segment per line."),
    format: ScoreFormat = typer.Option(ScoreFormat.text, "--format", "-f", help="Output format."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Target language (default: detected); picks the "
                                       "tokenizer."),
    tokenize: Optional[str] = typer.Option(None, "--tokenize", help="Override the sacrebleu tokenizer."),
    worst: int = typer.Option(5, "--worst", help="List this many lowest-chrF segments."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Input encoding when not UTF-8."),
):
    """BLEU, chrF and TER of HYP against --ref with sacrebleu, line by line."""
    from .metrics import score_files

    try:
        typer.echo(score_files(hyp, ref, format.value, lang, tokenize, worst, encoding))
    except TqcheckError as exc:
        raise _fail(str(exc)) from None


@app.command("rules")
def rules_cmd(as_json: bool = typer.Option(False, "--json", help="Machine-readable list.")):
    """List every rule with its category, default severity and languages."""
    registry = all_rules()
    if as_json:
        import json

        typer.echo(json.dumps(rules_table(), indent=2))
        return
    width = max(len(r) for r in registry)
    for rule_id, r in registry.items():
        langs = ",".join(sorted(r.languages)) if r.languages else "*"
        opt_in = "" if r.default else " (off by default)"
        typer.echo(f"{rule_id:<{width}}  {r.category.value:<11} {r.severity.value:<7} {langs:<8} {r.summary()}{opt_in}")


@app.command()
def explain(rule_id: str = typer.Argument(..., help="Rule id, as `tqcheck rules` lists it.")):
    """Show one rule: what it finds, why, and examples."""
    try:
        r = get_rule(rule_id)
    except KeyError:
        raise _fail(f"unknown rule {rule_id!r}; `tqcheck rules` lists them") from None
    langs = ", ".join(sorted(r.languages)) if r.languages else "any"
    typer.echo(f"{r.id}  ({r.family} / {r.category.value}, default {r.severity.value}, languages: {langs})"
               + ("" if r.default else "\noff by default: switch it on in the config ([tool.tqcheck.rules] "
                                      f"{r.id} = \"on\") or name it with --rule"))
    if r.needs():
        typer.echo(f"needs: {', '.join(r.needs())}")
    from .settings import settings_keys

    keys = settings_keys(r.Settings)
    if keys:
        typer.echo(f"settings ([tool.tqcheck.rules.{r.id}]): "
                   + ", ".join(f"{k} = {'unset' if f.default is None else repr(f.default)}" for k, f in keys.items()))
    typer.echo("")
    typer.echo("\n".join(line.strip() for line in r.description.strip().splitlines()))
    for label, examples in (("Flagged", r.bad), ("Not flagged", r.good)):
        if examples:
            typer.echo(f"\n{label}:")
            for ex in examples:
                typer.echo("  " + ex.replace("\n", "\n  "))


models_app = typer.Typer(add_completion=False, rich_markup_mode=None, invoke_without_command=True,
                         help="Language models: what is installed and ready; prepare them ahead of use.")
app.add_typer(models_app, name="models")


@models_app.callback()
def models_cmd(typer_ctx: typer.Context):
    """Show the supported language models and whether each is installed and ready."""
    if typer_ctx.invoked_subcommand:
        return
    from .lm.commands import status_lines

    try:
        typer.echo("\n".join(status_lines()))
    except TqcheckError as exc:
        raise _fail(str(exc)) from None


@models_app.command("prepare")
def models_prepare(model: List[str] = typer.Argument(None, help="Model ids (default: the default model)."),
                   force: bool = typer.Option(False, "--force", help="Convert again even when ready.")):
    """Convert the packaged GGUF weights into the cache now, so checks load in seconds."""
    from .lm.commands import prepare_models

    try:
        for line in prepare_models(list(model or []), force=force):
            typer.echo(line)
    except TqcheckError as exc:
        raise _fail(str(exc)) from None


@app.command()
def names(
    paths: List[str] = typer.Argument(..., help="Files or directories; all of them form one corpus."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable ledger."),
    all_entities: bool = typer.Option(False, "--all", help="Also list entities mentioned once."),
    config_path: Optional[Path] = typer.Option(None, "--config", help="Config file (glossary)."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Language of the texts; default: detected."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Input encoding when not UTF-8."),
    include: List[str] = typer.Option([], "--include", help="Glob of files to take from directories."),
    exclude: List[str] = typer.Option([], "--exclude", help="Glob of files or folders to skip."),
    source: Optional[str] = typer.Option(None, "--source", help="Source text: a file for one target, or a "
                                         "directory mirroring the target tree (its names are evidence)."),
    source_lang: Optional[str] = typer.Option(None, "--source-lang", help="Source language (default: detected)."),
    no_model: bool = typer.Option(False, "--no-model", help="Do not ask the language model."),
    cache: bool = typer.Option(True, "--cache/--no-cache", help="Reuse unchanged files' ledgers from the "
                               "incremental cache (default: on)."),
):
    """The name ledger: every entity, its spellings with counts and files, the spelling chosen and why."""
    from .names.ledger import corpus_ledger

    try:
        config = load_config(config_path)
        # The ledger is what the name rule reads: running it builds each file's ledger (with its source).
        request = CheckRequest(paths=list(paths), config=config, lang=lang, encoding=encoding, include=list(include),
                               exclude=list(exclude), rules=["name-variant"], use_model=not no_model,
                               source=source, source_lang=source_lang, cache_dir=_cache_folder(cache, None, config))
        result = _checked(request)
        entries = corpus_ledger([(r.path, r.language, r.names or []) for r in result.files],
                                min_mentions=1 if all_entities else 2)
    except TqcheckError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        import json

        rows = [{"entity": e.chosen, "mentions": e.mentions, "spellings": [s.to_dict() for s in e.spellings],
                 "consistent": e.consistent, "why": [r.text for r in e.reasons]} for e in entries]
        typer.echo(json.dumps({"version": 1, "entities": rows}, indent=2, ensure_ascii=False))
        return
    if not entries:
        typer.echo("no names found")
        return
    width = min(32, max(len(e.chosen) for e in entries))
    for e in entries:
        mark = " " if e.consistent else "!"
        spell = ", ".join(f"{s.text} ×{s.count}" + (f" ({len(s.files)} files)" if len(s.files) > 1 else "")
                          for s in e.spellings)
        typer.echo(f"{mark} {e.chosen:<{width}}  {spell}")
        if not e.consistent:
            for why in e.reasons:
                typer.echo(f"    {why.text}")


@app.command()
def serve(
    path: Optional[str] = typer.Argument(None, help="A file or directory the desk may open and save; without "
                                         "it, the desk checks pasted or uploaded text only."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)."),
    port: int = typer.Option(8765, "--port", help="Port to listen on."),
    config_path: Optional[Path] = typer.Option(None, "--config", help="Config file (default: nearest tqcheck.toml "
                                               "or pyproject.toml with [tool.tqcheck])."),
    no_model: bool = typer.Option(False, "--no-model", help="Run only the checks that need no language model."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda (for the language model)."),
    max_body: int = typer.Option(2 * 1024 * 1024, "--max-body", help="Largest request body accepted, in bytes "
                                 "(larger ones get 413)."),
):
    """The review desk: a local web page to read, fix and re-check a text, with the model kept loaded."""
    from .serve.server import serve as run_server

    try:
        run_server(path, host=host, port=port, config=load_config(config_path), use_model=not no_model,
                   device=device, max_body=max_body)
    except TqcheckError as exc:
        raise _fail(str(exc)) from None


def version_callback(value: bool):
    if value:
        typer.echo(f"tqcheck {__version__}")
        raise typer.Exit()


@app.callback()
def root(version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                      help="Print the version and exit."),
         debug: bool = typer.Option(False, "--debug", help="Show the traceback of an internal error.")):
    """tqcheck: find and fix the marks of machine translation in text."""
    set_debug(debug)


def main() -> None:
    app()
