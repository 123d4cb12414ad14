"""The audit log: every write, with who, when, what and from where."""
