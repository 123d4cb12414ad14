"""1,000 alerts to 10 group robots: nothing lost, nothing twice, never over the rate.

    .venv/bin/python bench/notify.py [--alerts 1000] [--robots 10] [--window 60]

Starts 10 robot servers on loopback (tests/notify/robots.py: 钉钉 signature and
timestamp checks, 20 messages a window per robot, else errcode 130101 / 企业微信
45009; half the robots are each kind), queues the alerts through
``guatu.notify.services.notify`` (each alert to one robot, round robin), and
runs the delivery loop (``deliver_due`` every 0.2 s, as the worker's notifier
does every 10 s) until nothing is pending. Prints what the servers received —
lost, duplicated, refused as over the rate — and the total time beside the
pacing limit: with n messages a robot, the last must wait ⌈n/20⌉ − 1 windows.
``--window`` shortens the platforms' minute on both sides (guatu's pacing and
the servers' limit) so that a run takes seconds; ``--window 60`` is real time.
"""

import argparse
import math
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from django_env import django_environment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--robots", type=int, default=10)
    parser.add_argument("--window", type=float, default=60.0)
    args = parser.parse_args()
    django_environment(prefix="guatu-bench-notify-")
    from django.utils import timezone
    from tests.notify.robots import Platform

    from guatu.notify.delivery import deliver_due
    from guatu.notify.models import Delivery, Kind, Robot, Rules
    from guatu.notify.services import notify
    from guatu.org.models import City, Town

    city = City.objects.create(name="基准市", code="990000")
    Rules.objects.create(city=city, quiet_start=None, quiet_end=None)
    towns = [Town.objects.create(city=city, name=f"镇{n}", order=n) for n in range(args.robots)]
    servers = []
    for n, town in enumerate(towns):
        dingtalk = n % 2 == 0
        secret = f"SECbench{n:032d}" if dingtalk else ""
        server = Platform({f"r{n}": secret} if dingtalk else {})
        server.window_s = args.window
        server.__enter__()
        servers.append(server)
        path = "/robot/send?access_token=" if dingtalk else "/cgi-bin/webhook/send?key="
        Robot.objects.create(
            city=city, town=town, kind="dingtalk" if dingtalk else "wecom",
            name=f"群{n}", webhook=f"{server.base}{path}r{n}", secret=secret,
        )  # fmt: skip
    started = time.perf_counter()
    for n in range(args.alerts):
        notify(
            city=city, kind=Kind.ESCALATION, event=f"bench:{n}", title=f"督办单 {n}",
            body="请于三日内办结。", towns=[towns[n % args.robots]],
        )  # fmt: skip
    queued = time.perf_counter()
    rounds = Counter()
    while Delivery.objects.filter(status=Delivery.Status.PENDING).exists():
        rounds.update(deliver_due(now=timezone.now(), window_s=args.window))
        time.sleep(0.2)
    done = time.perf_counter()
    for server in servers:
        server.__exit__(None, None, None)
    received = [(robot, body) for server in servers for robot, body in server.received]
    titles = Counter(
        (body.get("actionCard") or body.get("markdown") or {}).get("title")
        or body["markdown"]["content"].split("\n")[0].removeprefix("### ")
        for _, body in received
    )
    per_robot = math.ceil(args.alerts / args.robots)
    floor = (math.ceil(per_robot / 20) - 1) * args.window
    rejected = sum(len(server.rejected) for server in servers)
    print(f"alerts={args.alerts} robots={args.robots} window_s={args.window:g}")
    print(f"received={len(received)} distinct={len(titles)} lost={args.alerts - len(titles)} "
          f"duplicates={len(received) - len(titles)} over_rate={rejected} "
          f"failed={Delivery.objects.filter(status=Delivery.Status.FAILED).count()}")  # fmt: skip
    ratio = (done - queued) / floor if floor else 0
    print(f"queue_s={queued - started:.2f} deliver_s={done - queued:.2f} "
          f"pacing_floor_s={floor:.1f} ratio={ratio:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
