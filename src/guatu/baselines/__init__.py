"""Baselines (frozen plans) and 节点调整 (time-node adjustments by approval)."""
