"""Language-model benchmark: load time, scoring throughput, peak RSS, roofline.

    python benchmarks/lm.py [--model ID] [--device cpu|cuda] [--fresh]

--fresh converts the GGUF again into a temporary cache (first-use load time).
The roofline divides the machine's measured fp32 matmul rate by the model's
FLOPs per token (2 x parameters touched per token: every layer's weights plus
the output layer; embeddings are a lookup), giving the tokens/s a perfectly
compute-bound implementation could reach.  tqcheck's output layer skips the
scripts a text does not use, so it does less work per token than that:
``matmul_utilisation`` is the share of the machine's matmul rate actually in use
(with the fp32 output layer).  On a CPU the output layer runs in int8 by default
(``CausalLM.set_head``): the paragraph pass is timed with both, back to back,
and ``int8_matmul_gops`` is the machine's int8 rate for that layer's shapes.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ARTICLE = Path(__file__).resolve().parents[1] / "seeds" / "blinken-beijing.en.txt"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def matmul_gflops(device: str, n: int = 2048, reps: int = 5, trials: int = 5) -> float:
    """Best of several timed fp32 matmul runs (the machine may be shared)."""
    import torch

    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    a @ b
    best = 0.0
    for _ in range(trials):
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        t = time.perf_counter()
        for _ in range(reps):
            a @ b
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        best = max(best, 2 * n ** 3 * reps / (time.perf_counter() - t) / 1e9)
    return best


def int8_matmul_gops(device: str, rows: int = 512, cols: int = 8192, inner: int = 640, trials: int = 5) -> float:
    """Best of several timed int8 products of the output layer's shape (``torch._int_mm``)."""
    import torch

    a = torch.randint(-127, 128, (rows, inner), dtype=torch.int8, device=device)
    b = torch.randint(-127, 128, (cols, inner), dtype=torch.int8, device=device)
    torch._int_mm(a, b.t())
    best = 0.0
    for _ in range(trials):
        t = time.perf_counter()
        for _ in range(5):
            torch._int_mm(a, b.t())
        best = max(best, 2 * rows * cols * inner * 5 / (time.perf_counter() - t) / 1e9)
    return best


def model_gflops_per_token(model) -> float:
    params = sum(p.numel() for p in model.parameters())
    emb = model.get_input_embeddings().weight.numel()
    head = model.lm_head.weight.numel()  # tied with the embedding in both packaged models
    return 2 * (params - emb + head) / 1e9


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--fresh", action="store_true", help="also time the first-use GGUF conversion")
    ap.add_argument("--batches", default="1,4,16")
    args = ap.parse_args()
    from tqcheck.context import Context
    from tqcheck.lm.cards import get_card
    from tqcheck.lm.load import load_timed
    from tqcheck.document import Document

    card = get_card(args.model)
    res: dict = {"model": card.id, "device": args.device, "threads": None}
    import torch

    res["threads"] = torch.get_num_threads()
    if args.fresh:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["TQCHECK_CACHE_DIR"] = tmp
            _, res["load_first_s"] = load_timed(card, args.device)
            del os.environ["TQCHECK_CACHE_DIR"]
    lm, res["load_cached_s"] = load_timed(card, args.device)
    doc = Document.from_text(ARTICLE.read_text("utf-8"), lang="en")
    paras = [doc.text[s:e] for s, e in doc.paragraphs if doc.text[s:e].strip()]
    sents = [doc.text[s:e] for s, e in doc.sentences]
    res["tokens_per_s"] = {}
    budget = lm.token_budget
    for b in [int(x) for x in args.batches.split(",")]:
        lm.forget()
        lm.token_budget = 10 ** 9  # exactly b sentences per forward pass
        n0 = lm.tokens_scored
        t = time.perf_counter()
        for i in range(0, len(sents), b):
            lm.score(sents[i:i + b])
        dt = time.perf_counter() - t
        res["tokens_per_s"][f"batch{b}"] = round((lm.tokens_scored - n0) / dt, 1)
    lm.token_budget = budget  # what a check runs with, from here on
    # One pass per paragraph: how the disfluency rule reads a document.  This machine's speed drifts
    # (a shared VM: the matmul rate alone ranged 155-245 GFLOP/s between runs), so each round times a
    # matmul and a paragraph pass back to back, and the roofline fraction is the median of the rounds.
    # The output layer's precision (int8 by default on a CPU) is compared in the same rounds.
    per_tok = model_gflops_per_token(lm.model)
    default_head = lm.head_precision
    heads = [default_head] + [h for h in ("int8", "fp32") if h != default_head]
    rounds: dict[str, list] = {h: [] for h in heads}
    for _ in range(5):
        gf = matmul_gflops(args.device, trials=2)
        for head in heads:
            lm.set_head(head)
            lm.forget()
            n0 = lm.tokens_scored
            t = time.perf_counter()
            lm.token_logprobs(paras)
            rate = (lm.tokens_scored - n0) / (time.perf_counter() - t)
            rounds[head].append({"matmul_gflops": round(gf, 1), "tokens_per_s": round(rate, 1),
                                 "fraction": round(rate / (gf / per_tok), 3)})
    lm.set_head(default_head)
    res["output_layer"] = default_head
    for head in heads:
        res[f"paragraph_pass_rounds_{head}_head"] = rounds[head]
        res["tokens_per_s"][f"paragraph_pass_{head}_head"] = sorted(r["tokens_per_s"] for r in rounds[head])[2]
    if args.device == "cpu":
        res["int8_matmul_gops"] = round(int8_matmul_gops(args.device), 1)
    res["article_words"] = len(doc.text.split())
    # The whole article through the default phrasing rules (calques, the detector), model already loaded.
    from tqcheck.engine import Engine
    from tqcheck.lm import LANGUAGE_MODEL

    ctx = Context()
    ctx.resource(LANGUAGE_MODEL, lambda: lm)
    lm.forget()
    t = time.perf_counter()
    report = Engine(ctx, only=["mt-calque", "lm-error-span"]).run([doc])
    res["article_check_s"] = round(time.perf_counter() - t, 2)
    res["article_findings"] = len(report.files[0].findings)
    # Every default rule (names, typography, phrasing), model loaded and NER warm: what an editor waits
    # for once the model is in memory.  A 700-word figure is scaled from the article's words.
    # The first check of a process also loads what other checks load lazily (lingua's language models,
    # spaCy's first batch); the repeats are what each further file of a run costs.
    # The language is left to language ID here, so its models load in this warm-up, not in a timed run.
    t = time.perf_counter()
    Engine(Context(), only=["name-order"]).run([Document.from_text(doc.text, path="warm")])
    res["first_check_lazy_init_s"] = round(time.perf_counter() - t, 2)
    runs = []
    for _ in range(5):
        ctx = Context()
        ctx.resource(LANGUAGE_MODEL, lambda: lm)
        lm.forget()
        t = time.perf_counter()
        whole = Engine(ctx).run([Document.from_text(ARTICLE.read_text("utf-8"), path=str(ARTICLE))])
        runs.append(round(time.perf_counter() - t, 2))
    res["whole_check_s"] = runs
    res["whole_check_findings"] = len(whole.files[0].findings)
    res["whole_check_s_per_700_words"] = [round(r * 700 / res["article_words"], 2) for r in runs]
    res["whole_check_s_per_700_words_median"] = sorted(res["whole_check_s_per_700_words"])[2]
    gf = sorted(r["matmul_gflops"] for r in rounds[default_head])[2]
    res["matmul_gflops"] = gf
    res["model_gflops_per_token"] = round(per_tok, 3)
    res["roofline_tokens_per_s"] = round(gf / per_tok, 1)
    for head in heads:  # median round, paragraph pass
        res[f"fraction_of_roofline_{head}_head"] = sorted(r["fraction"] for r in rounds[head])[2]
    # The output layer only covers the scripts a text uses (tqcheck/lm/vocab.py), so the work actually
    # done per token is less than the full model's; the share of the machine's matmul rate in use:
    items = [lm._encode(p, "") for p in paras]
    used_rows = sum(hi - lo for lo, hi in lm.output.blocks(it.ids for it in items))
    hidden = lm.model.lm_head.weight.shape[1]
    done_per_tok = per_tok - 2 * (lm.vocab_size - used_rows) * hidden / 1e9
    res["output_rows_used"] = f"{used_rows} of {lm.vocab_size}"
    res["gflops_per_token_done"] = round(done_per_tok, 3)
    res["matmul_utilisation_fp32_head"] = round(res["fraction_of_roofline_fp32_head"] * done_per_tok / per_tok, 3)
    res["peak_rss_mb"] = round(peak_rss_mb(), 1)
    res["load_average"] = os.getloadavg()
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
