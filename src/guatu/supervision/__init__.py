"""Supervision: the escalation ladder (问责梯度). Bulletins and scores come later."""
