"""Clusters from pair decisions, with operators' and household cannot-links."""

from __future__ import annotations

import numpy as np

from omnicanal.customers.clustering import cluster


def test_merges_join_records_transitively() -> None:
    labels = cluster(5, np.array([[0, 1], [1, 2], [3, 4]]), np.array([5.0, 5.0, 5.0]))
    assert labels.tolist() == [0, 0, 0, 3, 3]


def test_records_without_edges_stay_alone() -> None:
    assert cluster(3, np.zeros((0, 2)), np.zeros(0)).tolist() == [0, 1, 2]


def test_a_cannot_link_breaks_the_weakest_chain() -> None:
    # Pierre (0) -- "P." (1) -- Paul (2): the initial matches both, the household rule keeps
    # Pierre and Paul apart, and the weaker edge gives way.
    labels = cluster(3, np.array([[0, 1], [1, 2]]), np.array([9.0, 4.0]), np.array([[0, 2]]))
    assert labels.tolist() == [0, 0, 2]


def test_an_operators_merge_outweighs_every_model_edge() -> None:
    labels = cluster(3, np.array([[0, 1], [1, 2]]), np.array([30.0, np.inf]), np.array([[0, 2]]))
    assert labels.tolist() == [0, 1, 1]


def test_clustering_does_not_depend_on_the_order_of_the_edges() -> None:
    rng = np.random.default_rng(3)
    edges = rng.integers(0, 50, size=(80, 2))
    weights = rng.normal(size=80)
    apart = rng.integers(0, 50, size=(10, 2))
    order = rng.permutation(80)
    assert (
        cluster(50, edges, weights, apart).tolist()
        == cluster(50, edges[order], weights[order], apart).tolist()
    )
