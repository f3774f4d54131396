"""Train the detector's typing head: for a marked word, is the mark of the fluency family or not?

    python -m tqcheck.lab.detector.typing_head tqcheck/data/detector/gemma-3-270m.npz work/detector/ted-*.npz

The head reads the detector's own inputs (the same standardisation, ``Detector.inputs``) and learns from
the words that a rater marked in files whose spans carry an MQM category (the TED files of
``../shared/train``, ``extract``'s ``fluency`` column: 1 fluency family, 0 another, -1 no category).
The detector's two outputs are not touched: the head is added beside them in the same file, and
``calibrate_typing`` then fits it per language on the evaluation set's dev gold.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from ...detector import Detector
from .train import _auc

HIDDEN = 32
EPOCHS = 8
BATCH = 512
LR = 3e-4
WEIGHT_DECAY = 1e-2
DROPOUT = 0.5
MEMBERS = 3


def typed_words(det: Detector, paths: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The standardised inputs, the fluency label and the document of every marked word with a category."""
    xs, ys, docs = [], [], []
    base = 0
    for p in paths:
        with np.load(p) as z:
            keep = (z["y"] > 0) & (z["fluency"] >= 0)
            x = det.inputs(z["X"], z["doc"])[keep]
            xs.append(((x - det.mean) / det.scale).astype(np.float32))
            ys.append(z["fluency"][keep].astype(np.float32))
            docs.append(z["doc"][keep] + base)
            base += len(z["ids"])
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(docs)


def train_head(weights: str, paths: list[str], out: str | None = None, seed: int = 0, hidden: int = HIDDEN,
               epochs: int = EPOCHS, dropout: float = DROPOUT, weight_decay: float = WEIGHT_DECAY,
               members: int = MEMBERS) -> Detector:
    """Train ``members`` heads (each holding back its own tenth of the documents to choose its epoch) and
    save the detector with them; its other arrays are written back unchanged."""
    import torch

    torch.set_num_threads(2)
    det = Detector.load(Path(weights))
    X, y, doc = typed_words(det, paths)
    print(f"{len(y)} marked words with a category, {y.mean():.3f} fluency, {len(np.unique(doc))} documents",
          file=sys.stderr)
    nets, report = [], []
    for m in range(members):
        w, loss, auc = _member(torch, X, y, doc, seed + m, hidden, epochs, dropout, weight_decay)
        nets.append(w)
        report.append((round(loss, 4), round(auc, 3)))
    det = replace(det, t_w1=np.stack([w["0.weight"].T for w in nets]), t_b1=np.stack([w["0.bias"] for w in nets]),
                  t_w2=np.stack([w["3.weight"].T for w in nets]), t_b2=np.stack([w["3.bias"] for w in nets]),
                  typing={})
    det.save(Path(out or weights))
    print(json.dumps({"words": len(y), "fluency": float(y.mean()), "held_back_loss_auc": report}),
          file=sys.stderr)
    return det


def _member(torch, X, y, doc, seed, hidden, epochs, dropout, weight_decay):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    ids = np.unique(doc)
    held_docs = ids[rng.random(len(ids)) < 0.1]
    if len(held_docs) == 0:
        held_docs = ids[:1]
    val = np.isin(doc, held_docs)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    tr_idx, va_idx = np.flatnonzero(~val), torch.from_numpy(np.flatnonzero(val))
    net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], hidden), torch.nn.GELU(approximate="tanh"),
                              torch.nn.Dropout(dropout), torch.nn.Linear(hidden, 1))
    opt = torch.optim.AdamW(net.parameters(), lr=LR, weight_decay=weight_decay)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    best, best_state, best_auc = float("inf"), None, 0.5
    for epoch in range(epochs):
        net.train()
        order = torch.from_numpy(rng.permutation(tr_idx))
        for k in range(0, len(order), BATCH):
            idx = order[k:k + BATCH]
            opt.zero_grad()
            loss = bce(net(Xt[idx])[:, 0], yt[idx])
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            z = net(Xt[va_idx])[:, 0]
            vloss = bce(z, yt[va_idx]).item()
        auc = _auc(z.numpy(), y[val])
        print(f"seed {seed} epoch {epoch + 1}: held-back loss {vloss:.4f}, AUC {auc:.3f}", file=sys.stderr)
        if vloss < best:
            best, best_auc = vloss, auc
            best_state = {k: v.clone() for k, v in net.state_dict().items()}
    return {k: v.numpy() for k, v in best_state.items()}, best, best_auc


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("weights", help="the detector's file; the head is added to it")
    ap.add_argument("features", nargs="+", help="npz files from tqcheck.lab.detector.extract with categories")
    ap.add_argument("--out", help="write here instead of over the weights")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--hidden", type=int, default=HIDDEN)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--dropout", type=float, default=DROPOUT)
    ap.add_argument("--weight-decay", type=float, default=WEIGHT_DECAY)
    ap.add_argument("--members", type=int, default=MEMBERS)
    args = ap.parse_args(argv)
    t0 = time.time()
    train_head(args.weights, args.features, args.out, args.seed, args.hidden, args.epochs, args.dropout,
               args.weight_decay, args.members)
    print(f"{time.time() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
