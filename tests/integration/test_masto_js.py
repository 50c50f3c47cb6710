#!/usr/bin/python3
"""masto.js (npm masto@7.10.2, the library of Elk and Phanpy) on Node 20 against a real
`herd serve`: starts the server, registers two users, then runs js/masto.test.mjs
(node:test) with the server's URL and the users' tokens in its environment."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Suite, main, parse_args, register  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
suite = Suite("masto.js client", parse_args(__doc__))
S = suite.state


@suite.setup
def start_server_and_register_users(t):
    node = os.environ.get("HERD_TEST_NODE") or shutil.which("node") or "node"
    t.require(shutil.which(node) or os.access(node, os.X_OK), f"Node.js found ({node})")
    t.require(os.path.isdir(os.path.join(HERE, "js", "node_modules", "masto")),
              "masto is installed (tests/integration/js/install runs `npm ci`)")
    S["node"] = node
    server = suite.server()
    S["server"] = server
    S["alice"] = register(server, "alice")
    S["bob"] = register(server, "bob")


@suite.case
def masto_js_suite(t):
    server = S["server"]
    env = dict(os.environ)
    env.update({
        "HERD_URL": server.url,
        "HERD_DOMAIN": server.domain,
        "HERD_ALICE_TOKEN": S["alice"].token,
        "HERD_ALICE_ID": S["alice"].id,
        "HERD_BOB_TOKEN": S["bob"].token,
        "HERD_BOB_ID": S["bob"].id,
        "NODE_NO_WARNINGS": "1",
    })
    script = os.path.join(HERE, "js", "masto.test.mjs")
    try:
        p = subprocess.run([S["node"], "--test-reporter=spec", script], env=env, cwd=os.path.join(HERE, "js"),
                           capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired as e:
        t.require(False, "node masto.test.mjs finished within 600 s", e.stdout)
    sys.stdout.write(p.stdout)
    sys.stdout.write(p.stderr)
    t.eq(p.returncode, 0, "node masto.test.mjs exit code (the failing tests are listed above)")


if __name__ == "__main__":
    main(suite)
