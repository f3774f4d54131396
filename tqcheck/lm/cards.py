"""Model cards: one TOML file per supported model in the top-level ``models/`` folder.

The loader reads everything it needs to find, convert and describe a model
from its card, so adding a model is adding a card (and its package).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import TqcheckError
from ..untrusted import Unparsable, toml_loads

REQUIRED = ("id", "package", "module", "source", "file", "architecture", "license", "languages", "memory", "speed")


@dataclass(frozen=True)
class ModelCard:
    id: str
    package: str  # the pip distribution that carries the weights
    module: str  # its import name (located, not necessarily imported)
    source: str  # "assemble" (package.assemble() joins chunks) or "file" (a .gguf in the package folder)
    file: str
    architecture: str
    license: str
    languages: str
    memory: str
    speed: str
    name: str = ""
    parameters: str = ""
    default: bool = False
    path: str = ""


def models_dir() -> Path:
    """``$TQCHECK_MODELS_DIR``, else ``models/`` beside the package (source checkout)."""
    env = os.environ.get("TQCHECK_MODELS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "models"


def load_cards(folder: Path | None = None) -> dict[str, ModelCard]:
    folder = folder or models_dir()
    if not folder.is_dir():
        raise TqcheckError(f"no model cards: {folder} is not a folder (set TQCHECK_MODELS_DIR)")
    cards: dict[str, ModelCard] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            data = toml_loads(path.read_text("utf-8"))
        except (Unparsable, UnicodeDecodeError) as exc:
            raise TqcheckError(f"{path}: invalid model card: {exc}") from None
        missing = [k for k in REQUIRED if k not in data]
        if missing:
            raise TqcheckError(f"{path}: model card lacks {', '.join(missing)}")
        known = set(ModelCard.__dataclass_fields__) - {"path"}
        card = ModelCard(**{k: v for k, v in data.items() if k in known}, path=str(path))
        if card.source not in ("assemble", "file"):
            raise TqcheckError(f"{path}: source must be 'assemble' or 'file', not {card.source!r}")
        cards[card.id] = card
    if not cards:
        raise TqcheckError(f"no model cards in {folder}")
    return cards


def get_card(model_id: str | None = None) -> ModelCard:
    cards = load_cards()
    if model_id is None:
        defaults = [c for c in cards.values() if c.default]
        return defaults[0] if defaults else next(iter(cards.values()))
    if model_id not in cards:
        raise TqcheckError(f"unknown model {model_id!r}; known: {', '.join(cards)} (`tqcheck models` lists them)")
    return cards[model_id]
