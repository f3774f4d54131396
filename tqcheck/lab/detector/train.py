"""Train the detector's network on features read from MQM-annotated MT (``tqcheck.lab.detector.extract``).

    python -m tqcheck.lab.detector.train work/tr-*.npz --out tqcheck/data/detector/gemma-3-270m.npz

Deterministic for a seed on one machine (CPU, fixed thread count).  Each of the bagged networks holds
back its own tenth of the training documents (by document) to choose its epoch; the evaluation set is
never read here (it only calibrates, ``tqcheck.lab.detector.calibrate``).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from ...detector import Detector
from ...detector.features import SCALARS, with_neighbours

HIDDEN = 64
EPOCHS = 4
BATCH = 1024
LR = 3e-4
WEIGHT_DECAY = 1e-4
DROPOUT = 0.5
NEIGHBOURS = 4  # words on each side whose mean state joins a word's (0: none)
MEMBERS = 3  # networks averaged, each with its own held-back tenth (bagging)


def load(paths: list[str]):
    Xs, ys, majors, docs = [], [], [], []
    base = 0
    for p in paths:
        with np.load(p) as z:
            Xs.append(z["X"])
            ys.append(z["y"])
            majors.append(z["major"])
            docs.append(z["doc"] + base)
            base += len(z["ids"])
    return np.concatenate(Xs), np.concatenate(ys), np.concatenate(majors), np.concatenate(docs)


def train(paths: list[str], out: str, seed: int = 0, model_id: str = "gemma-3-270m",
          layers: tuple[int, ...] = (9, 18), languages: tuple[str, ...] = ("en", "de"),
          neighbours: int = NEIGHBOURS, hidden: int = HIDDEN, epochs: int = EPOCHS, dropout: float = DROPOUT,
          weight_decay: float = WEIGHT_DECAY, lr: float = LR, members: int = MEMBERS) -> Detector:
    """Train ``members`` networks, each holding back its own tenth of the documents (seeds ``seed``,
    ``seed + 1``, ...), and save them as one detector that averages their outputs."""
    import torch

    torch.set_num_threads(2)
    X, y, major, doc = load(paths)
    X = with_neighbours(X, doc, neighbours) if neighbours else X.astype(np.float32)
    mean = X.mean(axis=0)
    scale = np.maximum(X.std(axis=0), 1e-3)
    Xt = torch.from_numpy((X - mean) / scale)
    del X
    print(f"{len(y)} words ({int(y.sum())} marked, {y.mean():.3f}), {int(doc.max()) + 1} documents",
          file=sys.stderr)
    t0 = time.time()
    nets, losses = [], []
    for m in range(members):
        w, loss = _member(Xt, y, major, doc, seed + m, hidden, epochs, dropout, weight_decay, lr)
        nets.append(w)
        losses.append(loss)
    det = Detector(model_id, tuple(layers), SCALARS, mean, scale,
                   np.stack([w["0.weight"].T for w in nets]), np.stack([w["0.bias"] for w in nets]),
                   np.stack([w["3.weight"].T for w in nets]), np.stack([w["3.bias"] for w in nets]),
                   {}, {}, tuple(languages), f"{time.strftime('%Y-%m-%d')}-s{seed}x{members}", neighbours)
    det.save(Path(out))
    print(json.dumps({"words": int(len(y)), "marked": float(y.mean()), "held_back_loss": losses,
                      "seconds": round(time.time() - t0)}), file=sys.stderr)
    return det


def _member(Xt, y, major, doc, seed: int, hidden: int, epochs: int, dropout: float, weight_decay: float,
            lr: float) -> tuple[dict, float]:
    """One network: trained on all documents but a tenth held back (chosen with ``seed``) to pick the
    epoch; its weights (numpy) and its best held-back loss."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    ndocs = int(doc.max()) + 1
    held = rng.random(ndocs) < 0.1
    if not held.any() or held.all():  # a small sample: one document held back, whatever the draw
        held[:] = False
        held[rng.integers(ndocs)] = True
    val = held[doc]
    yt = torch.from_numpy(y.astype(np.float32))
    mt = torch.from_numpy(major.astype(np.float32))
    tr_idx = np.flatnonzero(~val)
    va_idx = torch.from_numpy(np.flatnonzero(val))
    net = torch.nn.Sequential(torch.nn.Linear(Xt.shape[1], hidden), torch.nn.GELU(approximate="tanh"),
                              torch.nn.Dropout(dropout), torch.nn.Linear(hidden, 2))
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=weight_decay)
    bce = torch.nn.functional.binary_cross_entropy_with_logits

    def loss_of(idx):
        z = net(Xt[idx])
        marked = bce(z[:, 0], yt[idx])
        has = yt[idx] > 0  # the severity head learns from marked words only
        sev = bce(z[has, 1], mt[idx][has]) if has.any() else z.sum() * 0
        return marked + 0.5 * sev, marked

    best, best_state = float("inf"), None
    t0 = time.time()
    for epoch in range(epochs):
        net.train()
        order = torch.from_numpy(rng.permutation(tr_idx))
        for k in range(0, len(order), BATCH):
            opt.zero_grad()
            loss, _ = loss_of(order[k:k + BATCH])
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            _, vloss = loss_of(va_idx)
            z = net(Xt[va_idx])[:, 0].numpy()
        print(f"seed {seed} epoch {epoch + 1}: held-back loss {vloss.item():.4f}, AUC {_auc(z, y[val]):.3f} "
              f"({time.time() - t0:.0f} s)", file=sys.stderr)
        if vloss.item() < best:
            best = vloss.item()
            best_state = {k: v.clone() for k, v in net.state_dict().items()}
    return {k: v.numpy() for k, v in best_state.items()}, best


def _auc(score: np.ndarray, label: np.ndarray) -> float:
    order = np.argsort(score)
    ranks = np.empty(len(score))
    ranks[order] = np.arange(1, len(score) + 1)
    pos = label > 0
    n1, n0 = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / max(n1 * n0, 1))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("features", nargs="+", help="npz files from tqcheck.lab.detector.extract")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--neighbours", type=int, default=NEIGHBOURS)
    ap.add_argument("--hidden", type=int, default=HIDDEN)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--dropout", type=float, default=DROPOUT)
    ap.add_argument("--weight-decay", type=float, default=WEIGHT_DECAY)
    ap.add_argument("--lr", type=float, default=LR)
    ap.add_argument("--members", type=int, default=MEMBERS)
    args = ap.parse_args(argv)
    train(args.features, args.out, args.seed, neighbours=args.neighbours, hidden=args.hidden, epochs=args.epochs,
          dropout=args.dropout, weight_decay=args.weight_decay, lr=args.lr, members=args.members)


if __name__ == "__main__":
    main()
