"""The output layer: hidden states to log-probabilities over the vocabulary, in fp32 or int8.

It is 170M of the default model's 268M parameters, so it is where the time goes:
- only the vocabulary blocks of the scripts a batch uses are computed (``blocks``, see ``vocab``);
- the blocks are walked with a running log-sum-exp, each normalised while it is still in the
  CPU cache (``logprobs``);
- on a CPU it runs in int8: each vocabulary row and each position's hidden state get their own
  scale, so a token's log-probability moves by 0.075 nats on average; its matrix product runs
  about three times faster (VNNI) and the paragraph pass about a quarter faster.  Quantising
  takes about a second, so the int8 copy is kept on disk beside the dense model.
"""
from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..errors import TqcheckError
from ..textio import atomic_write
from .vocab import VocabOrder

if TYPE_CHECKING:  # pragma: no cover
    from torch import Tensor

# The output layer is applied to this many positions at a time, this many vocabulary entries at a
# time: a 512 x 8192 block of logits (16 MB) stays in the CPU cache while it is normalised.
HEAD_ROWS = 512
HEAD_VOCAB = 8192
# Vocabulary rows quantised at a time when the int8 output layer is built (bounds the transient copy).
QUANT_ROWS = 16384

PRECISIONS = ("auto", "int8", "fp32")


class Normalised(NamedTuple):
    """What ``OutputLayer.logprobs`` gives per position (tensors, one row per position)."""
    logprobs: Tensor  # of each target token
    top_values: Tensor | None  # with topk: the k largest log-probabilities
    top_ids: Tensor | None  # ... and their token ids
    norm: Tensor  # the log-sum-exp over the blocks computed
    block_max: Tensor | None  # with block_max: the largest logit in every block (for ``top_rows``)


class OutputLayer:
    """The model's ``lm_head`` over a renumbered vocabulary, in the precision last set."""

    def __init__(self, linear, vocab: VocabOrder, softcap: float | None = None, cache: Path | None = None):
        self.linear = linear  # the model's own module: fp32 reads its weight, int8 a copy of it
        self.vocab = vocab
        self.softcap = softcap
        self.cache = cache  # where the int8 copy is kept (None: made in memory each time)
        self.precision = ""  # "int8" or "fp32", once ``set_precision`` ran
        self._int8 = None  # (weights, row scales), built once; kept when a caller switches to fp32
        self._qweight = self._qscale = None

    def set_precision(self, precision: str = "auto") -> bool:
        """"int8" or "fp32"; "auto" is int8 on a CPU (``_int_mm`` has a fast VNNI/AVX2 path there)
        and fp32 on a GPU.  Whether the precision changed (scores made before are then stale)."""
        if precision not in PRECISIONS:
            raise TqcheckError(f"unknown output-layer precision {precision!r} (use auto, int8 or fp32)")
        if precision == "auto":
            precision = "int8" if self.linear.weight.device.type == "cpu" else "fp32"
        if precision == self.precision:
            return False
        self.precision = precision
        if precision == "int8" and self._int8 is None:
            self._int8 = self.quantize()
        self._qweight, self._qscale = self._int8 if precision == "int8" else (None, None)
        return True

    def quantize(self):
        """An int8 copy of the weights, one scale per vocabulary row (symmetric, max-abs): ``logits``
        multiplies it with each position's hidden state quantised the same way.  Read from
        ``cache`` when it was made for this vocabulary order, else made and written there."""
        import torch

        weight = self.linear.weight.detach()
        order = hashlib.sha256(torch.tensor(self.vocab.order).numpy().tobytes()).hexdigest()
        cache = self.cache if weight.device.type == "cpu" else None
        if cache is not None and cache.is_file():
            try:
                kept = torch.load(cache, mmap=True, weights_only=True)
                if kept["order"] == order and kept["weight"].shape == weight.shape:
                    return kept["weight"], kept["scale"]
            except Exception:  # unreadable or from another version: made again below
                pass
        q = torch.empty(weight.shape, dtype=torch.int8, device=weight.device)
        scale = torch.empty(weight.shape[0], device=weight.device)
        for r in range(0, len(weight), QUANT_ROWS):
            w = weight[r:r + QUANT_ROWS]
            scale[r:r + QUANT_ROWS] = w.abs().amax(dim=1).clamp_min(1e-12) / 127
            q[r:r + QUANT_ROWS] = torch.round(w / scale[r:r + QUANT_ROWS, None]).to(torch.int8)
        if cache is not None:
            buf = io.BytesIO()
            torch.save({"order": order, "weight": q, "scale": scale}, buf)
            try:
                atomic_write(cache, buf.getvalue())
            except OSError:
                pass  # a read-only cache only costs the quantisation next time
        return q, scale

    def blocks(self, id_lists) -> list[tuple[int, int]]:
        """The vocabulary blocks (start, end) computed for a batch: the scripts kept for it
        (``VocabOrder.spans``), cut into pieces of ``HEAD_VOCAB``."""
        ids = {i for ids in id_lists for i in ids}
        return [(v, min(v + HEAD_VOCAB, hi)) for lo, hi in self.vocab.spans(ids) for v in range(lo, hi, HEAD_VOCAB)]

    def _rows(self, h):
        """Hidden states as the layer reads them: in int8, each row quantised with its own scale (per
        row, so one outlier position costs no other its precision)."""
        if self._qweight is None:
            return h
        import torch

        scale = h.abs().amax(dim=1, keepdim=True).clamp_min(1e-12) / 127
        return torch.round(h / scale).to(torch.int8), scale

    def _logits(self, rows, block: tuple[int, int]):
        """Logits of one vocabulary block for ``_rows(h)`` (softcapped as the model does)."""
        import torch

        v, end = block
        bias = getattr(self.linear, "bias", None)
        if self._qweight is None:
            logits = torch.nn.functional.linear(rows, self.linear.weight[v:end],
                                                None if bias is None else bias[v:end]).float()
        else:
            hq, scale = rows
            logits = torch._int_mm(hq, self._qweight[v:end].t()).float().mul_(scale).mul_(self._qscale[v:end])
            if bias is not None:
                logits += bias[v:end]
        if self.softcap:
            logits = torch.tanh(logits / self.softcap) * self.softcap
        return logits

    def logprobs(self, h, target, blocks: list[tuple[int, int]], topk: int = 0, block_max: bool = False
                 ) -> Normalised:
        """Log-probability of each target token (and the k likeliest tokens) from the last hidden
        states; also each row's normaliser and, with ``block_max``, its largest logit in every
        vocabulary block (for ``top_rows``).

        The blocks are walked with a running log-sum-exp, so each block of logits is normalised
        while it is still in the CPU cache: taking log-softmax over whole 262k-wide rows spent as
        long reading and writing memory as the matrix product itself.
        """
        import torch

        lps, tvs, tis, norms, maxes = [], [], [], [], []
        for r in range(0, len(h), HEAD_ROWS):
            hr, tg = h[r:r + HEAD_ROWS], target[r:r + HEAD_ROWS]
            rows = self._rows(hr)
            m = torch.full((len(hr),), -float("inf"), device=h.device)
            s = torch.zeros(len(hr), device=h.device)
            tl = torch.zeros(len(hr), device=h.device)
            tv = ti = None
            bm = []
            for v, end in blocks:
                logits = self._logits(rows, (v, end))
                top = logits.amax(dim=1)
                bm.append(top)
                new_m = torch.maximum(m, top)
                s = s * torch.exp(m - new_m) + torch.exp(logits - new_m[:, None]).sum(dim=1)
                m = new_m
                inside = (tg >= v) & (tg < v + logits.shape[1])
                if bool(inside.any()):
                    idx = inside.nonzero()[:, 0]
                    tl[idx] = logits[idx, tg[idx] - v]
                if topk:
                    bv, bi = torch.topk(logits, min(topk, logits.shape[1]), dim=1)
                    bi = bi + v
                    if tv is not None:
                        both = torch.cat([tv, bv], dim=1)
                        bv, j = torch.topk(both, min(topk, both.shape[1]), dim=1)
                        bi = torch.cat([ti, bi], dim=1).gather(1, j)
                    tv, ti = bv, bi
            norm = m + torch.log(s)
            lps.append(tl - norm)
            norms.append(norm)
            if block_max:
                maxes.append(torch.stack(bm, dim=1))
            if topk:
                tvs.append(tv - norm[:, None])
                tis.append(ti)
        return Normalised(torch.cat(lps), torch.cat(tvs) if topk else None, torch.cat(tis) if topk else None,
                          torch.cat(norms), torch.cat(maxes) if block_max else None)

    def top_rows(self, h, norm, block_max, blocks: list[tuple[int, int]], k: int):
        """The k likeliest tokens (log-prob, id) of some rows, from their normalisers and block maxima
        (as ``logprobs`` returned them for the same ``blocks``).

        A token among a row's k likeliest lies in a block whose maximum is at least the row's
        k-th largest block maximum (k distinct tokens reach those maxima), so only those
        blocks are computed again: at most k per row instead of all of them.
        """
        import torch

        kth = block_max.topk(min(k, block_max.shape[1]), dim=1).values[:, -1:]
        need = block_max >= kth
        vals = torch.full((len(h), k), -float("inf"), device=h.device)
        ids = torch.zeros((len(h), k), dtype=torch.long, device=h.device)
        for b in need.any(dim=0).nonzero()[:, 0].tolist():
            rows = need[:, b].nonzero()[:, 0]
            logits = self._logits(self._rows(h[rows]), blocks[b])
            bv, bi = torch.topk(logits, min(k, logits.shape[1]), dim=1)
            both_v = torch.cat([vals[rows], bv], dim=1)
            both_i = torch.cat([ids[rows], bi + blocks[b][0]], dim=1)
            best_v, j = torch.topk(both_v, k, dim=1)
            vals[rows], ids[rows] = best_v, both_i.gather(1, j)
        return vals - norm[:, None], ids
