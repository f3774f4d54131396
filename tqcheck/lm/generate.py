"""Writing on from a context: the model's likeliest continuations, by beam search, for many contexts at once.

A rewrite of a flagged span starts here: the text before the span is the context, and the beams are
what the model would have written in its place (``tqcheck.rewrite`` cuts them into candidates and
scores each with the text after the span).  The contexts are decoded together, left-padded into one
batch, with the model's key/value cache, and the output layer is the same one the scoring pass uses
(int8 on a CPU, only the vocabulary of the scripts the contexts are written in): a decoding step costs
one row per beam, not a pass over the context again.
"""
from __future__ import annotations

from typing import NamedTuple


class Continuation(NamedTuple):
    text: str  # the words written after the context (a leading space where the first token has one)
    logprob: float  # its total natural-log probability given the context
    tokens: int


def continuations(lm, contexts: list[str], beams: int = 4, steps: int = 6, max_context_tokens: int = 32
                  ) -> list[list[Continuation]]:
    """Per context, the ``beams`` likeliest continuations of ``steps`` tokens (fewer where the model ends
    the text or the line), likeliest first.  Only the last ``max_context_tokens`` tokens of a context
    are read: a rewrite depends on its sentence, and the prefix is the cost of the whole search."""
    import torch

    if not contexts:
        return []
    rows = []
    for ctx in contexts:
        enc = lm.tok(ctx, add_special_tokens=False)["input_ids"]
        ids = [lm.vocab.inv[i] for i in enc]
        if ids and ids[0] == lm.start_id:
            ids = ids[1:]
        rows.append([lm.start_id] + ids[-max_context_tokens:])
    stops = _stop_ids(lm)
    blocks = lm.output.blocks(rows)
    width = max(len(r) for r in rows)
    n = len(rows)
    with torch.inference_mode():
        ids = torch.full((n, width), lm.pad_id, dtype=torch.long)
        mask = torch.zeros((n, width), dtype=torch.long)
        for i, r in enumerate(rows):  # left-padded: every row's next token is at the last column
            ids[i, width - len(r):] = torch.tensor(r)
            mask[i, width - len(r):] = 1
        pos = (mask.cumsum(1) - 1).clamp_min(0)
        out = lm.model.model(input_ids=ids.to(lm.device), attention_mask=mask.to(lm.device),
                             position_ids=pos.to(lm.device), use_cache=True)
        cache = _cache_of(out)
        top_v, top_i = _top(lm, out.last_hidden_state[:, -1], blocks, beams)
        # Beam state per row of the batch: context index, tokens so far, score, finished.
        owner = torch.arange(n).repeat_interleave(beams)
        seqs = [[int(t)] for t in top_i.reshape(-1).tolist()]
        scores = top_v.reshape(-1).clone()
        done = torch.tensor([s[0] in stops for s in seqs])
        cache.reorder_cache(owner.to(lm.device))
        mask = mask.repeat_interleave(beams, dim=0)
        last_pos = pos[:, -1].repeat_interleave(beams)
        for _ in range(steps - 1):
            if bool(done.all()):
                break
            mask = torch.cat([mask, torch.ones((len(seqs), 1), dtype=torch.long)], dim=1)
            last_pos = last_pos + 1
            step_ids = torch.tensor([[s[-1]] for s in seqs])
            out = lm.model.model(input_ids=step_ids.to(lm.device), attention_mask=mask.to(lm.device),
                                 position_ids=last_pos[:, None].to(lm.device), use_cache=True,
                                 **{_cache_arg(lm.model.model): cache})
            cache = _cache_of(out)
            v, i = _top(lm, out.last_hidden_state[:, -1], blocks, beams)
            # A finished beam carries on unchanged: one candidate, its own score, no new token.
            v = torch.where(done[:, None], torch.tensor([0.0] + [-float("inf")] * (beams - 1)), v)
            total = (scores[:, None] + v).reshape(n, beams * beams)
            best_v, best_j = total.topk(beams, dim=1)
            parent = (torch.arange(n)[:, None] * beams + best_j // beams).reshape(-1)
            choice = best_j.reshape(-1) % beams
            new_seqs, new_done = [], []
            for p, c in zip(parent.tolist(), choice.tolist()):
                if bool(done[p]):
                    new_seqs.append(seqs[p])
                    new_done.append(True)
                else:
                    tok = int(i[p, c])
                    new_seqs.append(seqs[p] + [tok])
                    new_done.append(tok in stops)
            seqs, scores, done = new_seqs, best_v.reshape(-1), torch.tensor(new_done)
            cache.reorder_cache(parent.to(lm.device))
            mask = mask[parent]
            last_pos = last_pos[parent]
    result: list[list[Continuation]] = [[] for _ in range(n)]
    for row, (seq, score) in enumerate(zip(seqs, scores.tolist())):
        kept = [t for t in seq if t not in stops]
        text = lm.tok.decode([lm.vocab.order[t] for t in kept]) if kept else ""
        if score > -float("inf"):
            result[row // beams].append(Continuation(text, float(score), len(kept)))
    return result


def _cache_arg(module) -> str:
    """The keyword the model's forward takes its key/value cache by: ``cache`` in recent transformers,
    ``past_key_values`` before (the project allows any transformers 5)."""
    import inspect

    return "cache" if "cache" in inspect.signature(module.forward).parameters else "past_key_values"


def _cache_of(out):
    cache = getattr(out, "cache", None)
    return cache if cache is not None else out.past_key_values


def _top(lm, h, blocks, k: int):
    import torch

    normed = lm.output.logprobs(h, torch.zeros(len(h), dtype=torch.long, device=h.device), blocks, topk=k)
    return normed.top_values.float().cpu(), normed.top_ids.cpu()


def _stop_ids(lm) -> set[int]:
    """Renumbered ids that end a continuation: the end of the text, and a line break (a rewrite stays in
    its paragraph)."""
    tok = lm.tok
    out = set()
    for t in (tok.eos_token_id, tok.pad_token_id):
        if t is not None:
            out.add(lm.vocab.inv[int(t)])
    for piece in ("\n", "\n\n"):
        ids = tok(piece, add_special_tokens=False)["input_ids"]
        if len(ids) == 1:
            out.add(lm.vocab.inv[ids[0]])
    return out
