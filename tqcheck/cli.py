"""Command line: ``tqcheck check``, ``rules``, ``explain``, ``names``.

Exit codes: 0 nothing at or above --fail-on; 1 something is; 2 usage, input
or runtime error (message on stderr, no traceback).
"""
from __future__ import annotations

import os
import shlex
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .boundary import GuardedGroup, exit_for_failed_files as _exit_for_failed_files, set_debug
from .config import Config, load_config
from .document import Document
from .engine import Context, Engine
from .errors import InputError, TqcheckError
from .options import check_language, check_rules
from .outputs import Protected, check_writable, inputs_of, write
from .findings import Severity
from .readers import collect_paths, iter_sources
from .render import render
from .report import Report
from .rules import all_rules, get_rule
from .suppress import Baseline

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, cls=GuardedGroup,
                  help="tqcheck: find and fix the marks of machine translation in text.")


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    html = "html"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


REPORT_SUFFIXES = {".json": "json", ".sarif": "sarif", ".txt": "text", ".html": "html", ".htm": "html"}


def _fail(message: str) -> "typer.Exit":
    typer.echo(f"tqcheck: error: {message}", err=True)
    return typer.Exit(2)


def _warn(message: str) -> None:
    typer.echo(f"tqcheck: warning: {message}", err=True)


def _show_progress() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def load_documents(paths: list[str], config: Config, lang: str | None, encoding: str | None,
                   include: list[str], exclude: list[str], unreadable: list[str] | None = None) -> list[Document]:
    """The documents to check.  With ``unreadable`` given and several files, a file that cannot be
    read is reported on stderr and its path listed there instead of stopping the run."""
    files, skipped = collect_paths(paths, include or config.include or None, list(exclude) + config.exclude)
    for s in skipped:
        _warn(f"{s.path}: skipped ({s.reason})")
    if not files:
        raise TqcheckError("no input files found (check the paths and --include/--exclude globs)")
    docs = []
    for path in files:
        try:
            (src,) = iter_sources([path], encoding)
            doc = Document.from_source(src, lang=lang or config.lang or getattr(src, "target_lang", None))
            if hasattr(src, "attach"):  # a bilingual file (XLIFF, PO, TMX, TSV, JSONL) carries its source
                src.attach(doc)
        except InputError as exc:
            if unreadable is None or len(files) == 1:
                raise
            typer.echo(f"tqcheck: error: {exc} (not checked)", err=True)
            unreadable.append(path)
            continue
        docs.append(doc)
    if not docs:
        raise TqcheckError("none of the input files could be read")
    return docs


def run_check(docs: list[Document], ctx: Context, only: list[str] | None = None) -> Report:
    engine = Engine(ctx, only=only or None)
    if len(docs) > 1 and _show_progress():
        from rich.progress import Progress

        with Progress(transient=True, console=_stderr_console()) as progress:
            task = progress.add_task("checking", total=len(docs))
            return engine.run(docs, progress=lambda _doc: progress.advance(task))
    return engine.run(docs)


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
    color: Optional[bool] = typer.Option(None, "--color/--no-color", help="Colour text output (default: on a TTY)."),
    source: Optional[str] = typer.Option(None, "--source", help="Source text: a file for one target, or a directory "
                                         "mirroring the target tree. Enables the source checks."),
    source_lang: Optional[str] = typer.Option(None, "--source-lang", help="Source language (default: detected)."),
    reference: Optional[str] = typer.Option(None, "--reference", help="Human reference translation (file or "
                                            "mirroring directory): adds BLEU, chrF and TER."),
):
    """Check translated text and report findings."""
    try:
        config = load_config(config_path)
        threshold = fail_on.value if fail_on else config.fail_on.value
        check_language(lang, "--lang")
        check_language(source_lang, "--source-lang")
        check_rules(select)
        for path in report:
            if path.suffix.lower() not in REPORT_SUFFIXES:
                raise TqcheckError(f"{path}: unknown report type (use {', '.join(REPORT_SUFFIXES)})")
        site = format is Format.html and output is not None and (output.is_dir() or not output.suffix)
        unreadable: list[str] = []
        docs = load_documents(paths, config, lang, encoding, include, exclude, unreadable)
        if source or reference:
            from .source.inputs import attach

            for key, companion, clang in (("source", source, source_lang), ("reference", reference, None)):
                if companion:
                    for w in attach(docs, paths, companion, key, clang, encoding):
                        _warn(w)
        # Every output is checked against every file read before the (long) check starts.
        protected = Protected(inputs_of(docs, config) + unreadable)
        for option, target in [("--output", output), ("--write-baseline", write_baseline),
                               *(("--report", r) for r in report)]:
            if target is not None:
                protected.refuse(target, option)
                check_writable(target, option, directory_ok=site and option == "--output")
        ctx = Context(config=config, use_model=not no_model, device=device)
        if source_lang:
            ctx.options["source_lang"] = source_lang
        result = run_check(docs, ctx, select)
        result.meta["command"] = "tqcheck " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        from .lm import describe_model

        model = describe_model(ctx)
        if model:
            result.meta["model"] = model
        if reference:
            from .metrics import add_reference_metrics

            add_reference_metrics(result, docs)
        if write_baseline:
            write(write_baseline, Baseline.from_findings(result.findings).dumps(), protected, "--write-baseline")
        if baseline:
            known = Baseline.load(baseline)
            for r in result.files:
                r.findings = known.filter_new(r.findings)
        for path in report:
            write(path, render(result, REPORT_SUFFIXES[path.suffix.lower()], color=False), protected, "--report")
        if site:
            write_html_site(result, output, protected)
        else:
            use_color = color if color is not None else (output is None and sys.stdout.isatty())
            out = render(result, format.value, color=use_color)
            if output:
                write(output, out, protected, "--output")
            else:
                sys.stdout.write(out)
    except TqcheckError as exc:
        raise _fail(str(exc)) from None
    _exit_for_failed_files(result)
    if unreadable:  # named on stderr as they were met; the others were checked and written
        raise typer.Exit(2)
    if threshold != "never" and result.fails(Severity.parse(threshold)):
        raise typer.Exit(1)


@app.command()
def fix(
    path: Path = typer.Argument(..., help="The file to correct."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the corrected copy here."),
    in_place: bool = typer.Option(False, "--in-place", help="Correct the file itself, keeping FILE.bak."),
    force: bool = typer.Option(False, "--force", help="With --in-place, also correct a read-only file."),
    min_confidence: float = typer.Option(0.7, "--min-confidence", min=0.0, max=1.0,
                                         help="Apply only suggestions at least this confident (0-1)."),
    config_path: Optional[Path] = typer.Option(None, "--config", help="Config file."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Target language (ISO 639-1); default: detected."),
    source_lang: Optional[str] = typer.Option(None, "--source-lang", help="Language the text was translated from."),
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Input encoding when not UTF-8/UTF-16 with BOM."),
    select: List[str] = typer.Option([], "--rule", help="Apply only this rule's suggestions. Repeatable."),
    no_model: bool = typer.Option(False, "--no-model", help="Run only the checks that need no language model."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda (for the language model)."),
):
    """Apply the confident suggestions of every rule and print the unified diff."""
    from .fix import apply_suggestions, unified_diff

    if (output is None) == (not in_place):
        raise _fail("give either -o OUT or --in-place")
    try:
        from .fixfile import check_fix_paths, write_fixed

        config = load_config(config_path)
        check_language(lang, "--lang")
        check_language(source_lang, "--source-lang")
        check_rules(select)
        check_fix_paths(path, output, in_place, force, config)
        docs = load_documents([str(path)], config, lang, encoding, [], [])
        ctx = Context(config=config, use_model=not no_model, device=device)
        if source_lang:
            ctx.options["source_lang"] = source_lang
        result = run_check(docs, ctx, select)
        _exit_for_failed_files(result)
        doc, findings = docs[0], result.files[0].findings
        fixed, applied = apply_suggestions(doc.raw, findings, min_confidence)
        target = output if output else path
        backup = write_fixed(path, target, doc.raw, fixed, in_place)
        if backup:
            _warn(f"kept the original as {backup}")
        sys.stdout.write(unified_diff(doc.raw, fixed, str(path), str(target)))
        typer.echo(f"{len(applied)} of {len(findings)} findings applied (confidence >= {min_confidence}); "
                   f"wrote {target}", err=True)
    except TqcheckError as exc:
        raise _fail(str(exc)) from None


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

        data = [{"id": r.id, "family": r.family, "category": r.category.value, "severity": r.severity.value,
                 "languages": sorted(r.languages) if r.languages else ["*"], "requires": sorted(r.requires),
                 "summary": r.summary()} for r in registry.values()]
        typer.echo(json.dumps(data, indent=2))
        return
    width = max(len(r) for r in registry)
    for rule_id, r in registry.items():
        langs = ",".join(sorted(r.languages)) if r.languages else "*"
        typer.echo(f"{rule_id:<{width}}  {r.category.value:<11} {r.severity.value:<7} {langs:<8} {r.summary()}")


@app.command()
def explain(rule_id: str = typer.Argument(..., help="Rule id, as `tqcheck rules` lists it.")):
    """Show one rule: what it finds, why, and examples."""
    try:
        r = get_rule(rule_id)
    except KeyError:
        raise _fail(f"unknown rule {rule_id!r}; `tqcheck rules` lists them") from None
    langs = ", ".join(sorted(r.languages)) if r.languages else "any"
    typer.echo(f"{r.id}  ({r.family} / {r.category.value}, default {r.severity.value}, languages: {langs})")
    if r.requires:
        typer.echo(f"needs: {', '.join(sorted(r.requires))}")
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
    no_model: bool = typer.Option(False, "--no-model", help="Do not ask the language model."),
):
    """The name ledger: every entity, its spellings with counts and files, the spelling chosen and why."""
    from .names.ledger import corpus_ledger

    try:
        config = load_config(config_path)
        docs = load_documents(paths, config, lang, encoding, include, exclude)
        ctx = Context(config=config, use_model=not no_model)
        rows = corpus_ledger(docs, ctx, min_mentions=1 if all_entities else 2)
    except TqcheckError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        import json

        typer.echo(json.dumps({"version": 1, "entities": rows}, indent=2, ensure_ascii=False))
        return
    if not rows:
        typer.echo("no names found")
        return
    width = min(32, max(len(r["entity"]) for r in rows))
    for r in rows:
        mark = " " if r["consistent"] else "!"
        spell = ", ".join(f"{s['spelling']} ×{s['count']}" + (f" ({len(s['files'])} files)" if len(s["files"]) > 1
                                                              else "") for s in r["spellings"])
        typer.echo(f"{mark} {r['entity']:<{width}}  {spell}")
        if not r["consistent"]:
            for why in r["why"]:
                typer.echo(f"    {why}")


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
