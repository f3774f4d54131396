"""The shipped detector from scratch, in one command (about 40 minutes on 2 CPU cores):

    python -m tqcheck.lab.detector.build --shared ../shared --work work/detector

1. reads a seeded sample of the MQM training files with the model (``extract``): 30 % of the WMT21
   zh-en news documents, 25 % of the en-de news, 20 % of each TED file (about 180,000 words);
2. trains the network on them (``train``, seed 0);
3. reads the evaluation set's dev documents in both layouts, runs the other default rules on them
   (``tqcheck.lab.evaluation``), and calibrates the network per target language (``calibrate``): the
   default threshold is the lowest at which the default rules, the detector among them, reach
   character precision 0.60 in English and 0.40 in German;
4. reads a larger seeded sample of the two TED files, whose spans carry MQM categories, and trains the
   typing head on its marked words (``typing_head``: fluency family or not), then calibrates it per
   target language on the same dev features (``calibrate_typing``): the run-level cut is the lowest
   at which the runs typed fluency reach fluency character precision 0.50 in every layout.  A language
   no cut serves stays untyped (severity stands in), and a head that types none is left out.

Feature files already in ``--work`` are reused, so a run that stopped goes on where it was.
"""
from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from ...detector import WEIGHTS, Detector
from .calibrate import main as calibrate
from .calibrate_typing import main as calibrate_typing
from .extract import extract
from .train import train
from .typing_head import train_head

# (file under train/, share of its documents, sample seed)
TRAINING = (("2021-news-zh-en.jsonl", 0.30, 1), ("2021-news-en-de.jsonl", 0.25, 2),
            ("2021-ted-zh-en.jsonl", 0.20, 3), ("2021-ted-en-de.jsonl", 0.20, 4))
# (language, evaluation file under eval/, target precision)
CALIBRATION = (("en", "dev.docs.jsonl", 0.60), ("de", "ende/dev.docs.jsonl", 0.40))
# The typing head's sample: (file under train/ whose spans carry categories, share, sample seed); and
# per language the fluency-typed character precision its cut aims at.
TYPING = (("2021-ted-zh-en.jsonl", 0.25, 3), ("2021-ted-en-de.jsonl", 0.20, 4))
TYPING_PRECISION = {"en": 0.50, "de": 0.50}


def build(shared: Path, work: Path, out: Path, seed: int = 0) -> None:
    work.mkdir(parents=True, exist_ok=True)
    features = []
    for name, share, sample in TRAINING:
        path = work / (name.replace(".jsonl", "") + ".npz")
        if not path.exists():
            extract(str(shared / "train" / name), str(path), "mixed", share, sample)
        features.append(str(path))
    train(features, str(out), seed)
    typed = []
    for name, share, sample in TYPING:
        path = work / f"{name.replace('.jsonl', '')}-{round(share * 100)}.npz"
        if not path.exists():
            extract(str(shared / "train" / name), str(path), "mixed", share, sample)
        typed.append(str(path))
    train_head(str(out), typed, seed=seed)
    for lang, name, precision in CALIBRATION:
        dev, others = [], []
        for layout in ("article", "sentences"):
            path = work / f"dev-{lang}-{layout}.npz"
            if not path.exists():
                extract(str(shared / "eval" / name), str(path), layout)
            dev.append(str(path))
            others.append(_other_rules(shared / "eval" / name, layout, work / f"dev-{lang}-{layout}.others.jsonl"))
        calibrate([str(out), *dev, *(a for p in others for a in ("--with", p)), "--eval", str(shared / "eval" / name),
                   "--lang", lang, "--target-precision", str(precision)])
        calibrate_typing([str(out), *dev, *(a for p in others for a in ("--with", p)), "--eval",
                          str(shared / "eval" / name), "--lang", lang,
                          "--target-precision", str(TYPING_PRECISION[lang])])
    det = Detector.load(out)
    if det.types and not det.typing:  # a head that types no language is not shipped
        replace(det, t_w1=None, t_b1=None, t_w2=None, t_b2=None).save(out)


def _other_rules(eval_path: Path, layout: str, out: Path) -> str:
    """The other default rules' predictions on the evaluation file, as the evaluation writes them."""
    import json

    from ...config import Config
    from ..evaluation import run

    if not out.exists():
        # The evaluation's own default selection, less the detector.
        preds = run(str(eval_path), None, use_source=False, use_model=True, layout=layout,
                    config=Config(rules={"lm-error-span": "off"}))
        out.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds), "utf-8")
    return str(out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default="../shared", help="the folder holding train/ and eval/")
    ap.add_argument("--work", default="work/detector", help="where the feature files go (about 1 GB)")
    ap.add_argument("--out", default=str(WEIGHTS / "gemma-3-270m.npz"))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    build(Path(args.shared), Path(args.work), Path(args.out), args.seed)


if __name__ == "__main__":
    main()
