"""A causal language model that scores text: per-token log-probabilities, sums, proposals.

``CausalLM`` keeps a queue of requests and scores everything queued in one pass, whichever
call makes it: every pass reads all the weights at least once (about 0.3 s on a 2-core CPU),
so rules declare their work ahead and the paragraph pass and the rescoring of rewrites
share one.  Where the time of a pass goes, and what keeps it down (default model, 2 CPU cores):
- the output layer is 170M of the model's 268M parameters: only the positions a caller asks
  about go through it, in blocks of vocabulary normalised while they are still in the CPU
  cache, in int8 on a CPU, and the top-k proposals only where asked (``head``);
- texts are packed end to end into rows (positions restart per text, an explicit attention
  mask keeps them apart), so no forward pass is spent on padding (``plan``);
- the vocabulary is renumbered by script (``vocab``), so the output layer only covers the
  scripts a batch is written in (a third less work for English);
- rewrites scored after one context read that context once, in the same packed row, and when
  the context opens a paragraph scored in the same pass they read the paragraph's own tokens
  (``plan.plan_pass``).
``load.load_model`` builds one from a model card.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .cards import ModelCard
from .head import OutputLayer
from .plan import (Child, Item, Plan, Selector, Unit, batches, every_position, layout, no_position, plan_pass,
                   scored_positions, surprising_words)
from .request import Request, TokenLP, TokenStates
from .vocab import VocabOrder


class Scored(NamedTuple):
    """What one forward pass gives, per item in the order given."""
    logprobs: list[list[float]]  # per scored token
    proposals: list[list[list[tuple[int, float]]]]  # per scored token, (id, log-prob) of the k likeliest; [] without
    states: list  # per item asked for them: a float32 array, one row per scored token (the state at it); else None


class CausalLM:
    """Scoring interface over a transformers causal LM (``tqcheck.lm.LanguageModel``).

    Every id inside this class is a renumbered one (``vocab``): ``_encode`` maps the
    tokenizer's ids in and ``_decode`` maps them back out."""

    def __init__(self, card: ModelCard, model, tokenizer, vocab: VocabOrder, output: OutputLayer, device: str,
                 max_context_tokens: int = 384, token_budget: int = 4096):
        self.card = card
        self.model = model  # its embedding and output rows already renumbered (``load.renumber``)
        self.tok = tokenizer
        self.vocab = vocab
        self.output = output
        self.device = device
        self.max_context_tokens = max_context_tokens
        self.token_budget = token_budget  # tokens per forward batch
        self.vocab_size = len(vocab.order)
        start = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
        self.start_id = vocab.inv[int(start)]
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        self.pad_id = vocab.inv[int(pad)]
        # Results by request: token scores stay until ``forget``; proposals (bulky) until handed over.
        self._memo: dict[Request, list] = {}
        self._queue: dict[Request, None] = {}  # what ``prefetch`` queued, in order (an ordered set)
        self.tokens_scored = 0
        self.set_head("auto")

    @property
    def head_precision(self) -> str:
        """The output layer's precision: "int8" or "fp32"."""
        return self.output.precision

    def set_head(self, head: str = "auto") -> None:
        """The output layer's precision: "int8" or "fp32"; "auto" is int8 on a CPU and fp32 on a GPU
        (``OutputLayer.set_precision``).  Scores kept in memory are dropped when it changes."""
        if self.output.set_precision(head):
            self.forget()

    # -- encoding ------------------------------------------------------------------------------------
    def _encode(self, text: str, context: str) -> Item:
        full = context + text
        enc = self.tok(full, add_special_tokens=False, return_offsets_mapping=True)
        ids, offs = [self.vocab.inv[i] for i in enc["input_ids"]], list(enc["offset_mapping"])
        if ids and ids[0] == self.start_id:  # some tokenizers add BOS anyway
            ids, offs = ids[1:], offs[1:]
        b = len(context)
        first = next((i for i, (_, e) in enumerate(offs) if e > b), len(ids))
        lo = max(0, first - self.max_context_tokens)
        scored = [(max(s - b, 0), e - b) for s, e in offs[first:]]
        return Item([self.start_id] + ids[lo:], 1 + first - lo, scored)

    def _decode(self, new_id: int) -> str:
        return self.tok.decode([self.vocab.order[new_id]])

    # -- scoring -------------------------------------------------------------------------------------
    def score(self, texts: list[str], contexts: list[str] | None = None) -> list[float]:
        """Total natural-log probability of each text given its left context."""
        return [sum(lp for _, _, lp in toks) for toks in self.token_logprobs(texts, contexts)]

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
        return [self._memo[Request.tokens(c, t)] for c, t in zip(contexts, texts)]

    def alternatives(self, texts: list[str], contexts: list[str] | None = None, k: int = 8,
                     min_surprisal: float | None = None, layers: tuple[int, ...] = ()) -> list[TokenStates]:
        """Like ``token_logprobs``, plus the model's k likeliest tokens at each position (text, log-prob).

        One pass gives both the surprisal of what is written and what the model
        would have written instead.  With ``min_surprisal``, the proposals are
        worked out only where a word starts inside runs between spaces at least
        that surprising, and are empty elsewhere: finding the top k means more
        work in the 262k-word output layer, wasted on the unremarkable words a
        caller never looks at.  With ``layers``, each result also carries the model's hidden states at
        its tokens from those layers (``TokenStates.states``), from the same pass.
        """
        contexts = contexts or [""] * len(texts)
        self.prefetch(texts, contexts, k=k, min_surprisal=min_surprisal, proposals=True, layers=layers)
        self._flush()
        requests = [Request.alternatives(c, t, k, min_surprisal, layers) for c, t in zip(contexts, texts)]
        out = [self._memo[r] for r in requests]
        for r in set(requests):  # handed over: proposals are bulky, and callers keep what they read
            del self._memo[r]
        return out

    def continuations(self, contexts: list[str], beams: int = 4, steps: int = 6) -> list[list[tuple[str, float]]]:
        """Per context, the ``beams`` likeliest continuations of up to ``steps`` tokens, as (text,
        log-probability), likeliest first (``generate``: a beam search over all the contexts at once)."""
        from .generate import continuations

        return [[(c.text, c.logprob) for c in found] for found in continuations(self, contexts, beams, steps)]

    def prefetch(self, texts: list[str], contexts: list[str] | None = None, k: int = 8,
                 min_surprisal: float | None = None, proposals: bool = False, layers: tuple[int, ...] = ()) -> None:
        """Queue texts for ``token_logprobs`` (or, with ``proposals``, for ``alternatives`` with the same
        ``k`` and ``min_surprisal``): everything queued is scored in the model's next pass, whichever
        call makes it, and kept for the caller who asks (rules declare their work in ``Rule.prepare``)."""
        contexts = contexts or [""] * len(texts)
        for c, t in zip(contexts, texts):
            request = Request.alternatives(c, t, k, min_surprisal, layers) if proposals else Request.tokens(c, t)
            if request not in self._memo:
                self._queue[request] = None

    def forget(self) -> None:
        """Drop every score kept in memory (benchmarks and tests that time or compare fresh passes)."""
        self._memo.clear()
        self._queue.clear()

    def _flush(self) -> None:
        """Score everything queued in one run of batches and keep the results."""
        queued = [r for r in self._queue if r not in self._memo]
        self._queue.clear()
        if not queued:
            return
        alt = [r for r in queued if r.proposals]
        covered = {r.without_proposals() for r in alt}  # an alternatives pass gives the token scores too
        tok = [r for r in queued if not r.proposals and r not in covered]
        requests = alt + tok
        items = [self._encode(r.text, r.context) for r in requests]
        select: list[Selector] | None = None
        if alt:
            select = [every_position if r.min_surprisal is None else surprising_words(r.text, it.offsets, r.min_surprisal)
                      for r, it in zip(alt, items)] + [no_position] * len(tok)
        plan = plan_pass(items, [r.context for r in requests], [r.text for r in requests],
                         plain=set(range(len(alt), len(requests))))
        topk = max((r.k for r in alt), default=0)
        layers = tuple(sorted({n for r in alt for n in r.layers}))
        lps, tops, states = self._run(plan, select, topk, [bool(r.layers) for r in alt], layers)
        for i, h in plan.inside.items():  # read off the paragraph that contains them (see ``plan_pass``)
            lps[i] = lps[h][items[i].first - items[h].first:len(items[i].ids) - items[h].first]
        for r, item, lp, top, st in zip(alt, items, lps, tops, states):
            out = TokenStates((s, e, l, [(self._decode(i), v) for i, v in tt][:r.k])
                              for (s, e), l, tt in zip(item.offsets, lp, top))
            if r.layers and st is None:  # nothing scored (an empty text)
                out.states = np.zeros((0, 0), dtype=np.float32)
            elif r.layers:  # the layers this request asked for, out of those the pass gathered
                width = st.shape[1] // len(layers)
                out.states = st[:, [c for n in r.layers for c in range(layers.index(n) * width,
                                                                          (layers.index(n) + 1) * width)]]
            self._memo[r] = out
            self._remember(r.without_proposals(), item, lp)
        for r, item, lp in zip(tok, items[len(alt):], lps[len(alt):]):
            self._remember(r, item, lp)

    def _remember(self, request: Request, item: Item, lps: list[float]) -> None:
        self._memo[request] = [(s, e, lp) for (s, e), lp in zip(item.offsets, lps)]

    def _run(self, plan: Plan, select: list[Selector] | None, topk: int, want: list[bool] = (),
             layers: tuple[int, ...] = ()):
        """Every unit of the plan through the model in token-budgeted batches: per item (of
        ``plan.items``) its log-probs, (with ``topk``) its proposals and (where ``want``, with
        ``layers``) its hidden states; ``select`` and ``want`` as in ``_forward``, one per item asked
        for (the heads the plan added get none)."""
        items = plan.items
        lps: list = [None] * len(items)
        tops: list = [[] for _ in items]
        states: list = [None] * len(items)
        for batch in batches(plan.units, items, self.token_budget):
            local = [i for unit in batch for i in [unit.head] + [k for k, _ in unit.children]]
            where = {i: j for j, i in enumerate(local)}
            units = [Unit(where[u.head], [Child(where[k], n) for k, n in u.children]) for u in batch]
            chosen = [select[i] if i < len(select) else no_position for i in local] if select else None
            wanted = [i < len(want) and want[i] for i in local] if layers else None
            scored = self._forward([items[i] for i in local], topk=topk, select=chosen, units=units,
                                   want=wanted, layers=layers)
            for i, lp, top, st in zip(local, scored.logprobs, scored.proposals, scored.states):
                lps[i], tops[i], states[i] = lp, top, st
        return lps, tops, states

    # -- the forward pass ----------------------------------------------------------------------------
    def _hidden(self, items: list[Item], units: list[Unit] | None = None, layers: tuple[int, ...] = ()):
        """Last hidden states of a batch, and per item the (row, offset) at which its position p sits
        in them: the state after token p of item i is ``hidden[row, offset + p]`` (for a child, only
        from the end of what it shares with its head on).

        The batch is packed into rows by ``plan.layout``; an explicit attention mask says who sees
        whom: every column its own segment and what came before it there, a child also its head's
        first n tokens (and, for sliding-window layers, only so far back).  With ``layers``, also
        the states after those layers (1-based; the last layer's is the final, normalised state), in a
        list in that order.
        """
        import torch

        lay = layout(items, units, self.pad_id)
        ids = torch.tensor(lay.ids, dtype=torch.long)
        pos = torch.tensor(lay.pos, dtype=torch.long)
        seg = torch.tensor(lay.seg, dtype=torch.long)
        parent = torch.tensor(lay.parent, dtype=torch.long)
        sees = torch.tensor(lay.sees, dtype=torch.long)
        q = torch.arange(ids.shape[1])
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
        caught: dict[int, object] = {}
        blocks = self.model.model.layers
        hooks = [blocks[n - 1].register_forward_hook(
            lambda _m, _in, out, n=n: caught.__setitem__(n, out[0] if isinstance(out, tuple) else out))
            for n in layers if n < len(blocks)]
        try:
            hidden = self.model.model(input_ids=ids.to(self.device), position_ids=pos.to(self.device),
                                      attention_mask=mask, use_cache=False).last_hidden_state
        finally:
            for h in hooks:
                h.remove()
        if layers:
            return hidden, lay.place, [hidden if n >= len(blocks) else caught[n] for n in layers]
        return hidden, lay.place

    def _forward(self, items: list[Item], topk: int = 0, select: list[Selector] | None = None,
                 units: list[Unit] | None = None, want: list[bool] | None = None,
                 layers: tuple[int, ...] = ()) -> Scored:
        """Per item, the log-probability of each scored token; with ``topk``, also the k likeliest
        tokens at each position.  ``select`` (per item, a function from its log-probs to the token
        indices that need them, see ``plan.surprising_words``) limits the top k to those positions.
        Where ``want`` is true for an item, its hidden states from ``layers`` at each scored token (the
        state after the token itself, where the log-probability reads the state before it)."""
        import torch

        with torch.inference_mode():
            layered = None
            if want and any(want) and layers:
                hidden, place, layered = self._hidden(items, units, layers)
            else:
                hidden, place = self._hidden(items, units)
            rows, cols, targets, spans = scored_positions(items, place)
            if not rows:
                return Scored([[] for _ in items], [[] for _ in items], [None] * len(items))
            states: list = [None] * len(items)
            if layered is not None:
                for i, (a, b) in enumerate(spans):
                    if want[i] and b > a:
                        r = torch.tensor(rows[a:b]).to(self.device)
                        c = torch.tensor(cols[a:b]).to(self.device) + 1
                        states[i] = torch.cat([h[r, c] for h in layered], dim=-1).float().cpu().numpy()
            h = hidden[torch.tensor(rows).to(self.device), torch.tensor(cols).to(self.device)]
            target = torch.tensor(targets).to(self.device)
            blocks = self.output.blocks(it.ids for it in items)
            # With a selection, the top k comes from a second, block-wise look at the chosen rows only.
            normed = self.output.logprobs(h, target, blocks, 0 if select else topk, block_max=bool(topk and select))
            flat = normed.logprobs.cpu().tolist()
            tops: list = [((), ())] * len(flat)
            if topk and select:
                wanted = [a + j for (a, b), sel in zip(spans, select) for j in sel(flat[a:b])]
                if wanted:
                    w = torch.tensor(wanted).to(self.device)
                    top_v, top_i = self.output.top_rows(h[w], normed.norm[w], normed.block_max[w], blocks, topk)
                    for j, ti, tv in zip(wanted, top_i.cpu().tolist(), top_v.cpu().tolist()):
                        tops[j] = (ti, tv)
            elif topk:
                tops = list(zip(normed.top_ids.cpu().tolist(), normed.top_values.cpu().tolist()))
        skip = {k: n for _, kids in (units or []) for k, n in kids}  # what a child reads from its head
        self.tokens_scored += sum(len(it.ids) - skip.get(i, 0) for i, it in enumerate(items))
        return Scored([flat[a:b] for a, b in spans],
                      [[list(zip(*tops[j])) for j in range(a, b)] if topk else [] for a, b in spans], states)
