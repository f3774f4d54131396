"""A causal language model that scores text: per-token log-probabilities, sums, proposals.

Only the positions a caller asks about go through the output layer (for the
default model that layer is 170M of its 268M parameters), and log-softmax is
taken in chunks, so scoring a paragraph never materialises a
tokens x 262k-vocabulary matrix for the context.
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
        """Last hidden states and the padded ids of a batch (right-padded: positions are the items' own).

        With ``shared`` (per item, the length of a prefix it shares with its neighbours in
        ``items``) each distinct prefix is run once, left-padded, and its keys and values are
        handed to every item that has it; row r of the hidden states then starts at the
        item's ``shared[r]``-th token.  Left padding only shifts a row's positions, which
        rotary position embeddings do not see.
        """
        import torch

        width = max(len(it.ids) for it in items)
        pad = self.tok.pad_token_id if self.tok.pad_token_id is not None else 0
        ids = torch.full((len(items), width), pad, dtype=torch.long)
        mask = torch.zeros((len(items), width), dtype=torch.long)
        for r, it in enumerate(items):
            ids[r, :len(it.ids)] = torch.tensor(it.ids)
            mask[r, :len(it.ids)] = 1
        body = self.model.model
        if not shared:
            hidden = body(input_ids=ids.to(self.device), attention_mask=mask.to(self.device)).last_hidden_state
            return hidden, ids
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
        rows = torch.tensor(row_of)
        cache.batch_select_indices(rows.to(self.device))
        s_width = max(len(it.ids) - n for it, n in zip(items, shared))
        s_ids = torch.full((len(items), s_width), pad, dtype=torch.long)
        s_mask = torch.zeros((len(items), p_len + s_width), dtype=torch.long)
        s_mask[:, :p_len] = p_mask[rows]
        for r, (it, n) in enumerate(zip(items, shared)):
            s_ids[r, :len(it.ids) - n] = torch.tensor(it.ids[n:])
            s_mask[r, p_len:p_len + len(it.ids) - n] = 1
        hidden = body(input_ids=s_ids.to(self.device), attention_mask=s_mask.to(self.device), cache=cache,
                      use_cache=True).last_hidden_state
        return hidden, ids

    def _logits(self, h):
        import torch

        logits = self.model.lm_head(h).float()
        if self.softcap:
            logits = torch.tanh(logits / self.softcap) * self.softcap
        return logits

    def alternatives(self, texts: list[str], contexts: list[str] | None = None, k: int = 8
                     ) -> list[list[tuple[int, int, float, list[tuple[str, float]]]]]:
        """Like ``token_logprobs``, plus the model's k likeliest tokens at each position (text, log-prob).

        One pass gives both the surprisal of what is written and what the model
        would have written instead.
        """
        contexts = contexts or [""] * len(texts)
        items = [self._encode(t, c) for t, c in zip(texts, contexts)]
        out: list = [None] * len(items)
        for batch in self._batches(range(len(items)), items):
            lps, tops = self._forward([items[i] for i in batch], topk=k)
            for i, lp, top in zip(batch, lps, tops):
                out[i] = [(s, e, l, [(self.tok.decode([t]), v) for t, v in tt])
                          for (s, e), l, tt in zip(items[i].offsets, lp, top)]
        return out

    def _batches(self, indices, items):
        """Indices grouped shortest first into batches of at most ``token_budget`` padded tokens
        (one big matrix product is much faster than several small ones on a CPU)."""
        batch: list[int] = []
        for i in sorted(indices, key=lambda i: len(items[i].ids)):
            if batch and (len(batch) + 1) * len(items[i].ids) > self.token_budget:
                yield batch
                batch = []
            batch.append(i)
        if batch:
            yield batch

    def _forward(self, items: list[_Item], topk: int = 0, shared: list[int] | None = None):
        import torch

        with torch.inference_mode():
            hidden, ids = self._hidden(items, shared)
            skip = shared or [0] * len(items)
            rows, cols, at = [], [], []
            for r, it in enumerate(items):
                for p in range(it.first, len(it.ids)):
                    rows.append(r)
                    cols.append(p)
                    at.append(p - 1 - skip[r])  # where the state that predicts token p is in ``hidden``
            if not rows:
                empty = [[] for _ in items]
                return (empty, [[] for _ in items]) if topk else empty
            r_t = torch.tensor(rows)
            c_t = torch.tensor(cols)
            h = hidden[r_t.to(self.device), torch.tensor(at).to(self.device)]
            target = ids[r_t, c_t].to(self.device)
            lps, tops = [], []
            for k in range(0, len(rows), 256):  # chunks keep the vocabulary-wide matrix small
                logits = self._logits(h[k:k + 256])
                norm = torch.logsumexp(logits, dim=1)
                lps.append(logits.gather(1, target[k:k + 256, None])[:, 0] - norm)
                if topk:
                    t = torch.topk(logits, topk, dim=1)
                    tops.extend(zip(t.indices.cpu().tolist(), (t.values - norm[:, None]).cpu().tolist()))
            flat = torch.cat(lps).cpu().tolist()
        self.tokens_scored += sum(len(it.ids) - n for it, n in zip(items, skip)) + sum(
            len(h) for h in {tuple(it.ids[:n]) for it, n in zip(items, skip) if n})  # a shared prefix once
        out, top_out, k = [], [], 0
        for it in items:
            n = len(it.ids) - it.first
            out.append(flat[k:k + n])
            top_out.append([list(zip(*tops[j])) for j in range(k, k + n)] if topk else [])
            k += n
        return (out, top_out) if topk else out


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
