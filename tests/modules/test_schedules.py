"""The warmup-cosine learning-rate multiplier."""

from __future__ import annotations

import pytest

from worldmodels.modules.schedules import warmup_cosine


def test_warmup_then_cosine() -> None:
    assert warmup_cosine(0, 4, 20) == pytest.approx(0.25)
    assert warmup_cosine(3, 4, 20) == pytest.approx(1.0)
    assert warmup_cosine(4, 4, 20) == pytest.approx(1.0)
    assert warmup_cosine(12, 4, 20) == pytest.approx(0.5)
    assert warmup_cosine(20, 4, 20, final_ratio=0.1) == pytest.approx(0.1)
    assert warmup_cosine(99, 4, 20) == pytest.approx(0.0)
