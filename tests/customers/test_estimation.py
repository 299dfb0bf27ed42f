"""Estimating m, u and the prior from pattern counts recovers the parameters that made them."""

from __future__ import annotations

import numpy as np
import pytest

from omnicanal.customers import estimation
from omnicanal.customers.matching import COMPARISONS, default_model


def _draw(rng: np.random.Generator, table: dict[str, list[float]], size: int) -> np.ndarray:
    return np.stack(
        [rng.choice(c.levels, size=size, p=table[c.name]) for c in COMPARISONS], axis=1
    ).astype(np.int8)


def test_em_recovers_the_m_values_of_a_mixture() -> None:
    rng = np.random.default_rng(0)
    truth = default_model()
    matches = _draw(rng, truth.m, 20_000)
    others = _draw(rng, truth.u, 20_000)
    patterns = np.concatenate([matches, others])
    counts = np.ones(len(patterns))
    m = estimation.em_m_values(patterns, counts, default_model().m, truth.u, excluded=["email"])
    assert "email" not in m
    for name in ("mobile", "address", "gender"):
        assert np.allclose(m[name], truth.m[name], atol=0.03), name


def test_u_comes_from_the_level_shares_of_random_pairs() -> None:
    patterns = np.array([[0] * len(COMPARISONS), [1] * len(COMPARISONS)], dtype=np.int8)
    counts = np.array([99, 1])
    u = estimation.u_from_random_pairs(patterns, counts)
    assert u["mobile"] == pytest.approx([0.99, 0.01], abs=1e-3)
    assert sum(u["first_name"]) == pytest.approx(1.0)
    assert min(u["first_name"]) > 0  # never seen is not impossible


def test_the_prior_is_the_expected_share_of_matching_pairs() -> None:
    rng = np.random.default_rng(1)
    truth = default_model()
    patterns = np.concatenate([_draw(rng, truth.m, 1000), _draw(rng, truth.u, 5000)])
    prior = estimation.estimate_prior(
        patterns, np.ones(len(patterns)), truth.m, truth.u, total_pairs=1_000_000
    )
    assert prior == pytest.approx(1000 / 1_000_000, rel=0.15)
