"""Real servers on loopback that behave as the platforms document (not mocks of guatu):

- 钉钉: ``POST /robot/send?access_token=T&timestamp=MS&sign=S``; the timestamp must be
  within an hour of the server's clock and the sign Base64(HMAC-SHA256(secret,
  "MS\\nsecret")) — computed here with the standard library, independently of guatu —
  else ``{"errcode": 310000, "errmsg": "sign not match"}``; more than 20 messages a
  minute to one robot: ``{"errcode": 130101, "errmsg": "send too fast"}``.
- 企业微信: ``POST /cgi-bin/webhook/send?key=K``; over 20 a minute: errcode 45009.
- Both answer ``{"errcode": 0, "errmsg": "ok"}`` and keep every message received.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Platform:
    def __init__(self, secrets: dict[str, str] | None = None, per_minute: int = 20) -> None:
        self.secrets = secrets or {}
        self.per_minute = per_minute
        self.window_s = 60.0
        self.received: list[tuple[str, dict]] = []
        self.rejected: list[tuple[str, int]] = []
        self.times: dict[str, list[float]] = {}
        self.fail_next = 0  # answer HTTP 500 to this many requests first
        self.delay_s = 0.0  # how long each answer takes
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self) -> "Platform":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str, query: dict, body: dict) -> tuple[int, dict]:
        with self.lock:
            if self.fail_next:
                self.fail_next -= 1
                return 500, {"errcode": -1, "errmsg": "system busy"}
            if path == "/robot/send":
                robot = query.get("access_token", [""])[0]
                secret = self.secrets.get(robot, "")
                if secret:
                    stamp = query.get("timestamp", ["0"])[0]
                    if abs(time.time() * 1000 - int(stamp)) > 3600 * 1000:
                        return 200, {"errcode": 310000, "errmsg": "timestamp expired"}
                    expected = base64.b64encode(
                        hmac.new(
                            secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256
                        ).digest()
                    ).decode()
                    if query.get("sign", [""])[0] != expected:
                        return 200, {"errcode": 310000, "errmsg": "sign not match"}
                limited = 130101
            elif path == "/cgi-bin/webhook/send":
                robot = query.get("key", [""])[0]
                limited = 45009
            else:
                return 404, {"errcode": 404, "errmsg": "not found"}
            now = time.monotonic()
            recent = [t for t in self.times.get(robot, []) if t > now - self.window_s]
            if len(recent) >= self.per_minute:
                self.rejected.append((robot, limited))
                return 200, {"errcode": limited, "errmsg": "send too fast"}
            self.times[robot] = [*recent, now]
            self.received.append((robot, body))
            return 200, {"errcode": 0, "errmsg": "ok"}

    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                status, answer = platform.answer(parts.path, parse_qs(parts.query), body)
                time.sleep(platform.delay_s)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        return Handler
