"""Reaching people where they work: the in-app inbox, email, 钉钉 and 企业微信 robots."""
