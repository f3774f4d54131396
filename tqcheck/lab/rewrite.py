"""Learn and measure the rewriter on professional post-edits (../shared/postedit, MLQE-PE train and dev).

    python -m tqcheck.lab.rewrite harvest --pair ro-en --split train --limit 1200 --out work/rewrite
    python -m tqcheck.lab.rewrite train work/rewrite/*.train.jsonl --dev work/rewrite/*.dev.jsonl
    python -m tqcheck.lab.rewrite measure --pair ro-en --split dev --out work/rewrite
    python -m tqcheck.lab.rewrite translate --pair ro-en --limit 40

``harvest`` reads the machine translations the way ``tqcheck check`` reads a story (sentences as
paragraphs of one document, the detector's flags at its default threshold), generates every
candidate rewrite of every flagged span (``tqcheck.rewrite.candidates``) and labels each with what
applying it alone does to the sentence's TER against the post-edit (negative: closer to what the
post-editor wrote).  ``train`` fits the acceptor (a logistic regression, L2, numpy) on the training
pairs, calibrates nothing further (the fit is a probability; its reliability is printed on dev) and
chooses its two bars on dev: the show bar (suggestions closer : further >= 3 : 1 in every pair)
and the autofix bar (applying the confident ones lowers corpus TER in every pair).  ``measure``
runs the real pipeline (every default rule) and counts what its suggestions do.  ``translate`` asks
whether the model could write candidates from the source: it translates dev sentences itself (two
training pairs as the prompt's examples, greedy) and compares its TER against the post-edit with the MT's.
"""
from __future__ import annotations

import argparse
import glob
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from ..document import Document

GROUP = 20  # sentences per document: one model pass reads them all
# The fewest suggestions on dev a bar must make to be chosen (below it, 1.0: nothing is offered).
MIN_EVIDENCE = 10


def load_pairs(shared: Path, pair: str, split: str, limit: int | None, seed: int = 0) -> list[dict]:
    rows = [json.loads(line) for line in open(shared / "postedit" / f"{pair}.{split}.jsonl", encoding="utf-8")]
    if limit and limit < len(rows):
        rows = random.Random(seed).sample(rows, limit)
    return rows


def documents(rows: list[dict], lang: str):
    """(Document, per sentence its (start, end) in the text, the rows) in groups of ``GROUP``."""
    for g in range(0, len(rows), GROUP):
        chunk = rows[g:g + GROUP]
        parts, bounds, pos = [], [], 0
        for r in chunk:
            mt = " ".join(r["mt"].split())
            bounds.append((pos, pos + len(mt)))
            parts.append(mt)
            pos += len(mt) + 2
        yield Document.from_text("\n\n".join(parts), lang=lang, path=f"postedit-{g}"), bounds, chunk


def _ter():
    from sacrebleu.metrics import TER

    return TER()


def sentence_ter(ter, hyp: str, ref: str) -> float:
    return ter.sentence_score(hyp, [ref]).score


def harvest(shared: Path, pair: str, split: str, limit: int | None, out: Path, seed: int = 0) -> Path:
    from ..context import Context
    from ..detector import flagged_runs
    from ..detector.detection import detection
    from ..rewrite.acceptor import features
    from ..rewrite.candidates import generate, score, slot
    from ..rules.phrasing.error_span import span_of

    lang = pair.split("-")[1]
    rows = load_pairs(shared, pair, split, limit, seed)
    ctx = Context(use_model=True)
    from ..lm import get_language_model

    lm = get_language_model(ctx)
    ter = _ter()
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{pair}.{split}.jsonl"
    t0, n_words, n_flag = time.perf_counter(), 0, 0
    with open(path, "w", encoding="utf-8") as fh:
        for doc, bounds, chunk in documents(rows, lang):
            found = detection(doc, ctx)
            if found is None:
                continue
            words = found.words
            n_words += len(words)
            runs = flagged_runs(found.starts, found.ends, found.marked, found.major, found.threshold, found.bridges,
                                commas=found.commas)
            spans = []
            for run in runs:
                ws = words[run.first:run.last + 1]
                spans.append(span_of(run, ws))
                n_flag += len(ws)
            if not spans:
                continue
            slots = [slot(doc, s.start, s.end) for s in spans]
            cands = generate(lm, doc, slots, {i: list(s.proposals) for i, s in enumerate(spans) if s.proposals},
                             {i: list(s.words) for i, s in enumerate(spans) if s.words})
            score(lm, doc, slots, cands)
            for span, sl, cs in zip(spans, slots, cands):
                k = next(i for i, (a, b) in enumerate(bounds) if a <= span.start < b)
                a, b = bounds[k]
                mt, pe = doc.text[a:b], chunk[k]["pe"]
                base = sentence_ter(ter, mt, pe)
                for c in cs:
                    new = (doc.text[a:sl.start] + c.text + doc.text[sl.end:b]).strip()
                    feats = features(sl, c, span.confidence, span.major)
                    fh.write(json.dumps({"pair": pair, "split": split, "id": chunk[k]["id"], "span": [sl.start - a, sl.end - a],
                                         "original": sl.original, "text": c.text, "feats": feats,
                                         "dter": round(sentence_ter(ter, new, pe) - base, 4),
                                         "hyp": new, "mt": mt}, ensure_ascii=False) + "\n")
    dt = time.perf_counter() - t0
    print(f"{pair} {split}: {len(rows)} sentences, {n_words} words, {n_flag} flagged, {dt:.0f} s -> {path}",
          file=sys.stderr)
    return path


# -- training -------------------------------------------------------------------------------------------
def _load(paths: list[str]) -> list[dict]:
    """Harvested candidates, less those the runtime would not generate now (``admissible``)."""
    from ..rewrite.candidates import admissible

    out = []
    for p in paths:
        for fn in glob.glob(p):
            out += [r for r in map(json.loads, open(fn, encoding="utf-8")) if admissible(r["original"], r["text"])]
    return out


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (a few dozen features)."""
    n, d = X.shape
    A = np.hstack([X, np.ones((n, 1))])
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(A @ w, -40, 40)))
        g = A.T @ (p - y) + reg * w
        H = (A * (p * (1 - p))[:, None]).T @ A + np.diag(reg) + 1e-6 * np.eye(d + 1)
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w[:-1], float(w[-1])


def best_per_span(rows: list[dict], p: np.ndarray) -> list[int]:
    """Index of the likeliest candidate of each span (the one the rewriter offers first)."""
    best: dict[tuple, int] = {}
    for i, r in enumerate(rows):
        key = (r["pair"], r["id"], tuple(r["span"]))
        if key not in best or p[i] > p[best[key]]:
            best[key] = i
    return list(best.values())


def corpus_effect(rows: list[dict], chosen: list[int], shared: Path, split: str) -> dict[str, tuple[float, float]]:
    """Per pair, corpus TER of the MT against the post-edits before and after applying ``chosen`` (the
    best candidate of a span; overlapping ones in one sentence: the first kept)."""
    from sacrebleu.metrics import TER

    by_pair: dict[str, dict[str, list[dict]]] = {}
    for i in chosen:
        r = rows[i]
        by_pair.setdefault(r["pair"], {}).setdefault(r["id"], []).append(r)
    out = {}
    pairs = sorted({r["pair"] for r in rows})
    for pair in pairs:
        data = {r["id"]: r for r in load_pairs(shared, pair, next((r.get("split", split) for r in rows), split), None)}
        ids = sorted({r["id"] for r in rows if r["pair"] == pair})
        hyps_before, hyps_after, refs = [], [], []
        for sid in ids:
            mt = " ".join(data[sid]["mt"].split())
            edits = sorted(by_pair.get(pair, {}).get(sid, []), key=lambda r: r["span"][0])
            new, last, pos = [], 0, 0
            for r in edits:
                a, b = r["span"]
                if a < last:
                    continue
                new.append(mt[pos:a] + r["text"])
                pos, last = b, b
            new.append(mt[pos:])
            hyps_before.append(mt)
            hyps_after.append("".join(new).strip())
            refs.append(data[sid]["pe"])
        before = TER().corpus_score(hyps_before, [refs]).score
        after = TER().corpus_score(hyps_after, [refs]).score
        out[pair] = (before, after)
    return out


def train(train_paths: list[str], dev_paths: list[str], out: Path, shared: Path, l2: float) -> None:
    from ..rewrite.acceptor import Acceptor

    tr, dv = _load(train_paths), _load(dev_paths)
    cols = sorted(tr[0]["feats"])
    Xt = np.array([[r["feats"][c] for c in cols] for r in tr], dtype=float)
    yt = np.array([r["dter"] < 0 for r in tr], dtype=float)
    mean, scale = Xt.mean(0), Xt.std(0)
    scale = np.where(scale > 1e-6, scale, 1.0)  # a feature constant in training is left as it is
    if dv and l2 <= 0:
        # The regularisation by dev log-loss: the training candidates are few, and a weak one overfits.
        Xd = (np.array([[r["feats"][c] for c in cols] for r in dv], dtype=float) - mean) / scale
        yd = np.array([r["dter"] < 0 for r in dv], dtype=float)
        best = None
        for lam in (1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0):
            w, b = fit_logistic((Xt - mean) / scale, yt, lam)
            pd_ = np.clip(1 / (1 + np.exp(-(Xd @ w + b))), 1e-6, 1 - 1e-6)
            loss = float(-np.mean(yd * np.log(pd_) + (1 - yd) * np.log(1 - pd_)))
            print(f"l2 {lam:g}: dev log-loss {loss:.4f}", file=sys.stderr)
            if best is None or loss < best[0]:
                best = (loss, lam)
        l2 = best[1]
        print(f"l2 chosen on dev: {l2:g}", file=sys.stderr)
    w, b = fit_logistic((Xt - mean) / scale, yt, l2)
    acc = Acceptor(tuple(cols), tuple(mean.round(6)), tuple(scale.round(6)), tuple(w.round(6)), round(b, 6), 1.0, 1.0,
                   time.strftime("%Y-%m-%d"))
    print(f"train: {len(tr)} candidates, {yt.mean():.3f} closer; weights:", file=sys.stderr)
    for c, v in sorted(zip(cols, w), key=lambda x: -abs(x[1])):
        print(f"  {c:14s} {v:+.3f}", file=sys.stderr)
    if not dv:
        return
    p = np.array([acc.probability(r["feats"]) for r in dv])
    y = np.array([r["dter"] < 0 for r in dv], dtype=float)
    print("dev reliability (all candidates):", file=sys.stderr)
    for lo in np.arange(0, 1, 0.1):
        m = (p >= lo) & (p < lo + 0.1)
        if m.sum():
            print(f"  {lo:.1f}-{lo + 0.1:.1f}: {int(m.sum()):6d} candidates, closer {y[m].mean():.3f}", file=sys.stderr)
    best = best_per_span(dv, p)
    pairs = sorted({r["pair"] for r in dv})
    print("bar  " + "  ".join(f"{pr:>18s}" for pr in pairs) + "   (closer:further, offered)", file=sys.stderr)
    show = None
    for bar in np.arange(0.30, 0.96, 0.05):
        cells, ok, made = [], True, 0
        for pr in pairs:
            sel = [i for i in best if dv[i]["pair"] == pr and p[i] >= bar]
            closer = sum(dv[i]["dter"] < 0 for i in sel)
            further = sum(dv[i]["dter"] > 0 for i in sel)
            ok &= closer >= 3 * further
            made += len(sel)
            cells.append(f"{closer:5d}:{further:<5d} {len(sel):5d}")
        print(f"{bar:.2f} " + "  ".join(f"{c:>18s}" for c in cells), file=sys.stderr)
        # A bar at which (almost) nothing is offered proves nothing: 0 : 0 is no evidence of 3 : 1.
        if ok and made >= MIN_EVIDENCE and show is None:
            show = round(float(bar), 2)
    autofix = None
    for bar in np.arange(0.30, 0.96, 0.05):
        sel = [i for i in best if p[i] >= bar]
        eff = corpus_effect(dv, sel, shared, "dev")
        line = "  ".join(f"{pr} {a - b0:+.3f}" for pr, (b0, a) in eff.items())
        print(f"autofix {bar:.2f}: {len(sel)} applied; TER change {line}", file=sys.stderr)
        if autofix is None and len(sel) >= MIN_EVIDENCE and all(a < b0 for b0, a in eff.values()):
            autofix = round(float(bar), 2)
    show = show if show is not None else 1.0
    autofix = max(autofix if autofix is not None else 1.0, show)
    final = Acceptor(acc.columns, acc.mean, acc.scale, acc.weights, acc.bias, show, autofix, acc.version)
    out.parent.mkdir(parents=True, exist_ok=True)
    data = final.to_json()
    data["provenance"] = {"train": sorted({Path(p).name for t in train_paths for p in glob.glob(t)}),
                          "bars_chosen_on": sorted({Path(p).name for t in dev_paths for p in glob.glob(t)}),
                          "label": "applying the candidate alone lowers the sentence's TER against the post-edit",
                          "l2": l2, "candidates": len(tr)}
    from ..textio import atomic_write

    atomic_write(out, (json.dumps(data, indent=1) + "\n").encode("utf-8"))
    print(f"show bar {show}, autofix bar {autofix} -> {out}", file=sys.stderr)


# -- measuring the real pipeline --------------------------------------------------------------------------
def measure(shared: Path, pair: str, split: str, limit: int | None, out: Path, seed: int = 0) -> dict:
    """Run every default rule over the MT (as ``tqcheck check`` would) and count, per rule, the
    suggestions that bring their sentence closer to the post-edit and those that take it away; and the
    corpus TER before and after ``tqcheck fix`` (the confident, safe fixes) against the post-edits."""
    from sacrebleu.metrics import TER

    from ..config import Config
    from ..fix import apply_fixes
    from ..pipeline import CheckRequest, run_check
    from ..rules.registry import all_rules

    lang = pair.split("-")[1]
    rows = load_pairs(shared, pair, split, limit, seed)
    docs = list(documents(rows, lang))
    registry = all_rules()
    config = Config()
    rules = [r for r in registry if r != "name-variant-corpus" and config.rule_enabled(r, registry[r].default)]
    t0 = time.perf_counter()
    report = run_check(CheckRequest(documents=[d for d, _, _ in docs], config=config, rules=rules))
    dt = time.perf_counter() - t0
    ter = _ter()
    per_rule: dict[str, list[int]] = {}
    findings = flagged_words = 0
    hyps_before, hyps_after, refs = [], [], []
    for (doc, bounds, chunk), res in zip(docs, report.files):
        findings += len(res.findings)
        fixed, _ = apply_fixes(doc.text, res.findings)
        for f in res.findings:
            if f.rule == "lm-error-span":
                flagged_words += len(doc.text[f.start:f.end].split())
            if not f.fixes:
                continue
            e = f.fixes[0].edits
            k = next((i for i, (a, b) in enumerate(bounds) if a <= e[0].start <= b), None)
            if k is None:
                continue
            a, b = bounds[k]
            new = doc.text[a:e[0].start] + e[0].replacement + doc.text[e[-1].end:b]
            d = sentence_ter(ter, new.strip(), chunk[k]["pe"]) - sentence_ter(ter, doc.text[a:b], chunk[k]["pe"])
            cell = per_rule.setdefault(f.rule, [0, 0, 0])
            cell[0 if d < 0 else 1 if d > 0 else 2] += 1
        # The fixed document's sentences: the paragraphs, in order (fixes never cross a paragraph).
        paras = fixed.split("\n\n")
        if len(paras) != len(chunk):
            paras = [doc.text[a:b] for a, b in bounds]
        for (a, b), para, r in zip(bounds, paras, chunk):
            hyps_before.append(doc.text[a:b])
            hyps_after.append(para.strip())
            refs.append(r["pe"])
    result = {"pair": pair, "split": split, "sentences": len(rows), "seconds": round(dt, 1),
              "findings": findings, "flagged_words": flagged_words,
              "words": sum(len(h.split()) for h in hyps_before),
              "changed_words_share": round(float(np.mean([r["hter"] for r in rows])), 4),
              "suggestions": {k: {"closer": v[0], "further": v[1], "same": v[2]} for k, v in sorted(per_rule.items())},
              "ter_before": round(TER().corpus_score(hyps_before, [refs]).score, 3),
              "ter_after_fix": round(TER().corpus_score(hyps_after, [refs]).score, 3)}
    out.mkdir(parents=True, exist_ok=True)
    (out / f"measure-{pair}.{split}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result), file=sys.stderr)
    return result


def coverage(eval_path: str, limit: int | None, layout: str, out: Path) -> dict:
    """On MQM-annotated news (``../shared/eval``): how many of the detector's flags carry a suggestion,
    and the scorer's figures with the rewrites (``run``'s predictions, for ``score_eval.py``)."""
    from .evaluation import run, score

    t0 = time.perf_counter()
    preds = run(eval_path, ["lm-error-span"], use_source=False, use_model=True, limit=limit, layout=layout)
    dt = time.perf_counter() - t0
    spans = [s for p in preds for s in p["spans"]]
    with_fix = sum(1 for s in spans if "suggestion" in s)
    out.mkdir(parents=True, exist_ok=True)
    pred_path = out / f"coverage-{layout}.jsonl"
    pred_path.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
    result = {"documents": len(preds), "layout": layout, "flags": len(spans), "with_suggestion": with_fix,
              "share": round(with_fix / max(len(spans), 1), 3), "seconds": round(dt, 1)}
    print(json.dumps(result), file=sys.stderr)
    print(score(eval_path, str(pred_path)), file=sys.stderr)
    return result


LANGUAGE_NAMES = {"ro": "Romanian", "ru": "Russian", "et": "Estonian", "ne": "Nepali", "si": "Sinhala",
                  "en": "English", "de": "German", "zh": "Chinese"}


def translate(shared: Path, pair: str, limit: int | None, seed: int = 0) -> dict:
    """The language model's own translations of dev sentences, given two training pairs (the shortest
    post-edits) as examples: corpus TER against the post-edits, beside the MT's.  A source-conditioned
    rewrite from this model is only as good as what it writes here."""
    from ..context import Context
    from ..lm import get_language_model
    from ..lm.generate import continuations

    src, tgt = (LANGUAGE_NAMES[code] for code in pair.split("-"))
    shots = sorted(load_pairs(shared, pair, "train", None), key=lambda r: len(r["pe"]))[:2]
    rows = load_pairs(shared, pair, "dev", limit, seed)
    prompt = "".join(f"{src}: {r['src']}\n{tgt}: {r['pe']}\n\n" for r in shots)
    lm = get_language_model(Context(use_model=True))
    outs = []
    for b in range(0, len(rows), 8):
        contexts = [prompt + f"{src}: {r['src']}\n{tgt}:" for r in rows[b:b + 8]]
        outs += continuations(lm, contexts, beams=1, steps=80, max_context_tokens=400)
    own = [o[0].text.strip() if o else "" for o in outs]
    ter, pe = _ter(), [[r["pe"] for r in rows]]
    result = {"pair": pair, "sentences": len(rows), "ter_model_translation": round(ter.corpus_score(own, pe).score, 1),
              "ter_mt": round(ter.corpus_score([r["mt"] for r in rows], pe).score, 1)}
    print(json.dumps(result))
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m tqcheck.lab.rewrite", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("harvest", "measure"):
        s = sub.add_parser(name)
        s.add_argument("--pair", required=True)
        s.add_argument("--split", default="train", choices=("train", "dev"))
        s.add_argument("--limit", type=int)
        s.add_argument("--seed", type=int, default=0)
        s.add_argument("--shared", type=Path, default=Path("../shared"))
        s.add_argument("--out", type=Path, default=Path("work/rewrite"))
    tr = sub.add_parser("translate", help="the model's own translations of dev sentences, against the post-edits")
    tr.add_argument("--pair", required=True)
    tr.add_argument("--limit", type=int)
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--shared", type=Path, default=Path("../shared"))
    c = sub.add_parser("coverage")
    c.add_argument("eval", nargs="?", default="../shared/eval/dev.docs.jsonl")
    c.add_argument("--limit", type=int)
    c.add_argument("--layout", default="article", choices=("article", "sentences"))
    c.add_argument("--out", type=Path, default=Path("work/rewrite"))
    t = sub.add_parser("train")
    t.add_argument("train", nargs="+")
    t.add_argument("--dev", nargs="*", default=[])
    t.add_argument("--l2", type=float, default=0.0, help="L2 strength; 0: chosen by dev log-loss")
    t.add_argument("--shared", type=Path, default=Path("../shared"))
    t.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data" / "rewrite" / "acceptor.json")
    a = ap.parse_args(argv)
    if a.cmd == "harvest":
        harvest(a.shared, a.pair, a.split, a.limit, a.out, a.seed)
    elif a.cmd == "coverage":
        coverage(a.eval, a.limit, a.layout, a.out)
    elif a.cmd == "translate":
        translate(a.shared, a.pair, a.limit, a.seed)
    elif a.cmd == "measure":
        measure(a.shared, a.pair, a.split, a.limit, a.out, a.seed)
    else:
        train(a.train, a.dev, a.out, a.shared, a.l2)


if __name__ == "__main__":
    main()
