"""Loading a model card's weights into a ``CausalLM``: the device, the dense cache (rebuilt once when
it is damaged), the vocabulary renumbered by script, and the output layer with its int8 disk copy."""
from __future__ import annotations

import sys
import time

from ..errors import TqcheckError
from . import store
from .cards import ModelCard
from .head import OutputLayer
from .model import CausalLM
from .vocab import VocabOrder, classify


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


def load_model(card: ModelCard, device: str = "auto", quiet: bool = False) -> CausalLM:
    """The card's model on ``device``, from the dense cache (converted from the packaged GGUF on
    first use)."""
    store.force_offline()
    device = resolve_device(device)
    path, converted = store.prepare_loaded(card, quiet=quiet)
    try:
        model, tok = _ready(*converted, device) if converted else load_dense(path, device)
    except Exception as exc:  # a damaged cache: say so, rebuild once
        print(f"tqcheck: model cache {path} is unreadable ({type(exc).__name__}: {exc}); rebuilding it",
              file=sys.stderr, flush=True)
        store.clear(card)
        path = store.prepare(card, quiet=quiet)
        model, tok = load_dense(path, device)
    vocab = renumber(model, tok, path / "vocab-classes.json")
    output = OutputLayer(model.lm_head, vocab, getattr(model.config, "final_logit_softcapping", None),
                         cache=path / "head-int8.pt")
    return CausalLM(card, model, tok, vocab, output, device)


def load_timed(card: ModelCard, device: str = "auto", quiet: bool = False) -> tuple[CausalLM, float]:
    t = time.perf_counter()
    lm = load_model(card, device, quiet=quiet)
    return lm, time.perf_counter() - t


def load_dense(path, device):
    """The transformers model (fp32, eval mode) and tokenizer saved in ``path``."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    tok = AutoTokenizer.from_pretrained(str(path))
    model = AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.float32)
    return _ready(model, tok, device)


def _ready(model, tok, device):
    """A model (fp32) and tokenizer, loaded or just converted, on ``device`` in eval mode."""
    model.to(device).eval()
    return model, tok


def renumber(model, tokenizer, cache=None) -> VocabOrder:
    """Group the vocabulary by script (see ``vocab``): the rows of the embedding and the output layer
    are permuted in place to the new numbering.  From here on the model speaks new ids;
    ``CausalLM`` maps the tokenizer's ids in and out at its edges."""
    import torch

    emb = model.get_input_embeddings()
    size = emb.weight.shape[0]
    vocab = VocabOrder(classify(tokenizer, size, cache))
    order = torch.tensor(vocab.order, device=emb.weight.device)
    with torch.no_grad():
        emb.weight.data = emb.weight.data[order]
        head = model.lm_head
        if head.weight is not emb.weight:  # untied: the same renumbering for the output rows
            head.weight.data = head.weight.data[order]
        if getattr(head, "bias", None) is not None:
            head.bias.data = head.bias.data[order]
    return vocab
