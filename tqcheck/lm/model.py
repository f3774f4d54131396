"""A causal language model that scores text: per-token log-probabilities, sums, proposals.

Where the time goes, and what keeps it down (default model, 2 CPU cores):
- the output layer is 170M of the model's 268M parameters: only the positions a
  caller asks about go through it, in blocks of vocabulary normalised while
  they are still in the CPU cache, and the top-k proposals only where asked;
- texts are packed end to end into rows (positions restart per text), so no
  forward pass is spent on padding;
- rewrites scored after one context read that context once (``MIN_SHARED_TOKENS``).
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from ..errors import TqcheckError
from . import store
from .cards import ModelCard

TokenLP = tuple[int, int, float]  # (start, end) in the scored text, natural-log probability
# Texts scored after one context (rewrites of one span) share its tokens: they are read once when at
# least this many.  The context is most of the input of a rescoring pass (a 45-130-token context, a
# 10-20-token rewrite): on the seed article this cut rescoring from 11.1 s to 6.9 s.
MIN_SHARED_TOKENS = 8
# Items are packed into rows of about this many tokens: no padding to the longest item, and the
# attention over a packed row (most of it masked) stays a small part of the cost.
ROW_TOKENS = 512
# The output layer is applied to this many positions at a time, this many vocabulary entries at a
# time: a 512 x 8192 block of logits (16 MB) stays in the CPU cache while it is normalised.
HEAD_ROWS = 512
HEAD_VOCAB = 8192


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
                 token_budget: int = 4096):
        self.card = card
        self.model = model
        self.tok = tokenizer
        self.device = device
        self.max_context_tokens = max_context_tokens
        self.token_budget = token_budget  # padded tokens per forward batch
        start = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
        self.start_id = int(start)
        self.softcap = getattr(model.config, "final_logit_softcapping", None)
        self._memo: dict[tuple[str, str], list[TokenLP]] = {}
        self.tokens_scored = 0

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
        return cls(card, model, tok, device)

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
        ids, offs = list(enc["input_ids"]), list(enc["offset_mapping"])
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
        boundary (a leading space) is counted to the text.
        """
        contexts = contexts or [""] * len(texts)
        if len(contexts) != len(texts):
            raise ValueError("texts and contexts differ in length")
        out: list[list[TokenLP] | None] = [None] * len(texts)
        todo: list[int] = []
        for i, key in enumerate(zip(contexts, texts)):
            hit = self._memo.get(key)
            if hit is not None:
                out[i] = hit
            else:
                todo.append(i)
        items = {i: self._encode(texts[i], contexts[i]) for i in todo}
        window = getattr(self.model.config, "sliding_window", None) or 10 ** 9
        groups: dict[str, list[int]] = {}
        for i in todo:
            groups.setdefault(contexts[i], []).append(i)
        shared: dict[int, int] = {}
        for members in groups.values():
            n = _shared_prefix([items[i] for i in members]) if len(members) > 1 else 0
            # Within one attention window, so a left-padded prefix sees exactly what the full pass would.
            if n >= MIN_SHARED_TOKENS and all(len(items[i].ids) <= window for i in members):
                shared.update((i, n) for i in members)
        alone = [i for i in todo if i not in shared]
        for batch in self._batches(alone, items):
            for j, lps in zip(batch, self._forward([items[j] for j in batch])):
                self._store(out, j, items[j], lps, contexts, texts)
        # Items of one context stay together (sorted by context), so each prefix is read once.
        ordered = sorted(shared, key=lambda i: (contexts[i], i))
        batch, cost = [], 0
        for i in ordered + [None]:
            # An item costs its own tokens and a share of its prefix (about 4 rewrites share one).
            extra = 0 if i is None else len(items[i].ids) - shared[i] + shared[i] // 4
            if batch and (i is None or cost + extra > self.token_budget // 2):
                for j, lps in zip(batch, self._forward([items[j] for j in batch], shared=[shared[j] for j in batch])):
                    self._store(out, j, items[j], lps, contexts, texts)
                batch, cost = [], 0
            if i is not None:
                batch.append(i)
                cost += extra
        return out  # type: ignore[return-value]

    def _store(self, out, j, item, lps, contexts, texts) -> None:
        out[j] = [(s, e, lp) for (s, e), lp in zip(item.offsets, lps)]
        self._memo[(contexts[j], texts[j])] = out[j]

    def score(self, texts: list[str], contexts: list[str] | None = None) -> list[float]:
        """Total natural-log probability of each text given its left context."""
        return [sum(lp for _, _, lp in toks) for toks in self.token_logprobs(texts, contexts)]

    def _hidden(self, items: list[_Item], shared: list[int] | None = None):
        """Last hidden states of a batch, and per item the (row, offset) at which its position p sits
        in them: the state after token p of item i is ``hidden[row, offset + p]``.

        Without ``shared``, items are packed end to end into rows of about ``ROW_TOKENS`` (no
        padding to the longest item); positions restart at each item, which the model reads as
        separate sequences (a block-diagonal causal mask), so each item sees only itself.

        With ``shared`` (per item, the length of a prefix it shares with its neighbours in
        ``items``) each distinct prefix is run once, left-padded, and its keys and values are
        handed to every item that has it; row r of the hidden states then starts at the
        item's ``shared[r]``-th token.  Left padding only shifts a row's positions, which
        rotary position embeddings do not see.
        """
        import torch

        pad = self.tok.pad_token_id if self.tok.pad_token_id is not None else 0
        body = self.model.model
        if not shared:
            rows, place = _pack([len(it.ids) for it in items], ROW_TOKENS)
            width = max(sum(len(items[i].ids) for i in row) for row in rows)
            ids = torch.full((len(rows), width), pad, dtype=torch.long)
            pos = torch.zeros((len(rows), width), dtype=torch.long)
            for r, row in enumerate(rows):
                at = 0
                for i in row:
                    n = len(items[i].ids)
                    ids[r, at:at + n] = torch.tensor(items[i].ids)
                    pos[r, at:at + n] = torch.arange(n)
                    at += n
                # Padding continues the last item's positions: it comes after everything real, so
                # the causal mask keeps it out of every real token's view.
                pos[r, at:] = torch.arange(pos[r, at - 1] + 1, pos[r, at - 1] + 1 + width - at)
            hidden = body(input_ids=ids.to(self.device), position_ids=pos.to(self.device),
                          use_cache=False).last_hidden_state
            return hidden, place
        heads, row_of = [], []
        for r, (it, n) in enumerate(zip(items, shared)):
            key = tuple(it.ids[:n])
            if not heads or heads[-1] != key:
                heads.append(key)
            row_of.append(len(heads) - 1)
        p_len = max(len(h) for h in heads)
        p_ids = torch.full((len(heads), p_len), pad, dtype=torch.long)
        p_mask = torch.zeros((len(heads), p_len), dtype=torch.long)
        for g, h in enumerate(heads):
            p_ids[g, p_len - len(h):] = torch.tensor(h)
            p_mask[g, p_len - len(h):] = 1
        cache = body(input_ids=p_ids.to(self.device), attention_mask=p_mask.to(self.device), use_cache=True).cache
        rows_t = torch.tensor(row_of)
        cache.batch_select_indices(rows_t.to(self.device))
        s_width = max(len(it.ids) - n for it, n in zip(items, shared))
        s_ids = torch.full((len(items), s_width), pad, dtype=torch.long)
        s_mask = torch.zeros((len(items), p_len + s_width), dtype=torch.long)
        s_mask[:, :p_len] = p_mask[rows_t]
        for r, (it, n) in enumerate(zip(items, shared)):
            s_ids[r, :len(it.ids) - n] = torch.tensor(it.ids[n:])
            s_mask[r, p_len:p_len + len(it.ids) - n] = 1
        hidden = body(input_ids=s_ids.to(self.device), attention_mask=s_mask.to(self.device), cache=cache,
                      use_cache=True).last_hidden_state
        return hidden, [(r, -n) for r, n in enumerate(shared)]

    def alternatives(self, texts: list[str], contexts: list[str] | None = None, k: int = 8,
                     min_surprisal: float | None = None
                     ) -> list[list[tuple[int, int, float, list[tuple[str, float]]]]]:
        """Like ``token_logprobs``, plus the model's k likeliest tokens at each position (text, log-prob).

        One pass gives both the surprisal of what is written and what the model
        would have written instead.  With ``min_surprisal``, the proposals are
        worked out only inside words (runs between spaces) at least that
        surprising, and are empty elsewhere: finding the top k means a second
        walk over the 262k-word output layer, which is wasted on the
        unremarkable words a caller never looks at.
        """
        contexts = contexts or [""] * len(texts)
        items = [self._encode(t, c) for t, c in zip(texts, contexts)]
        out: list = [None] * len(items)
        for batch in self._batches(range(len(items)), items):
            select = None
            if min_surprisal is not None:
                select = [_surprising_words(texts[i], items[i].offsets, min_surprisal) for i in batch]
            lps, tops = self._forward([items[i] for i in batch], topk=k, select=select)
            for i, lp, top in zip(batch, lps, tops):
                out[i] = [(s, e, l, [(self.tok.decode([t]), v) for t, v in tt])
                          for (s, e), l, tt in zip(items[i].offsets, lp, top)]
        return out

    def _batches(self, indices, items):
        """Indices grouped into batches of at most ``token_budget`` tokens (one big matrix product is
        much faster than several small ones on a CPU; ``_hidden`` packs a batch without padding)."""
        batch: list[int] = []
        used = 0
        for i in sorted(indices, key=lambda i: len(items[i].ids)):
            if batch and used + len(items[i].ids) > self.token_budget:
                yield batch
                batch, used = [], 0
            batch.append(i)
            used += len(items[i].ids)
        if batch:
            yield batch

    def _forward(self, items: list[_Item], topk: int = 0, shared: list[int] | None = None, select=None):
        """Per item, the log-probability of each scored token; with ``topk``, also the k likeliest
        tokens at each position.  ``select`` (per item, a function from its log-probs to the token
        indices that need them, see ``_surprising_words``) limits the top k to those positions."""
        import torch

        with torch.inference_mode():
            hidden, place = self._hidden(items, shared)
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
            lp, top_v, top_i = self._head(h, target_t, 0 if select else topk)
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
                    _, top_v, top_i = self._head(h[w], target_t[w], topk)
                    for j, ti, tv in zip(wanted, top_i.cpu().tolist(), top_v.cpu().tolist()):
                        tops[j] = (ti, tv)
            elif topk:
                tops = list(zip(top_i.cpu().tolist(), top_v.cpu().tolist()))
        skip = shared or [0] * len(items)
        self.tokens_scored += sum(len(it.ids) - n for it, n in zip(items, skip)) + sum(
            len(h) for h in {tuple(it.ids[:n]) for it, n in zip(items, skip) if n})  # a shared prefix once
        out = [flat[k0:k1] for k0, k1 in spans]
        top_out = [[list(zip(*tops[j])) for j in range(k0, k1)] if topk else [] for k0, k1 in spans]
        return (out, top_out) if topk else out

    def _head(self, h, target, topk: int = 0):
        """Log-probability of each target token (and the k likeliest tokens) from the last hidden states.

        The output layer is walked in vocabulary blocks with a running log-sum-exp, so each
        block of logits is normalised while it is still in the CPU cache: taking log-softmax
        over whole 262k-wide rows spent as long reading and writing memory as the matrix
        product itself.
        """
        import torch

        weight = self.model.lm_head.weight
        bias = getattr(self.model.lm_head, "bias", None)
        vocab = weight.shape[0]
        lps, tvs, tis = [], [], []
        for r in range(0, len(h), HEAD_ROWS):
            hr, tg = h[r:r + HEAD_ROWS], target[r:r + HEAD_ROWS]
            m = torch.full((len(hr),), -float("inf"), device=h.device)
            s = torch.zeros(len(hr), device=h.device)
            tl = torch.zeros(len(hr), device=h.device)
            tv = ti = None
            for v in range(0, vocab, HEAD_VOCAB):
                logits = torch.nn.functional.linear(hr, weight[v:v + HEAD_VOCAB],
                                                    None if bias is None else bias[v:v + HEAD_VOCAB]).float()
                if self.softcap:
                    logits = torch.tanh(logits / self.softcap) * self.softcap
                new_m = torch.maximum(m, logits.amax(dim=1))
                s = s * torch.exp(m - new_m) + torch.exp(logits - new_m[:, None]).sum(dim=1)
                m = new_m
                inside = (tg >= v) & (tg < v + logits.shape[1])
                if bool(inside.any()):
                    idx = inside.nonzero()[:, 0]
                    tl[idx] = logits[idx, tg[idx] - v]
                if topk:
                    bv, bi = torch.topk(logits, topk, dim=1)
                    bi = bi + v
                    if tv is not None:
                        bv, j = torch.topk(torch.cat([tv, bv], dim=1), topk, dim=1)
                        bi = torch.cat([ti, bi], dim=1).gather(1, j)
                    tv, ti = bv, bi
            norm = m + torch.log(s)
            lps.append(tl - norm)
            if topk:
                tvs.append(tv - norm[:, None])
                tis.append(ti)
        lp = torch.cat(lps)
        return (lp, torch.cat(tvs), torch.cat(tis)) if topk else (lp, None, None)


def _pack(lengths: list[int], width: int) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Items packed end to end into as few rows of about ``width`` tokens as their total needs, rows
    balanced (longest item first, into the emptiest row) so little padding is left; per item its
    (row, start column)."""
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
    """A selector for ``_forward``: the indices of the tokens of every word (a run between
    spaces) whose tokens' surprisal adds up to ``threshold`` or more.  Any word a caller cuts
    out of such a run is no more surprising than the run, so none is missed."""
    groups: list[list[int]] = []
    for j, (s, e) in enumerate(offsets):
        if not groups or s == 0 or text[s:s + 1].isspace() or text[s - 1:s].isspace():
            groups.append([])
        groups[-1].append(j)

    def select(lps: list[float]) -> list[int]:
        return [j for g in groups if -sum(lps[j] for j in g) >= threshold for j in g]
    return select


def _shared_prefix(items: list[_Item]) -> int:
    """Tokens all items start with, stopping short of the first scored token (its predecessor's
    state must come out of the pass that scores it)."""
    n = min(it.first for it in items) - 1
    ref = items[0].ids
    for it in items[1:]:
        k = 0
        while k < n and it.ids[k] == ref[k]:
            k += 1
        n = k
    return max(n, 0)


def load_timed(card: ModelCard, device: str = "auto", quiet: bool = False) -> tuple[CausalLM, float]:
    t = time.perf_counter()
    lm = CausalLM.load(card, device, quiet=quiet)
    return lm, time.perf_counter() - t
