"""A causal language model that scores text: per-token log-probabilities, sums, proposals.

Where the time goes, and what keeps it down (default model, 2 CPU cores):
- the output layer is 170M of the model's 268M parameters: only the positions a
  caller asks about go through it, in blocks of vocabulary normalised while
  they are still in the CPU cache, and the top-k proposals only where asked;
- texts are packed end to end into rows (positions restart per text, an
  explicit attention mask keeps them apart), so no forward pass is spent on
  padding;
- the vocabulary is renumbered by script (``vocab``), so the output layer only
  covers the scripts a batch is written in (a third less work for English);
- on a CPU the output layer runs in int8 (``set_head``): each vocabulary row and
  each position's hidden state get their own scale, so a token's log-probability
  moves by 0.075 nats on average; its matrix product runs about three times faster
  (VNNI) and the paragraph pass about a quarter faster;
- rewrites scored after one context read that context once, in the same packed
  row, and when the context opens a paragraph scored in the same pass they read
  the paragraph's own tokens (``_units``).
"""
from __future__ import annotations

import io
import sys
import time
from dataclasses import dataclass

from ..errors import TqcheckError
from ..textio import atomic_write
from . import store
from .cards import ModelCard
from .vocab import VocabOrder, classify

TokenLP = tuple[int, int, float]  # (start, end) in the scored text, natural-log probability
# Texts scored after one context (rewrites of one span) share its tokens: they are read once when at
# least this many.  The context is most of the input of a rescoring pass (a 45-130-token context, a
# 10-20-token rewrite).
MIN_SHARED_TOKENS = 8
# Items are packed into rows of about this many tokens: no padding to the longest item, and the
# attention over a packed row (most of it masked, computed in full) stays a small part of the cost:
# on the seed, 0.29 s of attention in rows of 512, 0.14 s in rows of 256, 0.13 s in rows of 128.
ROW_TOKENS = 256
# The output layer is applied to this many positions at a time, this many vocabulary entries at a
# time: a 512 x 8192 block of logits (16 MB) stays in the CPU cache while it is normalised.
HEAD_ROWS = 512
HEAD_VOCAB = 8192
# Vocabulary rows quantised at a time when the int8 output layer is built (bounds the transient copy).
QUANT_ROWS = 16384


@dataclass
class _Item:
    ids: list[int]
    first: int  # index in ids of the first token of the scored text
    offsets: list[tuple[int, int]]  # per scored token, relative to the text


def resolve_device(device: str) -> str:
    import torch

    device = (device or "auto").lower()
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise TqcheckError("--device cuda: no CUDA device is available (use --device auto or cpu)")
    if device not in ("cpu", "cuda") and not device.startswith("cuda:"):
        raise TqcheckError(f"unknown device {device!r} (use auto, cpu or cuda)")
    return device


class CausalLM:
    """Scoring interface over a transformers causal LM (see ``tqcheck.lm``)."""

    def __init__(self, card: ModelCard, model, tokenizer, device: str, max_context_tokens: int = 384,
                 token_budget: int = 4096, vocab_cache=None, head: str = "auto", head_cache=None):
        self.card = card
        self.model = model
        self.tok = tokenizer
        self.device = device
        self.max_context_tokens = max_context_tokens
        self.token_budget = token_budget  # padded tokens per forward batch
        self.vocab = self._renumber(vocab_cache)
        self.vocab_size = len(self.vocab.order)
        start = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
        self.start_id = self.vocab.inv[int(start)]
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        self.pad_id = self.vocab.inv[int(pad)]
        self.softcap = getattr(model.config, "final_logit_softcapping", None)
        self._memo: dict[tuple[str, str], list[TokenLP]] = {}
        self._alt_memo: dict[tuple, list] = {}  # (context, text, k, min_surprisal) -> ``alternatives`` result
        self._pending: dict[tuple, None] = {}  # what ``prefetch`` queued, in order (see ``_flush``)
        self.tokens_scored = 0
        self.head_precision = ""  # "int8" or "fp32" (``set_head``)
        self._head_cache = head_cache
        self._int8 = None  # (weights, row scales), built once; kept when a caller switches to fp32
        self._qweight = self._qscale = None
        self.set_head(head)

    # -- loading -------------------------------------------------------------------------------------
    @classmethod
    def load(cls, card: ModelCard, device: str = "auto", quiet: bool = False) -> "CausalLM":
        store.force_offline()
        device = resolve_device(device)
        path = store.prepare(card, quiet=quiet)
        try:
            model, tok = cls._load_dense(path, device)
        except Exception as exc:  # a damaged cache: say so, rebuild once
            print(f"tqcheck: model cache {path} is unreadable ({type(exc).__name__}: {exc}); rebuilding it",
                  file=sys.stderr, flush=True)
            store.clear(card)
            path = store.prepare(card, quiet=quiet)
            model, tok = cls._load_dense(path, device)
        return cls(card, model, tok, device, vocab_cache=path / "vocab-classes.json",
                   head_cache=path / "head-int8.pt")

    def _renumber(self, cache) -> VocabOrder:
        """Group the vocabulary by script (see ``vocab``): permute the rows of the embedding and the
        output layer to the new numbering.  From here on every id inside this class is a new id;
        ``_encode`` maps the tokenizer's ids in and ``_decode`` maps them back out."""
        import torch

        emb = self.model.get_input_embeddings()
        size = emb.weight.shape[0]
        vocab = VocabOrder(classify(self.tok, size, cache))
        order = torch.tensor(vocab.order, device=emb.weight.device)
        with torch.no_grad():
            emb.weight.data = emb.weight.data[order]
            head = self.model.lm_head
            if head.weight is not emb.weight:  # untied: the same renumbering for the output rows
                head.weight.data = head.weight.data[order]
            if getattr(head, "bias", None) is not None:
                head.bias.data = head.bias.data[order]
        return vocab

    def set_head(self, head: str = "auto") -> None:
        """The output layer's precision: "int8" or "fp32"; "auto" is int8 on a CPU (``_int_mm`` has a
        fast VNNI/AVX2 path there) and fp32 on a GPU.  Scores kept in memory are dropped."""
        if head not in ("auto", "int8", "fp32"):
            raise TqcheckError(f"unknown output-layer precision {head!r} (use auto, int8 or fp32)")
        head = ("int8" if self.device == "cpu" else "fp32") if head == "auto" else head
        if head != self.head_precision:
            self.head_precision = head
            if head == "int8" and self._int8 is None:
                self._int8 = self._quantize_head()
            self._qweight, self._qscale = self._int8 if head == "int8" else (None, None)
            self.forget()

    def _quantize_head(self):
        """An int8 copy of the output layer, one scale per vocabulary row (symmetric, max-abs):
        ``_logits`` multiplies it with each position's hidden state quantised the same way.

        Quantising takes about a second, so the result is kept beside the dense model
        (``head_cache``) and later loads map it from disk, for the vocabulary order it was
        made in."""
        import hashlib

        import torch

        weight = self.model.lm_head.weight.detach()
        order = hashlib.sha256(torch.tensor(self.vocab.order).numpy().tobytes()).hexdigest()
        cache = self._head_cache if weight.device.type == "cpu" else None
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

    def _decode(self, new_id: int) -> str:
        return self.tok.decode([self.vocab.order[new_id]])

    @staticmethod
    def _load_dense(path, device):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        tok = AutoTokenizer.from_pretrained(str(path))
        model = AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.float32)
        model.to(device).eval()
        return model, tok

    # -- encoding ------------------------------------------------------------------------------------
    def _encode(self, text: str, context: str) -> _Item:
        full = context + text
        enc = self.tok(full, add_special_tokens=False, return_offsets_mapping=True)
        ids, offs = [self.vocab.inv[i] for i in enc["input_ids"]], list(enc["offset_mapping"])
        if ids and ids[0] == self.start_id:  # some tokenizers add BOS anyway
            ids, offs = ids[1:], offs[1:]
        b = len(context)
        first = next((i for i, (_, e) in enumerate(offs) if e > b), len(ids))
        lo = max(0, first - self.max_context_tokens)
        scored = [(max(s - b, 0), e - b) for s, e in offs[first:]]
        return _Item([self.start_id] + ids[lo:], 1 + first - lo, scored)

    # -- scoring -------------------------------------------------------------------------------------
    def token_logprobs(self, texts: list[str], contexts: list[str] | None = None) -> list[list[TokenLP]]:
        """Log-probability of every token of each text given its left context.

        Offsets are relative to the text; a token that straddles the context
        boundary (a leading space) is counted to the text.  Whatever was queued
        with ``prefetch`` is scored in the same pass.
        """
        contexts = contexts or [""] * len(texts)
        if len(contexts) != len(texts):
            raise ValueError("texts and contexts differ in length")
        self.prefetch(texts, contexts)
        self._flush()
        return [self._memo[k] for k in zip(contexts, texts)]

    def alternatives(self, texts: list[str], contexts: list[str] | None = None, k: int = 8,
                     min_surprisal: float | None = None
                     ) -> list[list[tuple[int, int, float, list[tuple[str, float]]]]]:
        """Like ``token_logprobs``, plus the model's k likeliest tokens at each position (text, log-prob).

        One pass gives both the surprisal of what is written and what the model
        would have written instead.  With ``min_surprisal``, the proposals are
        worked out only where a word starts inside runs between spaces at least
        that surprising, and are empty elsewhere: finding the top k means more
        work in the 262k-word output layer, wasted on the unremarkable words a
        caller never looks at.
        """
        contexts = contexts or [""] * len(texts)
        self.prefetch(texts, contexts, k=k, min_surprisal=min_surprisal, proposals=True)
        self._flush()
        keys = [(c, t, k, min_surprisal) for c, t in zip(contexts, texts)]
        out = [self._alt_memo[key] for key in keys]
        for key in set(keys):  # handed over: proposals are bulky, and callers keep what they read
            del self._alt_memo[key]
        return out

    def prefetch(self, texts: list[str], contexts: list[str] | None = None, k: int = 8,
                 min_surprisal: float | None = None, proposals: bool = False) -> None:
        """Queue texts for ``token_logprobs`` (or, with ``proposals``, for ``alternatives`` with the same
        ``k`` and ``min_surprisal``): everything queued is scored in the model's next pass, whichever
        call makes it, and kept for the caller who asks.  Every pass reads all the weights at least
        once (about 0.3 s on a 2-core CPU), so rules declare their work ahead (``Rule.prepare``) and
        the paragraph pass and the rescoring of rewrites share one."""
        contexts = contexts or [""] * len(texts)
        for c, t in zip(contexts, texts):
            key = ("alternatives", c, t, k, min_surprisal) if proposals else ("tokens", c, t)
            if not self._done(key):
                self._pending[key] = None

    def forget(self) -> None:
        """Drop every score kept in memory (benchmarks and tests that time or compare fresh passes)."""
        self._memo.clear()
        self._alt_memo.clear()
        self._pending.clear()

    def _done(self, key) -> bool:
        return (key[1:] in self._alt_memo) if key[0] == "alternatives" else (key[1:] in self._memo)

    def _flush(self) -> None:
        """Score everything queued in one run of batches and keep the results."""
        pending = [key for key in self._pending if not self._done(key)]
        self._pending.clear()
        if not pending:
            return
        alt = [key for key in pending if key[0] == "alternatives"]
        with_alt = {key[1:3] for key in alt}  # an alternatives pass gives the token scores too
        tok = [key[1:] for key in pending if key[0] == "tokens" and key[1:] not in with_alt]
        alt_items = [self._encode(t, c) for _, c, t, _, _ in alt]
        tok_items = [self._encode(t, c) for c, t in tok]
        items = alt_items + tok_items
        select = None
        if alt:
            select = [_every_position if ms is None else _surprising_words(t, it.offsets, ms)
                      for (_, _, t, _, ms), it in zip(alt, alt_items)] + [_no_position] * len(tok_items)
        units, inside = self._units(items, [c for _, c, _, _, _ in alt] + [c for c, _ in tok],
                                    [t for _, _, t, _, _ in alt] + [t for _, t in tok],
                                    plain=set(range(len(alt_items), len(items))))
        topk = max((key[3] for key in alt), default=0)
        lps, tops = self._run(items, units, select, topk)
        for i, h in inside.items():  # read off the paragraph that contains them (see ``_units``)
            lps[i] = lps[h][items[i].first - items[h].first:len(items[i].ids) - items[h].first]
        for key, item, lp, top in zip(alt, alt_items, lps, tops):
            _, c, t, k, ms = key
            self._alt_memo[(c, t, k, ms)] = [
                (s, e, l, [(self._decode(i), v) for i, v in tt][:k]) for (s, e), l, tt in zip(item.offsets, lp, top)]
            self._remember((c, t), item, lp)
        for key, item, lp in zip(tok, tok_items, lps[len(alt_items):]):
            self._remember(key, item, lp)

    def _units(self, items: list[_Item], contexts: list[str], texts: list[str], plain: set[int] = frozenset()
               ) -> tuple[list[tuple[int, list]], dict[int, int]]:
        """Group items into units that read a shared beginning once: (head, [(child, n), ...]); and
        the items a paragraph scored in the same pass contains whole, {item: paragraph}.

        A child sees the first ``n`` tokens of its head and brings only the rest of its own.
        Texts scored after one context (rewrites of one span) become children of the paragraph
        being scored in the same pass when the context opens that paragraph (rescoring then
        re-reads nothing), else of their shared prefix, appended to ``items`` as an unscored
        head; a unit is used only when it saves at least ``MIN_SHARED_TOKENS`` per child.  The
        rewrite that keeps the original wording is the paragraph's own text: it reads nothing
        (only for the ``plain`` items, those scored without proposals).
        """
        groups: dict[str, list[int]] = {}
        for i, c in enumerate(contexts):
            if c:
                groups.setdefault(c, []).append(i)
        children: dict[int, list] = {}
        taken: set[int] = set()
        inside: dict[int, int] = {}
        heads = [i for i, c in enumerate(contexts) if not c]  # whole paragraphs, scored from their start
        for c, members in groups.items():
            head = next((h for h in heads if texts[h].startswith(c)), None)
            if head is not None:
                whole = items[head].ids
                for i in members:
                    if i in plain and items[i].first >= items[head].first and whole[:len(items[i].ids)] == items[i].ids:
                        inside[i] = head
                members = [i for i in members if i not in inside]
                taken.update(inside)
                if not members:
                    continue
            n = _shared_prefix([items[head]] + [items[i] for i in members], head_first=False) if head is not None else 0
            if n < MIN_SHARED_TOKENS and len(members) > 1:
                n = _shared_prefix([items[i] for i in members])
                head = len(items)
                if n >= MIN_SHARED_TOKENS:
                    items.append(_Item(items[members[0]].ids[:n], n, []))
            if n >= MIN_SHARED_TOKENS:
                children.setdefault(head, []).extend((i, n) for i in members)
                taken.update(members)
        return [(i, children.get(i, [])) for i in range(len(items)) if i not in taken], inside

    def _run(self, items: list[_Item], units, select, topk: int):
        """Every unit through the model in token-budgeted batches: per item its log-probs and (with
        ``topk``) its proposals; ``select`` as in ``_forward``, one per item."""
        lps: list = [None] * len(items)
        tops: list = [[] for _ in items]
        for batch in self._batches(units, items):
            local = [i for head, kids in batch for i in [head] + [k for k, _ in kids]]
            where = {i: j for j, i in enumerate(local)}
            res = self._forward([items[i] for i in local], topk=topk,
                                select=[select[i] if i < len(select) else _no_position for i in local]
                                if select else None,
                                units=[(where[h], [(where[k], n) for k, n in kids]) for h, kids in batch])
            b_lps, b_tops = res if topk else (res, [[] for _ in local])
            for i, lp, top in zip(local, b_lps, b_tops):
                lps[i], tops[i] = lp, top
        return lps, tops

    def _remember(self, key: tuple[str, str], item: _Item, lps: list[float]) -> None:
        self._memo[key] = [(s, e, lp) for (s, e), lp in zip(item.offsets, lps)]

    def score(self, texts: list[str], contexts: list[str] | None = None) -> list[float]:
        """Total natural-log probability of each text given its left context."""
        return [sum(lp for _, _, lp in toks) for toks in self.token_logprobs(texts, contexts)]

    def _hidden(self, items: list[_Item], units: list[tuple[int, list]] | None = None):
        """Last hidden states of a batch, and per item the (row, offset) at which its position p sits
        in them: the state after token p of item i is ``hidden[row, offset + p]`` (for a child, only
        from the end of what it shares with its head on).

        Units (see ``_units``; by default every item alone) are packed end to end into rows of
        about ``ROW_TOKENS`` tokens, with no padding to the longest: a head, then each child's
        own tokens, every child seeing its head's first n tokens and itself.  An explicit
        attention mask says who sees whom (and, for sliding-window layers, how far back);
        positions restart for every unit.
        """
        import torch

        units = units if units is not None else [(i, []) for i in range(len(items))]
        sizes = [len(items[h].ids) + sum(len(items[k].ids) - n for k, n in kids) for h, kids in units]
        rows, at_unit = _pack(sizes, ROW_TOKENS)
        width = max(sum(sizes[u] for u in row) for row in rows)
        ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        pos = torch.zeros((len(rows), width), dtype=torch.long)
        # Per column: its segment (a head, a child's own tokens, or a padding column on its own), the
        # segment it also sees (its head; -1 for none) and how many of the head's tokens it sees.
        seg = torch.arange(len(rows) * width, dtype=torch.long).view(len(rows), width) + 1
        parent = torch.full((len(rows), width), -1, dtype=torch.long)
        sees = torch.zeros((len(rows), width), dtype=torch.long)
        place: list[tuple[int, int]] = [(0, 0)] * len(items)
        for u, (h, kids) in enumerate(units):
            r, c = at_unit[u]
            head = items[h].ids
            ids[r, c:c + len(head)] = torch.tensor(head)
            pos[r, c:c + len(head)] = torch.arange(len(head))
            head_seg = int(seg[r, c])
            seg[r, c:c + len(head)] = head_seg
            place[h] = (r, c)
            c += len(head)
            for k, n in kids:
                rest = items[k].ids[n:]
                ids[r, c:c + len(rest)] = torch.tensor(rest)
                pos[r, c:c + len(rest)] = torch.arange(n, n + len(rest))
                seg[r, c:c + len(rest)] = int(seg[r, c])
                parent[r, c:c + len(rest)] = head_seg
                sees[r, c:c + len(rest)] = n
                place[k] = (r, c - n)
                c += len(rest)
        q = torch.arange(width)
        visible = ((seg[:, :, None] == seg[:, None, :]) & (q[None, :, None] >= q[None, None, :])) | (
            (parent[:, :, None] == seg[:, None, :]) & (pos[:, None, :] < sees[:, :, None]))
        masks = {"full_attention": visible}
        window = getattr(self.model.config, "sliding_window", None)
        if window:
            masks["sliding_attention"] = visible & (pos[:, :, None] - pos[:, None, :] < window)
        if getattr(self.model.config, "_attn_implementation", "sdpa") == "eager":  # additive float masks
            low = torch.finfo(torch.float32).min
            masks = {k: torch.zeros(m.shape).masked_fill(~m, low) for k, m in masks.items()}
        masks = {k: m[:, None].to(self.device) for k, m in masks.items()}
        types = set(getattr(self.model.config, "layer_types", None) or ())
        mask = masks if "sliding_attention" in types else masks["full_attention"]
        hidden = self.model.model(input_ids=ids.to(self.device), position_ids=pos.to(self.device),
                                  attention_mask=mask, use_cache=False).last_hidden_state
        return hidden, place

    def _batches(self, units: list[tuple[int, list]], items: list[_Item]):
        """Units grouped into batches of at most ``token_budget`` tokens (one big matrix product is
        much faster than several small ones on a CPU; ``_hidden`` packs a batch without padding)."""
        def cost(unit):
            h, kids = unit
            return len(items[h].ids) + sum(len(items[k].ids) - n for k, n in kids)

        batch: list = []
        used = 0
        for unit in sorted(units, key=cost):
            if batch and used + cost(unit) > self.token_budget:
                yield batch
                batch, used = [], 0
            batch.append(unit)
            used += cost(unit)
        if batch:
            yield batch

    def _forward(self, items: list[_Item], topk: int = 0, select=None, units: list[tuple[int, list]] | None = None):
        """Per item, the log-probability of each scored token; with ``topk``, also the k likeliest
        tokens at each position.  ``select`` (per item, a function from its log-probs to the token
        indices that need them, see ``_surprising_words``) limits the top k to those positions."""
        import torch

        with torch.inference_mode():
            hidden, place = self._hidden(items, units)
            rows, at, target = [], [], []
            for it, (row, off) in zip(items, place):
                for p in range(it.first, len(it.ids)):
                    rows.append(row)
                    at.append(off + p - 1)  # the state that predicts token p
                    target.append(it.ids[p])
            if not rows:
                empty = [[] for _ in items]
                return (empty, [[] for _ in items]) if topk else empty
            h = hidden[torch.tensor(rows).to(self.device), torch.tensor(at).to(self.device)]
            target_t = torch.tensor(target).to(self.device)
            blocks = self._blocks(it.ids for it in items)
            lp, top_v, top_i, norm, block_max = self._head(h, target_t, blocks, 0 if select else topk,
                                                            block_max=bool(topk and select))
            flat = lp.cpu().tolist()
            spans, k = [], 0
            for it in items:
                spans.append((k, k + len(it.ids) - it.first))
                k = spans[-1][1]
            tops: list = [((), ())] * len(flat)
            if topk and select:
                wanted = [k0 + j for (k0, k1), sel in zip(spans, select) for j in sel(flat[k0:k1])]
                if wanted:
                    w = torch.tensor(wanted).to(self.device)
                    top_v, top_i = self._top_rows(h[w], norm[w], block_max[w], blocks, topk)
                    for j, ti, tv in zip(wanted, top_i.cpu().tolist(), top_v.cpu().tolist()):
                        tops[j] = (ti, tv)
            elif topk:
                tops = list(zip(top_i.cpu().tolist(), top_v.cpu().tolist()))
        skip = {k: n for _, kids in (units or []) for k, n in kids}  # what a child reads from its head
        self.tokens_scored += sum(len(it.ids) - skip.get(i, 0) for i, it in enumerate(items))
        out = [flat[k0:k1] for k0, k1 in spans]
        top_out = [[list(zip(*tops[j])) for j in range(k0, k1)] if topk else [] for k0, k1 in spans]
        return (out, top_out) if topk else out

    def _blocks(self, id_lists) -> list[tuple[int, int]]:
        """The vocabulary blocks (start, end) the output layer covers for a batch: the scripts kept
        for it (``VocabOrder.spans``), cut into pieces of ``HEAD_VOCAB``."""
        ids = {i for ids in id_lists for i in ids}
        return [(v, min(v + HEAD_VOCAB, hi)) for lo, hi in self.vocab.spans(ids) for v in range(lo, hi, HEAD_VOCAB)]

    def _rows(self, h):
        """Hidden states as the output layer reads them: with the int8 layer, each row quantised to
        int8 with its own scale (per row, so one outlier position costs no other its precision)."""
        if self._qweight is None:
            return h
        import torch

        scale = h.abs().amax(dim=1, keepdim=True).clamp_min(1e-12) / 127
        return torch.round(h / scale).to(torch.int8), scale

    def _logits(self, rows, block: tuple[int, int]):
        """Logits of one vocabulary block for ``_rows(h)`` (softcapped as the model does)."""
        import torch

        v, end = block
        bias = getattr(self.model.lm_head, "bias", None)
        if self._qweight is None:
            logits = torch.nn.functional.linear(rows, self.model.lm_head.weight[v:end],
                                                None if bias is None else bias[v:end]).float()
        else:
            hq, scale = rows
            logits = torch._int_mm(hq, self._qweight[v:end].t()).float().mul_(scale).mul_(self._qscale[v:end])
            if bias is not None:
                logits += bias[v:end]
        if self.softcap:
            logits = torch.tanh(logits / self.softcap) * self.softcap
        return logits

    def _head(self, h, target, blocks: list[tuple[int, int]], topk: int = 0, block_max: bool = False):
        """Log-probability of each target token (and the k likeliest tokens) from the last hidden states;
        also each row's normaliser and, with ``block_max``, its largest logit in every vocabulary block
        (for ``_top_rows``).

        The output layer is walked in vocabulary blocks with a running log-sum-exp, so each
        block of logits is normalised while it is still in the CPU cache: taking log-softmax
        over whole 262k-wide rows spent as long reading and writing memory as the matrix
        product itself.
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
        return (torch.cat(lps), torch.cat(tvs) if topk else None, torch.cat(tis) if topk else None,
                torch.cat(norms), torch.cat(maxes) if block_max else None)

    def _top_rows(self, h, norm, block_max, blocks: list[tuple[int, int]], k: int):
        """The k likeliest tokens (log-prob, id) of some rows, from their normalisers and block maxima
        (as ``_head`` returned them for the same ``blocks``).

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


def _pack(lengths: list[int], width: int) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Items packed end to end into as few rows of about ``width`` tokens as their total needs, rows
    balanced (longest item first, into the emptiest row) so little padding is left; per item its
    (row, start column).  Every row is padded to the longest, so an item longer than ``width``
    widens them all, and they are filled to its length."""
    width = max([width, *lengths])
    n_rows = max(1, min(len(lengths), -(-sum(lengths) // width)))
    rows: list[list[int]] = [[] for _ in range(n_rows)]
    used = [0] * n_rows
    place: list[tuple[int, int]] = [(0, 0)] * len(lengths)
    for i in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        r = min(range(n_rows), key=used.__getitem__)
        place[i] = (r, used[r])
        rows[r].append(i)
        used[r] += lengths[i]
    return rows, place


def _surprising_words(text: str, offsets: list[tuple[int, int]], threshold: float):
    """A selector for ``_forward``: in every word (a run between spaces) whose tokens' surprisal adds
    up to ``threshold`` or more, the tokens where a word starts (a letter or digit after a
    non-alphanumeric character), which is where callers read proposals.  Any word a caller cuts
    out of such a run is no more surprising than the run, so none is missed."""
    groups: list[list[int]] = []
    starts: set[int] = set()
    for j, (s, e) in enumerate(offsets):
        if not groups or s == 0 or text[s:s + 1].isspace() or text[s - 1:s].isspace():
            groups.append([])
        groups[-1].append(j)
        if any(text[p].isalnum() and (p == 0 or not text[p - 1].isalnum()) for p in range(s, e)):
            starts.add(j)

    def select(lps: list[float]) -> list[int]:
        return [j for g in groups if -sum(lps[j] for j in g) >= threshold for j in g if j in starts]
    return select


def _every_position(lps: list[float]) -> range:
    return range(len(lps))


def _no_position(lps: list[float]) -> list[int]:
    return []


def _shared_prefix(items: list[_Item], head_first: bool = True) -> int:
    """Tokens all items start with, stopping short of the first scored token of each (its
    predecessor's state must come out of the pass that scores it); with ``head_first=False`` the
    first item is a head whose own scored tokens do not limit the count."""
    limit = items if head_first else items[1:]
    n = min(it.first for it in limit) - 1
    ref = items[0].ids
    for it in items[1:]:
        k = 0
        while k < n and k < len(ref) and it.ids[k] == ref[k]:
            k += 1
        n = k
    return max(n, 0)


def load_timed(card: ModelCard, device: str = "auto", quiet: bool = False) -> tuple[CausalLM, float]:
    t = time.perf_counter()
    lm = CausalLM.load(card, device, quiet=quiet)
    return lm, time.perf_counter() - t
