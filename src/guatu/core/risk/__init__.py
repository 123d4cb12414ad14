"""Schedule risk: Monte Carlo over the CPM, every run reproducible from its seed.

Each run draws every item's duration from its distribution and runs the same
forward pass as ``core.schedule`` (all four link types, lags, start-no-earlier-
than, fixed starts) in continuous working days, then a backward pass from the
run's own finish to tell which items were critical in it.

Sampling is Latin hypercube, per batch of runs: item *i*'s run *r* falls in
stratum ``π_i(r)`` of the batch, where ``π_i`` is a keyed pseudo-random
permutation (rounds of key-xor, odd multiply and xor-shift on the next power
of two, cycle-walked into the batch), jittered within the stratum by a
counter-based hash (splitmix64). Nothing depends on thread order or on a
generator's state, so the compiled kernel and the plain numpy implementation
(``runs_numpy``) draw exactly the same numbers, and any run can be
recomputed on its own.

The kernel works item-major over blocks of ``BLOCK`` runs: draw every item's
durations for the block, then the forward and backward passes item by item,
each inner loop along the block's runs in contiguous memory; items are
renumbered in topological order first, so every pass walks its arrays front
to back. Chunks of runs go to the cores, each with its own accumulators.

Correlation is a Gaussian copula with up to two shared factors (the item's
town and its phase): ``z = √ρa·g_town + √ρb·g_phase + √(1−ρa−ρb)·e``, each
factor itself Latin-hypercube sampled. The normal score ``z`` is mapped back
through Φ to the item's own distribution, so every marginal is kept and the
rank correlation between two items of the same town is ``(6/π)·asin(ρa/2)``
(between normals exactly ρa).

Distributions (``Dist``): fixed, triangular (a, m, b), PERT-beta (a, m, b;
λ = 4, quantiles from a table per shape), lognormal (scale · exp(μ + σz)) and
normal (mean + sd·z, clipped at 0).

Outputs: the finish samples of the tracked items (nodes, the target), each
item's criticality index, the duration–finish correlation (sensitivity, for a
tornado) and the mean start of every merge node against the latest mean of its
incoming bounds (merge bias).

Modules: ``model`` (the distributions, ``RiskInput``, ``RiskResult``),
``kernel`` (the compiled random numbers and runs, with every constant they
read), ``engine`` (``run_risk``: preparation, batches, convergence, totals)
and ``reference`` (the same runs in plain numpy).
"""

from guatu.core.risk.engine import run_risk, warm_up
from guatu.core.risk.model import Dist, RiskInput, RiskResult, pert_tables
from guatu.core.risk.reference import runs_numpy

__all__ = [
    "Dist",
    "RiskInput",
    "RiskResult",
    "pert_tables",
    "run_risk",
    "runs_numpy",
    "warm_up",
]
