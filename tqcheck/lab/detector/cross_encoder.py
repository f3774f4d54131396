"""An experiment, not shipped: a source-aware word detector, multilingual-e5-small fine-tuned as a
cross-encoder over (source sentence, target sentence), as the WMT word-level QE baselines fine-tune XLM-R.

    python -m tqcheck.lab.detector.cross_encoder train work/xqe.pt [--files 2021-news-en-de.jsonl ...]
    python -m tqcheck.lab.detector.cross_encoder measure work/xqe.pt work/wordlevel [--sets "en-de MQM dev" ...]

``train`` reads the MQM training files (``../shared/train``): each segment is ``<s> source </s></s> target
</s>``, and each target word (whitespace words; a CJK character is a word) is labelled marked when a
rater's span overlaps it; a linear layer over the word's first token gives its logit.  The word
embeddings (250k x 384) stay frozen; everything else is trained, one epoch, AdamW 5e-5 with warm-up and
linear decay, batches of 16 (seed 0).

``measure`` scores it on ``wordlevel``'s sets (their feature files must exist under WORKDIR: the
words, tags and documents are theirs), alone and added to the shipped detector's raw output (each
standardised, summed: nothing fitted but the threshold), with ``wordlevel``'s 2-fold MCC.  The figures
are in models/detector.md.
"""
from __future__ import annotations

import argparse
import ast
import json
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

from .train import _auc
from .wordlevel import PER_DOCUMENT, SETS, SHARED, read, two_fold

MAX_TOKENS = 256  # a segment pair; sources beyond 100 pieces are cut
_CJK = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_WORD = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")


def words_of(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


def _records(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _segments_of(rec: dict) -> list[dict]:
    segs = rec["segments"]
    return ast.literal_eval(segs) if isinstance(segs, str) else segs


class Encoder:
    """The packaged e5 (``tqcheck.align.encoder``) with a word head, and its pair tokenisation."""

    def __init__(self):
        import torch

        from ...align.encoder import E5Tokenizer, model_path, read_packed, to_bert

        packed = read_packed(model_path())
        self.tok, self.pad = E5Tokenizer(packed), packed.pad
        self.bert = to_bert(packed)
        self.head = torch.nn.Linear(self.bert.config.hidden_size, 1)

    def pieces(self, text: str) -> list[int]:
        return self.tok._tok.encode(self.tok.normalise(text)).ids

    def example(self, source: str, target: str, spans=None, skip: int = 0):
        """Token ids, the index of each target word's first token, and (with ``spans``) word labels: the
        target's words from its ``skip``-th on, as many as fit."""
        ids = [self.tok.bos] + self.pieces(source)[:100] + [self.tok.eos, self.tok.eos]
        firsts, labels = [], []
        for a, b in words_of(target)[skip:]:
            w = self.pieces(target[a:b]) or [self.tok.eos]
            if len(ids) + len(w) >= MAX_TOKENS - 1:
                break
            firsts.append(len(ids))
            ids.extend(w)
            if spans is not None:
                labels.append(float(any(s < b and a < e for s, e in spans)))
        return ids + [self.tok.eos], firsts, labels

    def windows(self, source: str, target: str) -> list:
        """``example``s that cover every word of a long target between them, each beside the source (the
        WMT23 en-de segments are paragraphs: a quarter of their words lie past one example's tokens)."""
        out, done, n = [], 0, len(words_of(target))
        while done < n:
            out.append(self.example(source, target, skip=done))
            if not out[-1][1]:
                break  # a word longer than an example: the rest stays unread
            done += len(out[-1][1])
        return out

    def logits(self, batch):
        import torch

        width = max(len(ids) for ids, _, _ in batch)
        ids = torch.full((len(batch), width), self.pad, dtype=torch.long)
        mask = torch.zeros_like(ids)
        rows, cols = [], []
        for r, (seq, firsts, _) in enumerate(batch):
            ids[r, :len(seq)], mask[r, :len(seq)] = torch.tensor(seq), 1
            rows += [r] * len(firsts)
            cols += firsts
        h = self.bert(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)).last_hidden_state
        return self.head(h[torch.tensor(rows), torch.tensor(cols)]).squeeze(-1)


def train(out: Path, files: list[str], shared: Path = SHARED, seed: int = 0, limit: int | None = None) -> None:
    import torch

    torch.set_num_threads(2)
    torch.manual_seed(seed)
    enc = Encoder()
    examples = [enc.example(s["source"], s["target"], [(e["start"], e["end"]) for e in s["errors"] if e["end"] > e["start"]])
                for f in files for rec in _records(shared / "train" / f) for s in _segments_of(rec) if s.get("target")]
    examples = [e for e in examples if e[1]][:limit]
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    # Similar lengths batched together (within chunks of 320), the batches then shuffled.
    chunks = [sorted(order[i:i + 320], key=lambda k: len(examples[k][0])) for i in range(0, len(order), 320)]
    batches = [c[j:j + 16] for c in chunks for j in range(0, len(c), 16)]
    random.Random(seed + 1).shuffle(batches)
    enc.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    params = [p for p in [*enc.bert.parameters(), *enc.head.parameters()] if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=5e-5, weight_decay=0.01)
    total, warm = len(batches), max(1, len(batches) // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / (total - warm))))
    enc.bert.train()
    t0 = time.time()
    for step, idx in enumerate(batches):
        batch = [examples[k] for k in idx]
        y = torch.tensor([v for _, _, labels in batch for v in labels])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(enc.logits(batch), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        if step % 100 == 0:
            print(f"step {step}/{total} loss {loss.item():.4f} {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    state = {k: v for k, v in enc.bert.state_dict().items() if k != "embeddings.word_embeddings.weight"}
    torch.save({"bert": state, "head": enc.head.state_dict(), "files": files, "seed": seed}, out)


def _pairs(name: str, shared: Path) -> dict[tuple[str, int], tuple[str, str]]:
    """(record id, segment index) -> (source, target), keyed as ``wordlevel``'s feature files are."""
    rel, kind = SETS[name]
    out = {}
    if kind == "postedit":
        for n, r in enumerate(_records(shared / rel)):
            out[(f"{r['pair']}:{n // PER_DOCUMENT}", n % PER_DOCUMENT)] = (r["src"], r["mt"])
        return out
    for rec in _records(shared / rel):
        for i, s in enumerate(_segments_of(rec)):
            out[(rec["id"], i)] = (s["source"], s["target"])
    return out


def measure(checkpoint: Path, work: Path, names: list[str], shared: Path = SHARED) -> dict:
    import torch

    from ...detector import detector_for

    enc = Encoder()
    saved = torch.load(checkpoint)
    enc.bert.load_state_dict(saved["bert"], strict=False)
    enc.head.load_state_dict(saved["head"])
    enc.bert.eval()
    det = detector_for("gemma-3-270m")
    results = {}
    for name in names:
        npz = work / (name.replace(" ", "_") + ".npz")
        _, y, doc, shipped = read(npz, det)
        data = np.load(npz)
        pairs = _pairs(name, shared)
        keys = sorted({(str(data["ids"][d]), int(s)) for d, s in zip(doc, data["seg"])})
        owner, examples = [], []
        for j, k in enumerate(keys):
            for e in enc.windows(*pairs[k]):
                owner.append(j)
                examples.append(e)
        parts: list[list[np.ndarray]] = [[] for _ in keys]
        with torch.inference_mode():
            for b in range(0, len(examples), 32):
                batch = examples[b:b + 32]
                z = enc.logits([e for e in batch if e[1]]).numpy() if any(e[1] for e in batch) else np.zeros(0)
                pos = 0
                for j, e in zip(owner[b:b + 32], batch):
                    parts[j].append(z[pos:pos + len(e[1])])
                    pos += len(e[1])
        logits = [np.concatenate(p) if p else np.zeros(0) for p in parts]
        where = {k: j for j, k in enumerate(keys)}
        spans = [words_of(pairs[k][1]) for k in keys]
        ours = np.full(len(y), -10.0, dtype=np.float32)  # a word no window reads: never flagged
        for w in range(len(y)):
            j = where[(str(data["ids"][doc[w]]), int(data["seg"][w]))]
            a = int(data["local"][w])
            b = a + int(data["end"][w] - data["start"][w])
            hit = [v for v, (s, e) in zip(logits[j], spans[j]) if s < b and a < e]
            if hit:
                ours[w] = max(hit)
        both = (ours - ours.mean()) / ours.std() + (shipped - shipped.mean()) / shipped.std()
        results[name] = {"words": len(y), "mcc_cross_encoder": round(two_fold(ours, y, doc)[0], 3),
                         "mcc_shipped": round(two_fold(shipped, y, doc)[0], 3),
                         "mcc_sum": round(two_fold(both, y, doc)[0], 3),
                         "auc_cross_encoder": round(_auc(ours, y), 3), "auc_shipped": round(_auc(shipped, y), 3)}
        print(name, json.dumps(results[name]), file=sys.stderr, flush=True)
    return results


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train")
    t.add_argument("out", type=Path)
    t.add_argument("--files", nargs="+", default=["2021-news-en-de.jsonl", "2021-news-zh-en.jsonl"])
    t.add_argument("--limit", type=int, help="the first N segments only (a trial run)")
    m = sub.add_parser("measure")
    m.add_argument("checkpoint", type=Path)
    m.add_argument("work", type=Path, help="wordlevel's folder of feature files")
    m.add_argument("--sets", nargs="*", default=list(SETS)[:5])
    for p in (t, m):
        p.add_argument("--shared", type=Path, default=SHARED)
    args = ap.parse_args(argv)
    if args.command == "train":
        train(args.out, args.files, args.shared, limit=args.limit)
    else:
        print(json.dumps(measure(args.checkpoint, args.work, args.sets, args.shared), indent=1))


if __name__ == "__main__":
    main()
