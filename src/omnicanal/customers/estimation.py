"""Estimating the Fellegi–Sunter parameters from the brand's own records, as Splink does.

Pure NumPy over *patterns*: the distinct level vectors of the compared pairs and how many
pairs show each. A million records give tens of millions of pairs but only a few thousand
patterns, so estimation costs milliseconds whatever the engine that counted them.

- u (P(level | different persons)) from pairs drawn at random: almost all of them are
  different persons; once m and the prior are known, the expected share of the same persons
  among them is taken out (it is most of the exact agreements in a file of many duplicates).
- m (P(level | same person)) by expectation–maximisation over pairs that agree on a training
  rule, the rule's own comparisons left out of that session (their agreement is forced);
  each comparison's m is the mean over the sessions that estimated it.
- The prior (share of all record pairs that are the same person) by the same EM update over
  every blocked pair, the pairs never compared counting as different persons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from omnicanal.customers.matching import COMPARISONS

_FLOOR = 1e-9
# No level is taken as impossible for the same person: a rate below this is too rare to
# have been measured and would give one disagreement the power to veto everything else.
M_FLOOR = 0.002


def level_distribution(
    patterns: np.ndarray, counts: np.ndarray, column: int, levels: int, floor: float
) -> list[float]:
    """Share of each level among the pairs where the comparison has a value."""
    values = patterns[:, column]
    known = values >= 0
    totals = np.bincount(values[known], weights=counts[known], minlength=levels)[:levels]
    total = totals.sum()
    if total <= 0:
        return [1.0 / levels] * levels
    shares = np.maximum(totals / total, floor)
    return list((shares / shares.sum()).astype(float))


def u_from_random_pairs(patterns: np.ndarray, counts: np.ndarray) -> dict[str, list[float]]:
    """u of every comparison from the levels of randomly drawn pairs; a level never seen
    gets half a pair's share, so that no agreement is taken for impossible."""
    floor = 0.5 / max(float(counts.sum()), 1.0)
    return {
        c.name: level_distribution(patterns, counts, i, c.levels, floor)
        for i, c in enumerate(COMPARISONS)
    }


def u_without_matches(
    u: Mapping[str, Sequence[float]],
    m: Mapping[str, Sequence[float]],
    prior: float,
    floor: float,
) -> dict[str, list[float]]:
    """u with the same persons taken out of the random pairs: a share `prior` of them are
    one person, who agree at the rate m. In a file with many duplicates (a thousand records,
    five hundred pairs) they make most of the random pairs that agree exactly, and would
    otherwise cap what an exact agreement weighs."""
    out = {}
    for name, seen in u.items():
        share = np.maximum((np.asarray(seen) - prior * np.asarray(m[name])) / (1 - prior), floor)
        out[name] = list((share / share.sum()).astype(float))
    return out


def _log_likelihoods(
    patterns: np.ndarray, table: Mapping[str, Sequence[float]], active: Sequence[int]
) -> np.ndarray:
    total = np.zeros(len(patterns))
    for i in active:
        comparison = COMPARISONS[i]
        logs = np.log(np.maximum(np.asarray(table[comparison.name], dtype=float), _FLOOR))
        column = patterns[:, i]
        known = column >= 0
        total[known] += logs[column[known]]
    return total


def posterior(
    patterns: np.ndarray,
    m: Mapping[str, Sequence[float]],
    u: Mapping[str, Sequence[float]],
    prior: float,
    active: Sequence[int] | None = None,
) -> np.ndarray:
    """P(same person | levels) of each pattern."""
    active = range(len(COMPARISONS)) if active is None else active
    log_odds = (
        np.log(prior / (1 - prior))
        + _log_likelihoods(patterns, m, active)
        - _log_likelihoods(patterns, u, active)
    )
    return 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700)))


def em_m_values(
    patterns: np.ndarray,
    counts: np.ndarray,
    m: Mapping[str, Sequence[float]],
    u: Mapping[str, Sequence[float]],
    excluded: Sequence[str],
    prior: float = 0.5,
    iterations: int = 25,
    tolerance: float = 1e-6,
) -> dict[str, list[float]]:
    """m of the comparisons not in `excluded`, by EM over one training session's patterns."""
    active = [i for i, c in enumerate(COMPARISONS) if c.name not in excluded]
    current = {name: list(values) for name, values in m.items()}
    counts = counts.astype(float)
    for _ in range(iterations):
        post = posterior(patterns, current, u, prior, active) * counts
        matched = post.sum()
        if matched <= 0:
            break
        prior = float(min(max(matched / counts.sum(), 1e-6), 1 - 1e-6))
        change = 0.0
        for i in active:
            comparison = COMPARISONS[i]
            new = level_distribution(patterns, post, i, comparison.levels, M_FLOOR)
            change = max(
                change, max(abs(a - b) for a, b in zip(new, current[comparison.name], strict=True))
            )
            current[comparison.name] = new
        if change < tolerance:
            break
    return {COMPARISONS[i].name: current[COMPARISONS[i].name] for i in active}


def combine_sessions(
    sessions: Sequence[Mapping[str, Sequence[float]]], fallback: Mapping[str, Sequence[float]]
) -> dict[str, list[float]]:
    """Each comparison's m as the mean over the sessions that estimated it."""
    out: dict[str, list[float]] = {}
    for comparison in COMPARISONS:
        estimates = [s[comparison.name] for s in sessions if comparison.name in s]
        if not estimates:
            out[comparison.name] = list(fallback[comparison.name])
            continue
        mean = np.mean(np.asarray(estimates, dtype=float), axis=0)
        out[comparison.name] = list((mean / mean.sum()).astype(float))
    return out


def estimate_prior(
    patterns: np.ndarray,
    counts: np.ndarray,
    m: Mapping[str, Sequence[float]],
    u: Mapping[str, Sequence[float]],
    total_pairs: float,
    start: float = 1e-5,
    iterations: int = 30,
) -> float:
    """The share of all record pairs that are the same person, by EM over the blocked pairs
    (every pair left out by the blocking counts as two different persons)."""
    prior = start
    counts = counts.astype(float)
    for _ in range(iterations):
        expected = float((posterior(patterns, m, u, prior) * counts).sum())
        new = min(max(expected / max(total_pairs, 1.0), 1e-12), 0.5)
        if abs(new - prior) <= prior * 1e-4:
            prior = new
            break
        prior = new
    return prior


def em_home_population(
    patterns: np.ndarray,
    counts: np.ndarray,
    m: Mapping[str, Sequence[float]],
    u: Mapping[str, Sequence[float]],
    prior: float,
    excluded: Sequence[str],
    pseudo_pairs: float = 20.0,
    iterations: int = 50,
    tolerance: float = 1e-6,
) -> tuple[dict[str, list[float]], float]:
    """u and prior of one population of pairs (those sharing a home) by EM, the m values
    held at the brand-wide estimates: the same person agrees with their own records the same
    way at home or not, and fixing m keeps the two classes from swapping. `u` is also the
    prior guess, worth `pseudo_pairs` pairs, so that a population with almost no different
    persons in it (a file without households) still gets sensible u values."""
    active = [i for i, c in enumerate(COMPARISONS) if c.name not in excluded]
    current = {name: list(values) for name, values in u.items()}
    counts = counts.astype(float)
    total = counts.sum()
    for _ in range(iterations):
        post = posterior(patterns, m, current, prior, active)
        other = (1 - post) * counts
        prior = float(min(max((post * counts).sum() / total, 1e-6), 1 - 1e-6))
        change = 0.0
        for i in active:
            comparison = COMPARISONS[i]
            column = patterns[:, i]
            known = column >= 0
            seen = np.bincount(column[known], weights=other[known], minlength=comparison.levels)
            guess = np.asarray(u[comparison.name], dtype=float)
            new = (seen[: comparison.levels] + pseudo_pairs * guess) / (seen.sum() + pseudo_pairs)
            new = np.maximum(new, M_FLOOR)
            new = list((new / new.sum()).astype(float))
            change = max(
                change, max(abs(a - b) for a, b in zip(new, current[comparison.name], strict=True))
            )
            current[comparison.name] = new
        if change < tolerance:
            break
    return current, prior
