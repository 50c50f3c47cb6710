#!/usr/bin/python3
"""End-to-end test of an instance's lifecycle on `herd grid`: a control plane with its nginx
gateway and three node agents, each in a network namespace of its own (veth pairs on a bridge,
made and removed here; cgroups, real `herd serve`), driven through the REST API and the CLI:
what the operator sees (readiness, users and statuses, cpu and memory from the cgroup, disk
against quota, recent log lines), backups on demand and on a schedule (pruned), restore, stop and
start (data and capacity kept, the host down meanwhile), resize to another package with the cgroup
limits changed in place (same process), or, when it does not fit its node, moved to another node
with the new limits (API and CLI), upgrade to another herd binary: one that works, and one
that wipes the database and fails, rolled back to the previous binary and data; and a node lost
(its network cut): its instance reported down, then redeployed on another node from the newest
backup the control plane keeps; when the node is back on the network it drops its stale copy.

    /usr/bin/python3 tests/grid/test_lifecycle.py --herd build/herd [--keep]
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gridlib import Grid, NetnsLab, Suite, resolve_localhost_subdomains, wait_until  # noqa: E402

from mastodon import Mastodon  # noqa: E402

NAME = "lifeone"
HOST = f"{NAME}1.localhost"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--herd", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()
    herd = os.path.abspath(args.herd)
    resolve_localhost_subdomains()
    why_not = NetnsLab.available()
    if why_not:
        print(f"SKIP: nodes in network namespaces: {why_not} (run as root)", flush=True)
        return 77
    suite = Suite()
    lab = NetnsLab()
    grid = Grid(herd, keep=args.keep, lab=lab,
                control_args=("--backup-every-seconds", "4", "--backup-keep", "2"))
    state = {}

    def cli(*argv):
        env = dict(os.environ, HERD_GRID_URL=grid.control_url, HERD_GRID_TOKEN=grid.owner_token)
        done = subprocess.run([herd, "grid", *argv], env=env, capture_output=True, text=True,
                              timeout=300)
        return done.returncode, done.stdout, done.stderr

    def shown():
        code, d = grid.api("GET", f"/api/grid/v1/deployments/{NAME}")
        assert code == 200, d
        return d

    def client():
        url = f"http://{HOST}:{grid.gateway_port}"
        if "client" not in state:
            client_id, secret = Mastodon.create_app("lifecycle", api_base_url=url, scopes=["read", "write"])
            m = Mastodon(client_id=client_id, client_secret=secret, api_base_url=url)
            m.log_in(state["deployed"]["admin_email"], state["deployed"]["admin_password"],
                     scopes=["read", "write"])
            state["client"] = m
        return state["client"]

    def status_there(status_id):
        code, _ = grid.through_gateway(HOST, f"/api/v1/statuses/{status_id}")
        return code == 200

    def exe_of(pid):
        return os.readlink(f"/proc/{pid}/exe")

    def body():
        grid.start()
        node = grid.add_node("a", None, "alpha", "BE", 4, 8192, 100, machine=2)
        other = grid.add_node("b", None, "beta", "EG", 2, 4096, 50, machine=3)
        big = grid.add_node("c", None, "gamma", "NL", 8, 4096, 200, machine=4)

        def cgroup_limits(on):
            """(memory bytes, cpu quota) of the instance's cgroup on node `on`."""
            if shown()["live"]["cgroup"] == "v1":
                return (grid.cgroup_value("memory", NAME, "memory.limit_in_bytes", on.cgroup_parent),
                        grid.cgroup_value("cpu", NAME, "cpu.cfs_quota_us", on.cgroup_parent))
            with open(f"/sys/fs/cgroup/{on.cgroup_parent}/{NAME}/memory.max") as f:
                memory = int(f.read())
            with open(f"/sys/fs/cgroup/{on.cgroup_parent}/{NAME}/cpu.max") as f:
                return memory, int(f.read().split()[0])

        def deploy_and_observe():
            code, d = grid.api("POST", "/api/grid/v1/deployments", {
                "name": NAME, "package": "minimum", "node_id": node.id,
                "admin_email": "life@example.com"})
            assert code == 201, d
            state["deployed"] = d
            state["first"] = client().status_post("before any backup")["id"]

            def observed():
                h = shown()["health"]
                return h["ready"] and h["status_count"] and h["status_count"] >= 1 and h

            # The post's count can be sampled between its commit and its request's log line (a
            # line is written up to 5 ms after its answer): the line shows by a later sample.
            def logged():
                h = observed()
                return h and any("POST /api/v1/statuses" in line for line in h["log"]) and h
            wait_until(observed, 30, "the instance's counts")
            health = wait_until(logged, 30, "the post's request in the instance's recent log lines")
            assert health["user_count"] >= 1, health
            live = shown()["live"]
            assert live["memory_bytes"] > 0 and live["disk_quota_bytes"] == 10 * 1024 ** 3, live
            code, out, err = cli("show", NAME)
            assert code == 0 and "statuses" in out and "recent log lines" in out, (out, err)

        def backup_and_restore():
            code, backup = grid.api("POST", f"/api/grid/v1/deployments/{NAME}/backups")
            assert code == 201 and backup["bytes"] > 0, backup
            manifest = f"{node.data_dir}/backups/{NAME}/{backup['id']}/manifest.json"
            assert os.path.exists(manifest), manifest
            later = client().status_post("after the backup")["id"]
            code, out, err = cli("backups", NAME)
            assert code == 0 and backup["id"] in out, (out, err)
            code, out, err = cli("restore", NAME, "--backup", backup["id"])
            assert code == 0 and "running" in out, (out, err)
            assert status_there(state["first"]), "the status from before the backup is there"
            assert not status_there(later), "the status posted after the backup is gone"
            code, reply = grid.api("POST", f"/api/grid/v1/deployments/{NAME}/restore",
                                   {"backup": "no-such-backup"})
            assert code == 422 and "no backup" in reply["error"], reply

        def scheduled_backups_are_pruned():
            def two_kept_after_scheduled_ones():
                log = grid.control.log(10 ** 8)
                if log.count("scheduled backup of lifeone taken") < 2:
                    return False
                code, listed = grid.api("GET", f"/api/grid/v1/deployments/{NAME}/backups")
                return code == 200 and len(listed) == 2 and listed
            wait_until(two_kept_after_scheduled_ones, 40, "scheduled backups, two kept")

        def stop_and_start():
            pid = shown()["live"]["pid"]
            used = grid.node(node.id)["used"]
            code, out, err = cli("stop", NAME)
            assert code == 0 and "stopped" in out, (out, err)
            assert grid.through_gateway(HOST)[0] == 404, "the host is down while stopped"
            assert not os.path.exists(f"/proc/{pid}"), "the instance's process is gone"
            time.sleep(3)  # heartbeats pass: a stopped instance is not reported failed
            assert shown()["status"] == "stopped", shown()
            assert grid.node(node.id)["used"] == used, "its capacity stays reserved"
            code, d = grid.api("POST", f"/api/grid/v1/deployments/{NAME}/start")
            assert code == 200 and d["status"] == "running", d
            assert grid.through_gateway(HOST)[0] == 200
            assert status_there(state["first"]), "its data is kept"

        def resize_in_place():
            pid = shown()["live"]["pid"]
            code, d = grid.api("POST", f"/api/grid/v1/deployments/{NAME}/resize", {"package": "standard"})
            assert code == 200 and d["package"] == "standard" and d["memory_mb"] == 4096, d
            live = shown()["live"]
            assert live["pid"] == pid, "resized without a restart"
            memory, quota = cgroup_limits(node)
            assert memory == 4096 * 1024 * 1024, memory
            assert quota == 2 * 100000, quota
            used = grid.node(node.id)["used"]
            assert (used["cpu"], used["memory_mb"], used["disk_gb"]) == (2, 4096, 50), used
            code, reply = grid.api("POST", f"/api/grid/v1/deployments/{NAME}/resize",
                                   {"package": "custom", "cpu": 16, "memory_mb": 1024, "disk_gb": 10})
            assert code == 422 and "does not fit" in reply["error"], reply
            assert "nor on any other node" in reply["error"], reply
            assert shown()["node_id"] == node.id and shown()["package"] == "standard", shown()
            code, out, err = cli("resize", NAME, "--package", "minimum")
            assert code == 0 and "minimum" in out, (out, err)

        def resize_moves_when_it_does_not_fit():
            saved = client().status_post("before the resizes that move it")["id"]
            # 6 cpus: not on node a (4) nor b (2): on c (8), with its new limits
            code, d = grid.api("POST", f"/api/grid/v1/deployments/{NAME}/resize",
                               {"package": "custom", "cpu": 6, "memory_mb": 2048, "disk_gb": 10})
            assert code == 200, d
            assert d["node_id"] == big.id and d["status"] == "running", d
            assert (d["package"], d["cpu"], d["memory_mb"]) == ("custom", 6, 2048), d
            assert d["instance_address"].startswith(big.address + ":"), d
            assert cgroup_limits(big) == (2048 * 1024 * 1024, 6 * 100000)
            assert status_there(saved) and status_there(state["first"]), "its data moved with it"
            used = grid.node(big.id)["used"]
            assert (used["cpu"], used["memory_mb"], used["disk_gb"]) == (6, 2048, 10), used
            assert grid.node(node.id)["used"] == {"cpu": 0, "memory_mb": 0, "disk_gb": 0}
            wait_until(lambda: not os.path.exists(f"{node.data_dir}/instances/{NAME}"), 30,
                       "node a to remove its copy")
            # 6 GB of memory: not on c (4 GB): the CLI moves it back to a
            code, out, err = cli("resize", NAME, "--package", "custom", "--cpu", "2",
                                 "--memory-mb", "6144", "--disk-gb", "10")
            assert code == 0 and "running" in out and f"on node {node.id}" in out, (out, err)
            d = shown()
            assert d["node_id"] == node.id and d["memory_mb"] == 6144, d
            assert cgroup_limits(node) == (6144 * 1024 * 1024, 2 * 100000)
            assert status_there(saved), "its data moved back with it"
            assert grid.node(big.id)["used"] == {"cpu": 0, "memory_mb": 0, "disk_gb": 0}
            code, d = grid.api("POST", f"/api/grid/v1/deployments/{NAME}/resize", {"package": "minimum"})
            assert code == 200 and d["node_id"] == node.id and d["memory_mb"] == 2048, d

        def upgrade_and_roll_back():
            binaries = f"{node.data_dir}/binaries"
            shutil.copy(herd, f"{binaries}/herd-next")
            code, out, err = cli("upgrade", NAME, "--binary", "herd-next")
            assert code == 0 and "running" in out, (out, err)
            pid = shown()["live"]["pid"]
            assert exe_of(pid) == f"{binaries}/herd-next", exe_of(pid)
            assert status_there(state["first"])
            with open(f"{binaries}/herd-broken", "w") as f:
                f.write('#!/bin/sh\n# a release that wipes the database and dies\n'
                        'rm -f "$HERD_DATA_DIR"/herd.sqlite3*\nexit 1\n')
            os.chmod(f"{binaries}/herd-broken", 0o755)
            code, reply = grid.api("POST", f"/api/grid/v1/deployments/{NAME}/upgrade",
                                   {"binary": "herd-broken"})
            assert code == 409 and "rolled back" in reply["error"], reply
            live = shown()["live"]
            assert exe_of(live["pid"]) == f"{binaries}/herd-next", "back on the previous binary"
            assert status_there(state["first"]), "and on the previous data"
            assert shown()["health"]["ready"] is True
            code, reply = grid.api("POST", f"/api/grid/v1/deployments/{NAME}/upgrade",
                                   {"binary": "../../bin/sh"})
            assert code == 422, reply

        def node_lost_redeployed_from_last_backup():
            saved = client().status_post("in the last backup")["id"]
            code, backup = grid.api("POST", f"/api/grid/v1/deployments/{NAME}/backups")
            assert code == 201 and backup["kept_off_node"] is True, backup
            kept = f"{grid.dir}/control/backups/{NAME}"
            assert os.path.exists(f"{kept}/{backup['id']}.tar")
            lost = client().status_post("after the last backup")["id"]
            lab.cut(node.namespace)  # the machine is off the network, with its instance
            # (a scheduled backup may have caught the last status in between)
            newest_is_ours = sorted(os.listdir(kept))[-1] == f"{backup['id']}.tar"
            wait_until(lambda: shown()["status"] == "failed", 20, "the instance reported down")
            assert "is down" in shown()["error"], shown()
            code, out, err = cli("move", NAME, "--node", str(other.id))
            assert code == 0 and "running" in out, (out, err)
            d = shown()
            assert d["node_id"] == other.id and d["status"] == "running", d
            assert d["instance_address"].startswith(other.address + ":"), d
            assert grid.through_gateway(HOST)[0] == 200, "through the gateway after the move"
            state.pop("client")  # a new sign-in through the gateway, on the new node
            assert status_there(saved) and status_there(state["first"]), "the backup's statuses are there"
            if newest_is_ours:
                assert not status_there(lost), "what came after the last backup went with the node"
            used = grid.node(other.id)["used"]
            assert (used["cpu"], used["memory_mb"], used["disk_gb"]) == (1, 2048, 10), used
            assert grid.node(node.id)["used"] == {"cpu": 0, "memory_mb": 0, "disk_gb": 0}, \
                grid.node(node.id)
            assert big.info["status"] == "up" and grid.node(big.id)["status"] == "up"
            lab.cut(node.namespace, up=True)  # the old node is back: it drops its stale copy
            wait_until(lambda: not os.path.exists(f"{node.data_dir}/instances/{NAME}"), 30,
                       "the old node to remove its copy")
            assert grid.through_gateway(HOST)[0] == 200, "still served after the old node is back"

        def delete_removes_backups():
            code, _ = grid.api("DELETE", f"/api/grid/v1/deployments/{NAME}")
            assert code == 200
            assert not os.path.exists(f"{other.data_dir}/backups/{NAME}")

        if not suite.run("deploy, and what the operator sees", deploy_and_observe):
            return
        suite.run("a backup on demand, listed and restored", backup_and_restore)
        suite.run("scheduled backups, the newest two kept", scheduled_backups_are_pruned)
        suite.run("stop and start keep data and capacity", stop_and_start)
        suite.run("resize changes the cgroup limits in place", resize_in_place)
        suite.run("resize to a package that does not fit moves it to another node",
                  resize_moves_when_it_does_not_fit)
        suite.run("upgrade to a new binary; a failing one is rolled back", upgrade_and_roll_back)
        suite.run("a node lost: the instance is redeployed elsewhere from its last backup",
                  node_lost_redeployed_from_last_backup)
        suite.run("delete removes the backups", delete_removes_backups)

    return suite.run_against(grid, body)

if __name__ == "__main__":
    sys.exit(main())
