# Scripts the backup test runs in their own processes: not test modules (and not to be
# imported by --doctest-modules, which would run them).
collect_ignore = ["backup_writer.py", "backup_inspect.py"]
