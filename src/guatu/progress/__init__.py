"""Progress reports (进度填报, append-only) and blockers (卡点)."""
