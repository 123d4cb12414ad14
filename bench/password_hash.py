"""Password hashing: the CPU a sign-in costs, Django's default (PBKDF2) beside ours (scrypt).

    .venv/bin/python bench/password_hash.py [--hashes 10] [--storm 200]

Hashes --hashes passwords with each hasher in this process, one after another,
and prints the seconds a hash costs and what a storm of --storm simultaneous
sign-ins costs on this machine's cores when every core hashes (the last
sign-in waits that long, whatever the server), and the ratio of the two.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hashes", type=int, default=10)
    parser.add_argument("--storm", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guatu.settings.base")
    import django

    django.setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, ScryptPasswordHasher

    cores = os.cpu_count() or 1
    results = {}
    for label, hasher in (
        ("reference: Django's default, PBKDF2-SHA256", PBKDF2PasswordHasher()),
        ("guatu: scrypt (n=2**14, r=8, 16 MB)", ScryptPasswordHasher()),
    ):
        times = []
        for _ in range(args.hashes):
            salt = hasher.salt()
            t0 = time.perf_counter()
            encoded = hasher.encode("一个足够长的密码-2026", salt)
            times.append(time.perf_counter() - t0)
        assert hasher.verify("一个足够长的密码-2026", encoded)
        results[label] = statistics.median(times)
    print(f"{cores} cores, {args.hashes} hashes each")
    print(f"| hasher | s a hash | {args.storm} sign-ins at once, s of CPU per core |")
    print("|---|---:|---:|")
    for label, seconds in results.items():
        print(f"| {label} | {seconds:.3f} | {seconds * args.storm / cores:.1f} |")
    reference, ours = results.values()
    print(f"reference / guatu: {reference / ours:.2f}×")


if __name__ == "__main__":
    main()
