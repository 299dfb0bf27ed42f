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


def test_the_same_persons_among_the_random_pairs_are_taken_out_of_u() -> None:
    # A file of many duplicates: one random pair in a hundred is one person (who agrees on the
    # mobile nine times in ten), against one in a thousand for two persons.
    rng = np.random.default_rng(2)
    truth = default_model()
    m = {**truth.m, "mobile": [0.1, 0.9]}
    u = {**truth.u, "mobile": [0.999, 0.001]}
    patterns = np.concatenate([_draw(rng, m, 1_000), _draw(rng, u, 99_000)])
    seen = estimation.u_from_random_pairs(patterns, np.ones(len(patterns)))
    assert seen["mobile"][1] == pytest.approx(0.01, rel=0.15)  # mostly the same persons
    cleaned = estimation.u_without_matches(seen, m, prior=0.01, floor=1e-6)
    assert cleaned["mobile"][1] == pytest.approx(0.001, rel=0.5)
    assert sum(cleaned["mobile"]) == pytest.approx(1.0)
    assert min(cleaned["first_name"]) >= 1e-6
