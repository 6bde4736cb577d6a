"""deploy/metabase/setup.sh against a stand-in Metabase on 127.0.0.1 (needs sh and curl).

The stand-in behaves like a Metabase before mid-2026: /api/session/properties keeps returning
setup-token after the first user exists, and a second /api/setup is refused with 403.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SETUP = Path(__file__).resolve().parents[2] / "deploy/metabase/setup.sh"
PASSWORD = 'p@ss:w/rd#1?%"\\'


class FakeMetabase(BaseHTTPRequestHandler):
    user_setup = False
    posts: list[tuple[str, dict]] = []

    def log_message(self, *args):  # quiet
        pass

    def reply(self, code: int, body: dict) -> None:
        data = json.dumps(body, separators=(",", ":")).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/api/health":
            self.reply(200, {"status": "ok"})
        elif self.path == "/api/session/properties":
            self.reply(200, {"setup-token": "tok-1", "has-user-setup": type(self).user_setup,
                             "version": {"tag": "v0.55.0"}})
        else:
            self.reply(404, {})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        type(self).posts.append((self.path, body))
        if self.path == "/api/setup":
            if type(self).user_setup or body.get("token") != "tok-1":
                self.reply(403, {"message": "The /api/setup route can only be used to create the first user"})
                return
            type(self).user_setup = True
            self.reply(200, {"id": "sess-1"})
        elif self.path == "/api/session":
            self.reply(200, {"id": "sess-2"})
        elif self.path == "/api/database":
            ok = self.headers.get("X-Metabase-Session") == "sess-2"
            self.reply(200 if ok else 401, {"id": 2})
        else:
            self.reply(404, {})


class SetupScriptTest(unittest.TestCase):
    def setUp(self):
        FakeMetabase.user_setup = False
        FakeMetabase.posts = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), FakeMetabase)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def run_setup(self) -> subprocess.CompletedProcess:
        env = dict(os.environ, MB_URL=f"http://127.0.0.1:{self.server.server_port}",
                   METABASE_PORT="3999", MB_ADMIN_EMAIL="admin@segflow.example",
                   MB_ADMIN_PASSWORD=PASSWORD, PG_HOST="postgres", PG_DB="shop", PG_USER="segflow",
                   PG_PASSWORD=PASSWORD, OUTPUT_SCHEMA="segflow")
        return subprocess.run(["sh", str(SETUP)], env=env, capture_output=True, text=True, timeout=60)

    def test_first_run_sets_up_then_second_run_does_nothing(self):
        first = self.run_setup()
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertEqual([p for p, _ in FakeMetabase.posts], ["/api/setup", "/api/session", "/api/database"])
        database = FakeMetabase.posts[-1][1]
        self.assertEqual(database["details"]["password"], PASSWORD)  # any password survives
        self.assertEqual(database["details"]["schema-filters-patterns"], "segflow")
        self.assertEqual(FakeMetabase.posts[0][1]["user"]["password"], PASSWORD)
        self.assertIn("localhost:3999", first.stdout)

        # setup-token is still returned, as by Metabase before mid-2026: has-user-setup decides.
        second = self.run_setup()
        self.assertEqual(second.returncode, 0, second.stderr)
        self.assertEqual(len(FakeMetabase.posts), 3, "the second run must not post anything")
        self.assertIn("already set up", second.stdout)
        self.assertIn("localhost:3999", second.stdout)


if __name__ == "__main__":
    unittest.main()
