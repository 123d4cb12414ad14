"""What a risk computation takes and gives: the distributions, the input, the result.

``Dist`` names the distributions an item's duration is drawn from; PERT's
quantiles come from a table per shape (``pert_tables``), computed once.
"""

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from guatu.core.risk.kernel import EPS
from guatu.core.schedule import Constraints, Network

__all__ = ["PERT_KNOTS", "PERT_SHAPES", "Dist", "RiskInput", "RiskResult", "pert_tables"]


class Dist(IntEnum):
    FIXED = 0
    TRIANGULAR = 1
    PERT = 2
    LOGNORMAL = 3
    NORMAL = 4


#: PERT quantile tables: one row per shape (mode position rounded to 1/SHAPES), KNOTS+1 values.
PERT_SHAPES = 200
PERT_KNOTS = 1024


def pert_tables() -> np.ndarray:
    """Quantiles of Beta(1+4p, 1+4(1−p)) on a grid of u, for p = 0, 1/200, …, 1.

    The density is bounded for these shapes (α, β ≥ 1), so its CDF integrated
    on a fine grid and inverted by interpolation is exact to ~1e-7 — no scipy.
    """
    x = np.linspace(0.0, 1.0, 16385)
    u = np.linspace(0.0, 1.0, PERT_KNOTS + 1)
    rows = np.empty((PERT_SHAPES + 1, PERT_KNOTS + 1))
    for k in range(PERT_SHAPES + 1):
        p = k / PERT_SHAPES
        a, b = 1 + 4 * p, 1 + 4 * (1 - p)
        inner = x[1:-1]
        density = np.zeros_like(x)
        density[1:-1] = np.exp((a - 1) * np.log(inner) + (b - 1) * np.log1p(-inner))
        density[0], density[-1] = (1.0 if a == 1 else 0.0), (1.0 if b == 1 else 0.0)
        cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2)])
        cdf /= cdf[-1]
        rows[k] = np.interp(u, cdf, x)
        rows[k, 0], rows[k, -1] = 0.0, 1.0
    return rows


_PERT = None


def _pert() -> np.ndarray:
    global _PERT
    if _PERT is None:
        _PERT = pert_tables()
    return _PERT


@dataclass
class RiskInput:
    """A network (``core.schedule`` arrays) and a distribution per item.

    ``p1, p2, p3``: triangular/PERT a, m, b; lognormal scale, μ, σ; normal
    mean, sd; fixed: the duration in p1. ``group_a``/``group_b``: factor
    indices (−1 none) with loadings ``rho_a``/``rho_b`` (ρa + ρb < 1).
    ``track``: the items whose finish samples are kept (nodes, the target).
    """

    network: Network
    dist: np.ndarray
    p1: np.ndarray
    p2: np.ndarray
    p3: np.ndarray
    constraints: Constraints = field(default_factory=Constraints)
    group_a: np.ndarray | None = None
    group_b: np.ndarray | None = None
    rho_a: float = 0.0
    rho_b: float = 0.0
    track: np.ndarray | None = None


@dataclass
class RiskResult:
    runs: int
    finish: np.ndarray  # (len(track), runs) float32: the tracked items' early finishes
    project_finish: np.ndarray  # (runs,) float64
    criticality: np.ndarray  # (n,) share of runs in which the item was critical
    sensitivity: np.ndarray  # (n,) correlation of its duration with the project finish
    mean_start: np.ndarray  # (n,)
    merge_bias: np.ndarray  # (n,) mean start − latest mean incoming bound; NaN if not a merge
    converged: bool = True
    history: list[float] = field(default_factory=list)  # the target's P80 after each batch

    def quantiles(self, q=(0.1, 0.5, 0.8, 0.9)) -> np.ndarray:
        """(len(track), len(q)) finish quantiles (exclusive working-day offsets)."""
        return np.quantile(self.finish, q, axis=1).T

    def probability(self, latest: np.ndarray) -> np.ndarray:
        """P(finish ≤ latest) for each tracked item (*latest*: exclusive finish offsets)."""
        return (self.finish <= np.asarray(latest, dtype=np.float64)[:, None] + EPS).mean(axis=1)
