"""Planning a scoring pass: which texts read a shared beginning once, how they are batched, how a
batch is packed into rows, and where the top-k proposals are worked out.

Plain lists and integers, no torch: the model (``model.CausalLM``) turns a ``Layout`` into
tensors and runs it, so everything here can be read and tested without loading a model.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator, NamedTuple, Sequence

# Texts scored after one context (rewrites of one span) share its tokens: they are read once when at
# least this many.  The context is most of the input of a rescoring pass (a 45-130-token context, a
# 10-20-token rewrite).
MIN_SHARED_TOKENS = 8
# Items are packed into rows of about this many tokens: no padding to the longest item, and the
# attention over a packed row (most of it masked, computed in full) stays a small part of the cost:
# on the seed, 0.29 s of attention in rows of 512, 0.14 s in rows of 256, 0.13 s in rows of 128.
ROW_TOKENS = 256

# Per item, a function from its tokens' log-probabilities to the token indices that need proposals.
Selector = Callable[[list[float]], Sequence[int]]


@dataclass
class Item:
    """A text encoded for the model, with its left context in front."""
    ids: list[int]  # the start token, then the context's last tokens, then the text's
    first: int  # index in ids of the first token of the scored text
    offsets: list[tuple[int, int]]  # per scored token, relative to the text


class Child(NamedTuple):
    item: int
    shared: int  # how many of its head's first tokens it reads instead of its own


class Unit(NamedTuple):
    """Items read as one: a head, and children that see its first tokens and bring only the rest."""
    head: int
    children: list[Child]

    def cost(self, items: list[Item]) -> int:
        """Tokens the unit puts through the model."""
        return len(items[self.head].ids) + sum(len(items[k].ids) - n for k, n in self.children)


@dataclass
class Plan:
    items: list[Item]  # the items asked for, then any shared beginnings added as unscored heads
    units: list[Unit]  # every item, in exactly one unit (except those in ``inside``)
    inside: dict[int, int] = field(default_factory=dict)  # item -> the paragraph whose scores contain it


def plan_pass(items: list[Item], contexts: list[str], texts: list[str], plain: set[int] = frozenset()) -> Plan:
    """Group items into units that read a shared beginning once, and find the items a paragraph
    scored in the same pass contains whole.

    Texts scored after one context (rewrites of one span) become children of the paragraph
    being scored in the same pass when the context opens that paragraph (rescoring then
    re-reads nothing), else of their shared prefix, added after ``items`` as an unscored
    head; a unit is used only when it saves at least ``MIN_SHARED_TOKENS`` per child.  The
    rewrite that keeps the original wording is the paragraph's own text: it reads nothing
    (only for the ``plain`` items, those scored without proposals).  ``items`` is left as it
    is; the plan's own list holds the added heads.
    """
    added: list[Item] = []
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(contexts):
        if c:
            groups.setdefault(c, []).append(i)
    children: dict[int, list[Child]] = {}
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
        n = shared_prefix([items[head]] + [items[i] for i in members], head_first=False) if head is not None else 0
        if n < MIN_SHARED_TOKENS and len(members) > 1:
            n = shared_prefix([items[i] for i in members])
            head = len(items) + len(added)
            if n >= MIN_SHARED_TOKENS:
                added.append(Item(items[members[0]].ids[:n], n, []))
        if n >= MIN_SHARED_TOKENS:
            children.setdefault(head, []).extend(Child(i, n) for i in members)
            taken.update(members)
    everything = items + added
    units = [Unit(i, children.get(i, [])) for i in range(len(everything)) if i not in taken]
    return Plan(everything, units, inside)


def shared_prefix(items: list[Item], head_first: bool = True) -> int:
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


def batches(units: list[Unit], items: list[Item], budget: int) -> Iterator[list[Unit]]:
    """Units grouped into batches of at most ``budget`` tokens, shortest first (one big matrix product
    is much faster than several small ones on a CPU; ``layout`` packs a batch without padding)."""
    batch: list[Unit] = []
    used = 0
    for unit in sorted(units, key=lambda u: u.cost(items)):
        cost = unit.cost(items)
        if batch and used + cost > budget:
            yield batch
            batch, used = [], 0
        batch.append(unit)
        used += cost
    if batch:
        yield batch


def pack(lengths: list[int], width: int) -> tuple[list[list[int]], list[tuple[int, int]]]:
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


@dataclass
class Layout:
    """A batch packed into rows (all ``width`` long): per column its token, its position, and what it
    may attend to; per item where its tokens sit."""
    ids: list[list[int]]
    pos: list[list[int]]  # position in its unit: restarts for every unit
    seg: list[list[int]]  # its segment: a head, a child's own tokens, or a padding column on its own
    parent: list[list[int]]  # the segment it also sees (its head's), -1 for none
    sees: list[list[int]]  # how many of that segment's first tokens it sees
    place: list[tuple[int, int]]  # per item (row, offset): its position p is column offset + p of the row


def layout(items: list[Item], units: list[Unit] | None, pad_id: int, row_tokens: int = ROW_TOKENS) -> Layout:
    """Units (by default every item alone) packed end to end into rows of about ``row_tokens``
    tokens, with no padding to the longest: a head, then each child's own tokens.  A child's
    offset in ``place`` is where its tokens would start had it brought its shared ones too, so
    position p is at offset + p for every token it brings."""
    units = units if units is not None else [Unit(i, []) for i in range(len(items))]
    sizes = [unit.cost(items) for unit in units]
    rows, at_unit = pack(sizes, row_tokens)
    width = max(sum(sizes[u] for u in row) for row in rows)
    n = len(rows)
    ids = [[pad_id] * width for _ in range(n)]
    pos = [[0] * width for _ in range(n)]
    seg = [[r * width + c + 1 for c in range(width)] for r in range(n)]  # every column its own segment
    parent = [[-1] * width for _ in range(n)]
    sees = [[0] * width for _ in range(n)]
    place: list[tuple[int, int]] = [(0, 0)] * len(items)
    for u, (h, kids) in enumerate(units):
        r, c = at_unit[u]
        head = items[h].ids
        head_seg = seg[r][c]
        ids[r][c:c + len(head)] = head
        pos[r][c:c + len(head)] = range(len(head))
        seg[r][c:c + len(head)] = [head_seg] * len(head)
        place[h] = (r, c)
        c += len(head)
        for k, shared in kids:
            rest = items[k].ids[shared:]
            ids[r][c:c + len(rest)] = rest
            pos[r][c:c + len(rest)] = range(shared, shared + len(rest))
            seg[r][c:c + len(rest)] = [seg[r][c]] * len(rest)
            parent[r][c:c + len(rest)] = [head_seg] * len(rest)
            sees[r][c:c + len(rest)] = [shared] * len(rest)
            place[k] = (r, c - shared)
            c += len(rest)
    return Layout(ids, pos, seg, parent, sees, place)


def scored_positions(items: list[Item], place: list[tuple[int, int]]):
    """Where the output layer reads a batch: per scored token, the (row, column) of the state that
    predicts it and its id; and per item the (start, end) of its tokens in that list."""
    rows: list[int] = []
    cols: list[int] = []
    targets: list[int] = []
    spans: list[tuple[int, int]] = []
    for it, (row, off) in zip(items, place):
        spans.append((len(targets), len(targets) + len(it.ids) - it.first))
        for p in range(it.first, len(it.ids)):
            rows.append(row)
            cols.append(off + p - 1)  # the state after the token before p
            targets.append(it.ids[p])
    return rows, cols, targets, spans


def surprising_words(text: str, offsets: list[tuple[int, int]], threshold: float) -> Selector:
    """A selector: in every word (a run between spaces) whose tokens' surprisal adds up to
    ``threshold`` or more, the tokens where a word starts (a letter or digit after a
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


def every_position(lps: list[float]) -> range:
    return range(len(lps))


def no_position(lps: list[float]) -> list[int]:
    return []
