#!/usr/bin/python3
"""The deploy form in a real browser: starts a grid (control plane with its nginx gateway, node
a on 127.0.0.2 in farm alpha/BE, node b on 127.0.0.3 in farm beta/EG), then runs
tests/e2e/grid_form.mjs (playwright-core driving Debian's chromium) against the form on the
gateway's bare domain, and checks the result through the API.

    /usr/bin/python3 tests/grid/test_form_browser.py --herd build/herd [--screenshots DIR]
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gridlib import Grid, Suite  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
E2E = os.path.join(ROOT, "tests", "e2e")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--herd", required=True)
    parser.add_argument("--screenshots", default="")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(chromium):
        print(f"{chromium} is missing: scripts/deps installs Debian's chromium", file=sys.stderr)
        return 1
    node = shutil.which(os.environ.get("HERD_TEST_NODE", "node")) or "node"
    subprocess.run([os.path.join(E2E, "install")], check=True)

    suite = Suite()
    grid = Grid(os.path.abspath(args.herd), keep=args.keep)
    try:
        grid.start()
        a = grid.add_node("a", "127.0.0.2", "alpha", "BE", 4, 8192, 100)
        b = grid.add_node("b", "127.0.0.3", "beta", "EG", 2, 4096, 50, own_cgroups=True)
        env = dict(os.environ,
                   GRID_FORM_URL=f"http://localhost:{grid.gateway_port}/#token={grid.owner_token}",
                   GRID_NODE_A=str(a.id), GRID_NODE_B=str(b.id), CHROMIUM=chromium,
                   GRID_SCREENSHOTS=os.path.abspath(args.screenshots) if args.screenshots else "")
        browser = subprocess.run([node, os.path.join(E2E, "grid_form.mjs")], env=env, cwd=E2E,
                                 timeout=400)

        def browser_steps():
            assert browser.returncode == 0, f"grid_form.mjs exited {browser.returncode}"

        def api_agrees():
            code, deployments = grid.api("GET", "/api/grid/v1/deployments")
            assert code == 200
            names = {d["name"]: d for d in deployments}
            assert set(names) == {"formone"}, names
            one = names["formone"]
            # deployed on b as custom 1/1024/5, resized to minimum from the details panel, then
            # to recommended, which does not fit b: moved to a
            assert one["status"] == "running" and one["node_id"] == a.id, one
            assert (one["package"], one["cpu"], one["memory_mb"], one["disk_gb"]) == \
                ("recommended", 4, 4096, 100), one
            assert one["smtp_host"] == "smtp.example.com" and one["admin_username"] == "formadmin"
            assert grid.node(b.id)["used"] == {"cpu": 0, "memory_mb": 0, "disk_gb": 0}
            assert grid.node(a.id)["used"] == {"cpu": 4, "memory_mb": 4096, "disk_gb": 100}
            code, _ = grid.through_gateway("formone1.localhost")
            assert code == 200, "served from node a through the gateway"
            assert "mail-secret" not in grid.all_logs_text()
            code, _ = grid.api("DELETE", "/api/grid/v1/deployments/formone")
            assert code == 200

        suite.run("the form in chromium: every tab, both node selections, deploy, Visit",
                  browser_steps)
        suite.run("the API agrees with what the form did", api_agrees)
        return suite.finish(grid)
    except Exception as error:  # noqa: BLE001
        suite.failed += 1
        print(f"FAIL setup: {error}", flush=True)
        return suite.finish(grid)
    finally:
        grid.cleanup()


if __name__ == "__main__":
    sys.exit(main())
