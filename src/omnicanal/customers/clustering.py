"""From pair decisions to clusters of records: one cluster, one golden customer.

Pure (NumPy and SciPy). Merge edges join records transitively, except where that would put
two records known to be different persons in one cluster (a household rule, or an operator's
split): such a component is rebuilt greedily, the strongest edges first, each join refused
when it would bring a cannot-link pair together. Operators' merges are the strongest edges.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def cluster(
    n: int,
    edges: np.ndarray,
    weights: np.ndarray,
    cannot_link: np.ndarray | None = None,
) -> np.ndarray:
    """A cluster label per record (the smallest record index in its cluster).

    `edges` is an (E, 2) array of record indexes to merge, `weights` their match weights
    (`inf` for an operator's merge); `cannot_link` an (C, 2) array of pairs kept apart.
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    weights = np.asarray(weights, dtype=float).reshape(-1)
    components = _components(n, edges)
    labels = _smallest_member(components)
    if cannot_link is None or len(cannot_link) == 0:
        return labels
    cannot_link = np.asarray(cannot_link, dtype=np.int64).reshape(-1, 2)
    inside = cannot_link[labels[cannot_link[:, 0]] == labels[cannot_link[:, 1]]]
    if len(inside) == 0:
        return labels
    conflicted = np.unique(labels[inside[:, 0]])
    edge_mask = np.isin(labels[edges[:, 0]], conflicted)
    _greedy(labels, edges[edge_mask], weights[edge_mask], inside, conflicted)
    return labels


def _components(n: int, edges: np.ndarray) -> np.ndarray:
    graph = coo_matrix(
        (np.ones(len(edges), dtype=np.int8), (edges[:, 0], edges[:, 1])), shape=(n, n)
    )
    _, components = connected_components(graph, directed=False)
    return components


def _smallest_member(components: np.ndarray) -> np.ndarray:
    order = np.arange(len(components))
    smallest = np.full(components.max() + 1, len(components), dtype=np.int64)
    np.minimum.at(smallest, components, order)
    return smallest[components]


def _greedy(
    labels: np.ndarray,
    edges: np.ndarray,
    weights: np.ndarray,
    cannot_link: np.ndarray,
    conflicted: np.ndarray,
) -> None:
    """Rebuild the conflicted components in place."""
    members = np.flatnonzero(np.isin(labels, conflicted))
    parent = {int(i): int(i) for i in members}
    apart: dict[int, set[int]] = defaultdict(set)
    for a, b in cannot_link:
        apart[int(a)].add(int(b))
        apart[int(b)].add(int(a))
    group: dict[int, set[int]] = {int(i): {int(i)} for i in members}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # Strongest first; ties by record indexes so that the result never depends on input order.
    order = np.lexsort((edges[:, 1], edges[:, 0], -weights))
    for index in order:
        ra, rb = find(int(edges[index, 0])), find(int(edges[index, 1]))
        if ra == rb:
            continue
        small, large = (ra, rb) if len(group[ra]) <= len(group[rb]) else (rb, ra)
        if any(apart[x] & group[large] for x in group[small]):
            continue
        parent[small] = large
        group[large] |= group.pop(small)
    for root, items in group.items():
        del root
        label = min(items)
        for item in items:
            labels[item] = label
