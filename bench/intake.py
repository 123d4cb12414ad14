"""Intake throughput: restored pages per second (restoration + facts), one core.

    .venv/bin/python bench/intake.py [--pages 2000] [--seed 1]

The corpus repeats the seed page (tests/core/data/seed-page.txt) with its
parts shuffled: each page keeps the page's blocks (articles with their
headlines, the caption, the teaser) in a random order, so restoration sees
the different arrangements extraction produces. Every page is checked:
nothing lost or added, and restoring the restored text changes nothing.
Target: above 200 pages per second.
"""

import argparse
import itertools
import random
import re
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from guatu.core.intake.facts import ProjectName, page_facts  # noqa: E402
from guatu.core.intake.restore import restore  # noqa: E402

SEED = ROOT / "tests" / "core" / "data" / "seed-page.txt"
PROJECTS = (
    ProjectName("jintai-railway", ("金台铁路永康段", "金台铁路")),
    ProjectName("", ("小微企业园",)),
)


def blocks(text: str) -> list[str]:
    """The seed page cut where one part ends and another begins (before each kicker/byline)."""
    cuts = [0]
    for marker in ("紧盯工作难点", "14 日，由市委", ".....", "金政在督查"):
        cuts.append(text.index(marker))
    cuts.append(len(text))
    return [text[a:b] for a, b in itertools.pairwise(cuts)]


def corpus(pages: int, seed: int) -> list[str]:
    parts = blocks(SEED.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    result = []
    for _ in range(pages):
        order = parts[:]
        # The first article's body and headline stay together (its headline follows it).
        head = order[:2]
        rest = order[2:]
        rng.shuffle(rest)
        result.append("".join(head + rest) if rng.random() < 0.5 else "".join(rest + head))
    return result


def accounted(source: str, page) -> bool:
    duplicates = {c.offset for c in page.changes if c.kind == "duplicate"}
    expected = "".join(
        ch for i, ch in enumerate(source) if i not in duplicates and not ch.isspace()
    )
    return re.sub(r"\s", "", "".join(t for _o, t in page.parts())) == expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    pages = corpus(args.pages, args.seed)
    characters = sum(len(page) for page in pages)
    issue = date(2019, 11, 16)
    restore(pages[0])  # import and compile the patterns before timing
    started = time.perf_counter()
    facts = 0
    for text in pages:
        page = restore(text)
        facts += len(page_facts(page, issue=issue, projects=PROJECTS))
    elapsed = time.perf_counter() - started
    for text in pages[:200]:
        page = restore(text)
        assert accounted(text, page), "a character was lost or added"
        assert restore(page.text()).text() == page.text(), "not idempotent"
        assert len(page.articles) == 2 and len(page.captions) == 1, "structure lost"
    print(
        f"{args.pages} pages ({characters / args.pages:,.0f} characters each), {facts} facts: "
        f"{elapsed:.2f} s, {args.pages / elapsed:,.0f} pages/s on one core "
        f"({characters / elapsed / 1e6:.2f} M characters/s); first 200 checked"
    )


if __name__ == "__main__":
    main()
