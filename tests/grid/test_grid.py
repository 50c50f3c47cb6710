#!/usr/bin/python3
"""End-to-end test of `herd grid`: a control plane with its nginx gateway, two node agents on
separate loopback addresses (127.0.0.2 farm alpha/BE and 127.0.0.3 farm beta/EG), real `herd
serve` instances deployed through the REST API, reached through the gateway by host name and used
with Mastodon.py; capacity filter, manual node checks, cgroup limits, crash restart, delete, bad
input and a node killed in the middle of a deploy, with nothing left half-deployed.

    /usr/bin/python3 tests/grid/test_grid.py --herd build/herd [--keep]
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gridlib import (Grid, Suite, children, listening_ports, resolve_localhost_subdomains,  # noqa: E402
                     socket_inodes, wait_until)

from mastodon import Mastodon  # noqa: E402

STANDARD = {"cpu": 2, "memory_mb": 4096, "disk_gb": 50}


def expect_error(grid, body, status, fragment):
    code, reply = grid.api("POST", "/api/grid/v1/deployments", body)
    assert code == status, f"expected {status}, got {code}: {reply}"
    assert fragment.lower() in reply["error"].lower(), f"error {reply['error']!r} lacks {fragment!r}"
    return reply["error"]


def assert_nothing_half_deployed(grid, name, nodes_used):
    code, deployments = grid.api("GET", "/api/grid/v1/deployments")
    assert code == 200
    assert name not in [d["name"] for d in deployments], f"{name} is listed: {deployments}"
    assert f"{name}.conf" not in grid.route_files(), f"route of {name} left: {grid.route_files()}"
    for node in grid.all_nodes():
        want = nodes_used.get(node["id"])
        if want is not None:
            used = node["used"]
            assert (used["cpu"], used["memory_mb"], used["disk_gb"]) == want, \
                f"node {node['id']} used {used}, expected {want}"
    status, _ = grid.through_gateway(f"{name}1.localhost")
    assert status == 404, f"{name}1.localhost answers {status} through the gateway"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--herd", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()
    herd = os.path.abspath(args.herd)
    resolve_localhost_subdomains()

    suite = Suite()
    grid = Grid(herd, step_delay_ms=1500, keep=args.keep)
    state = {}
    try:
        grid.start()
        a = grid.add_node("a", "127.0.0.2", "alpha", "BE", 4, 8192, 100)
        b = grid.add_node("b", "127.0.0.3", "beta", "EG", 2, 4096, 50,
                          extra=("--disk-quota", "loop"))
        empty = {a.id: (0, 0, 0), b.id: (0, 0, 0)}

        def bad_input():
            base = {"name": "valid", "admin_email": "owner@example.com", "node_id": a.id}
            expect_error(grid, {**base, "name": "1abc"}, 422, "start with a lowercase letter")
            expect_error(grid, {**base, "name": "x"}, 422, "at least 2 characters")
            expect_error(grid, {**base, "name": "Bad-Name"}, 422, "lowercase")
            expect_error(grid, {**base, "name": "abcdefghijklmnop"}, 422, "at most 15")
            expect_error(grid, {**base, "admin_email": ""}, 422, "Admin email is required")
            expect_error(grid, {k: v for k, v in base.items() if k != "admin_email"}, 422,
                         "Admin email is required")
            expect_error(grid, {**base, "admin_email": "not-an-email"}, 422, "not a valid email")
            expect_error(grid, {**base, "admin_username": "admin"}, 422, "reserved")
            expect_error(grid, {**base, "smtp_host": "smtp.example.com", "smtp_port": 70000}, 422,
                         "SMTP port must be between 1 and 65535")
            expect_error(grid, {**base, "smtp_host": "smtp.example.com", "smtp_port": 0}, 422,
                         "SMTP port")
            expect_error(grid, {**base, "node_id": 999}, 422, "Node 999 does not exist")
            expect_error(grid, {**base, "package": "custom", "cpu": 64, "memory_mb": 1024,
                                "disk_gb": 10}, 422, "Maximum allowed cpu is 32")
            expect_error(grid, {**base, "package": "huge"}, 422, "Unknown package")
            expect_error(grid, {**base, "custom_domain": "bad domain"}, 422, "not a valid host name")
            expect_error(grid, {**base, "custom_domain": "social.example.org"}, 422,
                         "need certificates by ACME")  # this grid has no ACME
            assert_nothing_half_deployed(grid, "valid", empty)
            code, _ = grid.api("GET", "/api/grid/v1/deployments", token="wrong")
            assert code == 401

        def deploy_two():
            code, first = grid.api("POST", "/api/grid/v1/deployments", {
                "name": "alphaone", "package": "standard", "node_id": a.id,
                "admin_email": "alice@example.com", "admin_username": "alicesadmin",
                "smtp_host": "smtp.example.com", "smtp_port": 587, "smtp_username": "mailer",
                "smtp_password": "mail-secret", "smtp_from": "noreply@example.com",
                "smtp_tls": "starttls"})
            assert code == 201, first
            assert first["status"] == "running" and first["node_id"] == a.id, first
            assert first["domain"] == "alphaone1.localhost", first
            assert first["admin_password"], "the admin password is shown once"
            # Capacity filter: farm beta, country EG.
            code, suggested = grid.api(
                "GET", "/api/grid/v1/nodes?farm=beta&country=EG&package=standard")
            assert code == 200 and [n["id"] for n in suggested] == [b.id], suggested
            code, second = grid.api("POST", "/api/grid/v1/deployments", {
                "name": "betaone", "package": "standard", "farm": "beta", "country": "EG",
                "admin_email": "bob@example.org"})
            assert code == 201, second
            assert second["node_id"] == b.id and second["admin_username"] == "adminuser", second
            state["alphaone"], state["betaone"] = first, second
            for node, used in ((a.id, (2, 4096, 50)), (b.id, (2, 4096, 50))):
                n = grid.node(node)
                assert (n["used"]["cpu"], n["used"]["memory_mb"], n["used"]["disk_gb"]) == used, n

        def disk_quota():
            # Node b gives each instance a loop-mounted filesystem of its package's disk size.
            folder = f"{b.data_dir}/instances/betaone"
            with open("/proc/self/mounts") as f:
                assert any(line.split()[1] == folder for line in f), "betaone's data is not mounted"
            st = os.statvfs(folder)
            size_gb = st.f_blocks * st.f_frsize / 1024 ** 3
            assert 48 <= size_gb <= 50, size_gb
            probe = os.path.join(folder, "quota-probe")
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                try:
                    os.posix_fallocate(fd, 0, 51 * 1024 ** 3)
                    raise AssertionError("51 GB fit in a 50 GB package")
                except OSError as error:
                    assert error.errno == 28, error  # ENOSPC
            finally:
                os.close(fd)
                os.unlink(probe)
            code, shown = grid.api("GET", "/api/grid/v1/deployments/betaone")
            assert shown["live"]["disk_quota_bytes"] == 50 * 1024 ** 3, shown["live"]

        def children_inherit_no_descriptor():
            # A socket open in both a parent and its child was inherited across exec: nginx
            # (and its workers) must hold none of the control plane's, and no instance any of
            # its node agent's (their listening sockets above all).
            control_pid = grid.control.proc.pid
            nginx = children(control_pid)
            assert nginx, "the control plane has no child (nginx)"
            parent_sockets = socket_inodes(control_pid)
            assert grid.control_port in listening_ports(parent_sockets), "control port not found"
            for pid in nginx + [w for p in nginx for w in children(p)]:
                shared = socket_inodes(pid) & parent_sockets
                assert not shared, (f"nginx process {pid} holds the control plane's sockets "
                                    f"(listening on {listening_ports(shared)})")
                assert grid.control_port not in listening_ports(socket_inodes(pid))
            for node in (a, b):
                agent_sockets = socket_inodes(node.proc.pid)
                instances = children(node.proc.pid)
                assert instances, f"node {node.name} runs no instance"
                for pid in instances:
                    shared = socket_inodes(pid) & agent_sockets
                    assert not shared, (f"instance {pid} holds its agent's sockets "
                                        f"(listening on {listening_ports(shared)})")
            # Stopped, the control plane frees its port at once: no child keeps it open.
            grid.control.kill()
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(("127.0.0.1", grid.control_port))
            wait_until(lambda: socket.socket().connect_ex(("127.0.0.1", grid.gateway_port)) != 0,
                       20, "the old gateway to stop")
            grid.start()
            wait_until(lambda: grid.through_gateway("alphaone1.localhost")[0] == 200, 30,
                       "alphaone through the restarted gateway")

        def password_shown_once():
            for d in (state["alphaone"], state["betaone"]):
                password = d["admin_password"]
                code, listed = grid.api("GET", "/api/grid/v1/deployments")
                assert code == 200 and password not in json.dumps(listed)
                assert all("admin_password" not in x for x in listed)
                code, shown = grid.api("GET", f"/api/grid/v1/deployments/{d['name']}")
                assert code == 200 and password not in json.dumps(shown)
                assert password not in grid.all_logs_text(), "the admin password is in a log"
            assert "mail-secret" not in json.dumps(grid.api("GET", "/api/grid/v1/deployments")[1])

        def duplicate_name():
            expect_error(grid, {"name": "alphaone", "admin_email": "x@example.com",
                                "node_id": a.id}, 409, "already taken")
            assert len(grid.api("GET", "/api/grid/v1/deployments")[1]) == 2

        def reach_through_gateway():
            for name in ("alphaone", "betaone"):
                host = f"{name}1.localhost"
                code, instance = grid.through_gateway(host, "/api/v1/instance")
                assert code == 200, (code, instance)
                assert instance["uri"] == f"{host}:{grid.gateway_port}", instance
                assert instance["title"] == name, instance

        def sign_in_post_read_back():
            for name in ("alphaone", "betaone"):
                d = state[name]
                url = f"http://{name}1.localhost:{grid.gateway_port}"
                client_id, client_secret = Mastodon.create_app(
                    "grid-e2e", api_base_url=url, scopes=["read", "write"])
                m = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=url)
                m.log_in(d["admin_email"], d["admin_password"], scopes=["read", "write"])
                me = m.account_verify_credentials()
                assert me["username"] == d["admin_username"], me
                posted = m.status_post(f"Hello from {name} on the grid")
                again = m.status(posted["id"])
                assert "Hello from " + name in again["content"], again
                mine = m.account_statuses(me["id"])
                assert any(s["id"] == posted["id"] for s in mine), mine

        def capacity_filter_and_manual_checks():
            code, suggested = grid.api("GET", "/api/grid/v1/nodes?package=standard")
            assert code == 200 and [n["id"] for n in suggested] == [a.id], suggested
            code, suggested = grid.api("GET", "/api/grid/v1/nodes?farm=beta&package=minimum")
            assert code == 200 and suggested == [], suggested
            expect_error(grid, {"name": "tofull", "package": "minimum", "node_id": b.id,
                                "admin_email": "x@example.com"}, 422,
                         f"Node {b.id} does not have enough cpu")
            expect_error(grid, {"name": "tofull", "package": "custom", "cpu": 1,
                                "memory_mb": 8192, "disk_gb": 1, "node_id": a.id,
                                "admin_email": "x@example.com"}, 422,
                         f"Node {a.id} does not have enough memory")
            expect_error(grid, {"name": "tofull", "package": "custom", "cpu": 1,
                                "memory_mb": 256, "disk_gb": 60, "node_id": a.id,
                                "admin_email": "x@example.com"}, 422, "enough disk")
            expect_error(grid, {"name": "tofull", "package": "minimum", "farm": "beta",
                                "admin_email": "x@example.com"}, 422, "No node that is up")
            code, check = grid.api("GET", f"/api/grid/v1/nodes/{b.id}?package=minimum")
            assert code == 200 and check["fits"] is False, check

        def cgroup_limits():
            for name, package in (("alphaone", STANDARD), ("betaone", STANDARD)):
                code, shown = grid.api("GET", f"/api/grid/v1/deployments/{name}")
                live = shown["live"]
                assert live and live["cgroup"] in ("v1", "v2"), live
                if live["cgroup"] == "v1":
                    memory = grid.cgroup_value("memory", name, "memory.limit_in_bytes")
                    quota = grid.cgroup_value("cpu", name, "cpu.cfs_quota_us")
                    period = grid.cgroup_value("cpu", name, "cpu.cfs_period_us")
                    with open(f"/sys/fs/cgroup/memory/{grid.cgroup_parent}/{name}/cgroup.procs") as f:
                        assert str(live["pid"]) in f.read().split(), "instance not in its cgroup"
                else:
                    with open(f"/sys/fs/cgroup/{grid.cgroup_parent}/{name}/memory.max") as f:
                        memory = int(f.read())
                    with open(f"/sys/fs/cgroup/{grid.cgroup_parent}/{name}/cpu.max") as f:
                        quota, period = (int(x) for x in f.read().split())
                assert memory == package["memory_mb"] * 1024 * 1024, memory
                assert quota == package["cpu"] * period, (quota, period)
                assert live["disk_quota_bytes"] == package["disk_gb"] * 1024 ** 3, live

        def crash_restart():
            code, shown = grid.api("GET", "/api/grid/v1/deployments/alphaone")
            pid = shown["live"]["pid"]
            os.kill(pid, signal.SIGKILL)

            def restarted():
                c, s = grid.api("GET", "/api/grid/v1/deployments/alphaone")
                live = s["live"]
                return live and live["pid"] not in (0, pid) and live["restart_count"] >= 1 and \
                    grid.through_gateway("alphaone1.localhost")[0] == 200 and s
            shown = wait_until(restarted, 30, "alphaone to be restarted")
            wait_until(lambda: grid.api("GET", "/api/grid/v1/deployments/alphaone")[1]
                       ["status"] == "running", 10, "alphaone to be running again")
            code, listed = grid.api("GET", "/api/grid/v1/deployments")
            row = next(d for d in listed if d["name"] == "alphaone")
            assert row["restart_count"] >= 1 and row["status"] == "running", row

        def delete_frees_capacity():
            code, reply = grid.api("DELETE", "/api/grid/v1/deployments/betaone")
            assert code == 200, reply
            n = grid.node(b.id)
            assert n["used"] == {"cpu": 0, "memory_mb": 0, "disk_gb": 0}, n
            status, _ = grid.through_gateway("betaone1.localhost")
            assert status == 404, status
            assert "betaone.conf" not in grid.route_files()
            assert not os.path.exists(f"{b.data_dir}/instances/betaone")
            assert not os.path.exists(f"{b.data_dir}/disks/betaone.img")
            assert grid.api("GET", "/api/grid/v1/deployments/betaone")[0] == 404

        def node_down_mid_deploy():
            result = {}

            def deploy():
                result["reply"] = grid.api("POST", "/api/grid/v1/deployments", {
                    "name": "doomed", "node_id": b.id, "admin_email": "d@example.com"})
            thread = threading.Thread(target=deploy)
            thread.start()
            # The instance starts, then the deploy waits for its /health: kill the node there.
            wait_until(lambda: os.path.isdir(f"{b.data_dir}/instances/doomed"), 20,
                       "the instance to start on node b")
            b.kill()
            thread.join(120)
            code, reply = result["reply"]
            assert code == 503, (code, reply)
            assert "rolled back" in reply["error"] and (
                "went down" in reply["error"] or "unreachable" in reply["error"]), reply
            assert_nothing_half_deployed(grid, "doomed", {a.id: (2, 4096, 50), b.id: (0, 0, 0)})
            # The node is then seen down, and a manual choice of it is refused.
            wait_until(lambda: grid.node(b.id)["status"] == "down", 20, "node b to be down")
            expect_error(grid, {"name": "late", "node_id": b.id, "admin_email": "x@example.com"},
                         422, f"Node {b.id} is down")
            code, suggested = grid.api("GET", "/api/grid/v1/nodes?package=minimum")
            assert b.id not in [n["id"] for n in suggested], suggested
            # When the node comes back, it removes what was left of the rolled-back instance.
            b.start()
            wait_until(lambda: grid.node(b.id)["status"] == "up", 20, "node b to be up again")
            wait_until(lambda: not os.path.exists(f"{b.data_dir}/instances/doomed"), 20,
                       "the rolled-back instance's data to be removed")

        def cli_same_operations():
            env = dict(os.environ, HERD_GRID_URL=grid.gateway_url.replace("127.0.0.1", "localhost"),
                       HERD_GRID_TOKEN=grid.owner_token)

            def cli(*argv):
                done = subprocess.run([herd, "grid", *argv], env=env, capture_output=True,
                                      text=True, timeout=120)
                return done.returncode, done.stdout, done.stderr
            # Through the gateway's bare domain (nginx proxies to the control plane).
            code, out, err = cli("list", "--json")
            assert code == 0, err
            assert [d["name"] for d in json.loads(out)] == ["alphaone"], out
            code, out, err = cli("show", "alphaone", "--json")
            assert code == 0 and json.loads(out)["live"]["state"] == "running", (out, err)
            code, out, err = cli("show", "alphaone")
            assert code == 0 and "restart_count" in out and "memory use" in out, out
            code, out, err = cli("nodes", "--farm", "alpha", "--package", "standard", "--json")
            assert code == 0 and [n["id"] for n in json.loads(out)] == [a.id], out
            code, out, err = cli("gateways", "--json")
            assert code == 0 and json.loads(out)[0]["domain"] == "localhost", out
            code, out, err = cli("deploy", "--name", "1bad", "--admin-email", "x@example.com")
            assert code == 1 and "Name must start with a lowercase letter." in err, err
            code, out, err = cli("deploy", "--name", "clitwo", "--node", str(b.id))
            assert code == 1 and "Admin email is required." in err, err
            code, out, err = cli("deploy", "--name", "clitwo", "--node", str(b.id), "--package",
                                 "minimum", "--admin-email", "cli@example.com", "--json")
            assert code == 0, err
            deployed = json.loads(out)
            assert deployed["node_id"] == b.id and deployed["admin_password"], deployed
            assert grid.through_gateway("clitwo1.localhost")[0] == 200
            code, out, err = cli("delete", "clitwo")
            assert code == 0 and "Deleted clitwo" in out, (out, err)
            assert grid.through_gateway("clitwo1.localhost")[0] == 404
            code, out, err = cli("show", "clitwo")
            assert code == 1 and "No deployment named" in err, err

        def node_restart_recovers():
            a.kill()  # its instances go with it
            wait_until(lambda: grid.node(a.id)["status"] == "down", 20, "node a to be down")
            code, shown = grid.api("GET", "/api/grid/v1/deployments/alphaone")
            assert shown["status"] == "failed" and f"node {a.id} is down" in shown["error"], shown
            assert shown["live"] is None, shown
            a.start()
            wait_until(lambda: grid.api("GET", "/api/grid/v1/deployments/alphaone")[1]["status"]
                       == "running", 30, "alphaone to run again after its node came back")
            wait_until(lambda: grid.through_gateway("alphaone1.localhost")[0] == 200, 30,
                       "alphaone through the gateway again")
            code, instance = grid.through_gateway("alphaone1.localhost", "/api/v1/instance")
            assert instance["stats"]["status_count"] >= 1, instance  # its data survived

        def control_plane_restart_mid_deploy():
            before = grid.node(a.id)["used"]
            result = {}

            def deploy():
                try:
                    result["reply"] = grid.api("POST", "/api/grid/v1/deployments", {
                        "name": "halfway", "node_id": a.id, "admin_email": "h@example.com"})
                except Exception as error:  # noqa: BLE001 - the connection breaks
                    result["reply"] = error
            thread = threading.Thread(target=deploy)
            thread.start()
            wait_until(lambda: os.path.isdir(f"{a.data_dir}/instances/halfway"), 20,
                       "halfway to start on node a")
            grid.control.kill()
            thread.join(60)

            def gateway_port_free():
                with socket.socket() as s:
                    return s.connect_ex(("127.0.0.1", grid.gateway_port)) != 0
            wait_until(gateway_port_free, 20, "the old gateway to stop")
            grid.start()
            assert grid.api("GET", "/api/grid/v1/deployments/halfway")[0] == 404
            assert grid.node(a.id)["used"] == before, grid.node(a.id)
            assert "halfway.conf" not in grid.route_files()
            wait_until(lambda: not os.path.exists(f"{a.data_dir}/instances/halfway"), 20,
                       "node a to remove the interrupted instance")
            wait_until(lambda: grid.through_gateway("alphaone1.localhost")[0] == 200, 20,
                       "alphaone through the restarted gateway")

        def delete_last():
            code, _ = grid.api("DELETE", "/api/grid/v1/deployments/alphaone")
            assert code == 200
            assert grid.node(a.id)["used"] == {"cpu": 0, "memory_mb": 0, "disk_gb": 0}
            assert grid.through_gateway("alphaone1.localhost")[0] == 404
            assert grid.api("GET", "/api/grid/v1/deployments")[1] == []
            assert grid.route_files() == []

        steps = [("bad input is refused with a clear error", bad_input),
                 ("deploy two instances on chosen nodes", deploy_two)]
        for name, fn in steps:
            if not suite.run(name, fn):
                return suite.finish(grid)
        suite.run("children (nginx, instances) inherit no descriptor of the grid",
                  children_inherit_no_descriptor)
        suite.run("the admin password is shown once only", password_shown_once)
        suite.run("the disk quota is the package's disk size", disk_quota)
        suite.run("a duplicate name is refused", duplicate_name)
        suite.run("each instance answers through the gateway by host name", reach_through_gateway)
        suite.run("Mastodon.py signs in as the admin, posts and reads back", sign_in_post_read_back)
        suite.run("capacity filter leaves out a full node; manual checks",
                  capacity_filter_and_manual_checks)
        suite.run("cgroup limits equal the package", cgroup_limits)
        suite.run("a killed instance is restarted", crash_restart)
        suite.run("delete frees capacity and the host stops answering", delete_frees_capacity)
        suite.run("a node going down mid-deploy rolls everything back", node_down_mid_deploy)
        suite.run("the CLI does the same operations", cli_same_operations)
        suite.run("a node agent that restarts brings its instances back", node_restart_recovers)
        suite.run("a deploy interrupted by a control plane restart is rolled back",
                  control_plane_restart_mid_deploy)
        suite.run("deleting the last deployment leaves a clean grid", delete_last)
        return suite.finish(grid)
    except Exception as error:  # noqa: BLE001
        suite.failed += 1
        print(f"FAIL setup: {error}", flush=True)
        return suite.finish(grid)
    finally:
        grid.cleanup()


if __name__ == "__main__":
    sys.exit(main())
