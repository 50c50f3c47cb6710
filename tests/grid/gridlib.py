"""Helpers for the herd grid end-to-end tests: start a control plane (with its nginx gateway)
and node agents on separate loopback addresses, call the REST API, reach instances through the
gateway by host name, and clean everything up (processes, cgroups, data)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

CGROUP_ROOT = "/sys/fs/cgroup"

_real_getaddrinfo = socket.getaddrinfo


def resolve_localhost_subdomains():
    """Browsers resolve *.localhost to loopback; Python's resolver does not. Do as browsers do,
    so that clients (Mastodon.py) use the real host name and nginx routes by it."""
    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return _real_getaddrinfo(host, *args, **kwargs)
    socket.getaddrinfo = getaddrinfo


def free_port(address="127.0.0.1"):
    with socket.socket() as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def http(method, url, body=None, token=None, host=None, timeout=120):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    if host:
        request.add_header("Host", host)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


def wait_until(predicate, timeout, what):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as error:  # noqa: BLE001 - keep polling
            last = error
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def children(pid):
    """The pids of a process's children (every thread's)."""
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


def socket_inodes(pid):
    """The inodes of the sockets a process holds open (from /proc/PID/fd)."""
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(int(target[8:-1]))
    except OSError:
        pass
    return inodes


def listening_ports(inodes):
    """The TCP ports among these socket inodes that are listening (state 0A in /proc/net/tcp)."""
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                for line in f.readlines()[1:]:
                    fields = line.split()
                    if fields[3] == "0A" and int(fields[9]) in inodes:
                        ports.add(int(fields[1].split(":")[1], 16))
        except OSError:
            pass
    return ports


class Process:
    def __init__(self, name, argv, log_path):
        self.name, self.argv, self.log_path = name, argv, log_path
        self.proc = None

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait(10)

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def log(self, tail=4000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")[-tail:]
        except OSError:
            return ""


def ip(*argv):
    subprocess.run(["ip", *argv], check=True, capture_output=True, text=True)


class NetnsLab:
    """Machines of their own on one host: a network namespace per node (`ip netns`), each with a
    veth pair whose host end is on a bridge carrying a private /24; the host (the control plane and
    the gateway) is .1 on that bridge. Created here and removed by cleanup(). Needs root
    (CAP_NET_ADMIN); available() says why not when it cannot be done."""

    def __init__(self):
        self.tag = f"hg{os.getpid() % 100000}"
        pid = os.getpid()
        self.prefix = f"10.{200 + pid % 50}.{(pid // 50) % 250}"
        self.bridge = f"{self.tag}br"
        self.host_address = f"{self.prefix}.1"
        self.namespaces = []
        self.veths = {}
        self.started = False

    @staticmethod
    def available():
        """None when network namespaces can be made here, else the reason."""
        if shutil.which("ip") is None or shutil.which("nsenter") is None:
            return "ip (iproute2) and nsenter (util-linux) are needed"
        probe = f"hgprobe{os.getpid() % 100000}"
        done = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
        if done.returncode != 0:
            return "cannot create a network namespace: " + done.stderr.strip()
        subprocess.run(["ip", "netns", "del", probe], capture_output=True)
        return None

    def start(self):
        if self.started:
            return self
        self.started = True
        ip("link", "add", self.bridge, "type", "bridge")
        # A fixed address: else the bridge takes its ports' lowest, which changes when a machine
        # is added, and the others' ARP entries for the host then point nowhere for a while.
        pid = os.getpid()
        ip("link", "set", self.bridge, "address",
           f"02:68:67:{(pid >> 8) & 0xff:02x}:{pid & 0xff:02x}:01")
        ip("addr", "add", f"{self.host_address}/24", "dev", self.bridge)
        ip("link", "set", self.bridge, "up")
        return self

    def add_machine(self, key, number):
        """A namespace with address <prefix>.<number>; returns (namespace, address)."""
        namespace, host_end = f"{self.tag}{key}", f"{self.tag}{key}h"
        ip("netns", "add", namespace)
        self.namespaces.append(namespace)
        ip("link", "add", host_end, "type", "veth", "peer", "name", "eth0", "netns", namespace)
        self.veths[namespace] = host_end
        ip("link", "set", host_end, "master", self.bridge)
        ip("link", "set", host_end, "up")
        address = f"{self.prefix}.{number}"
        ip("-n", namespace, "addr", "add", f"{address}/24", "dev", "eth0")
        ip("-n", namespace, "link", "set", "eth0", "up")
        ip("-n", namespace, "link", "set", "lo", "up")
        return namespace, address

    def run_in(self, namespace):
        """The argv prefix that runs a command in the namespace's network only (nsenter, not
        `ip netns exec`, which remounts /sys and would hide the cgroup file systems)."""
        return ["nsenter", f"--net=/run/netns/{namespace}"]

    def cut(self, namespace, up=False):
        """Takes the machine off the network (its cable pulled), or puts it back."""
        ip("link", "set", self.veths[namespace], "up" if up else "down")

    def cleanup(self):
        for namespace in self.namespaces:
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)
        for host_end in self.veths.values():
            subprocess.run(["ip", "link", "del", host_end], capture_output=True)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True)


class Grid:
    """A control plane with its gateway and any number of node agents. With a NetnsLab, each
    node runs in a network namespace of its own (add_node(..., machine=N)) and the control plane
    listens on the lab's bridge address."""

    def __init__(self, herd, step_delay_ms=0, keep=False, control_args=(), lab=None):
        self.herd = herd
        self.keep = keep
        self.lab = lab
        self.dir = tempfile.mkdtemp(prefix="herd-grid-e2e.")
        self.owner_token = "owner-" + os.urandom(8).hex()
        self.node_token = "node-" + os.urandom(8).hex()
        control_address = lab.start().host_address if lab else "127.0.0.1"
        self.control_port = free_port(control_address)
        self.gateway_port = free_port()
        self.control_url = f"http://{control_address}:{self.control_port}"
        self.gateway_url = f"http://127.0.0.1:{self.gateway_port}"
        self.cgroup_parent = f"herd-e2e-{os.getpid()}"
        self.cgroup_parents = {self.cgroup_parent}
        self.nodes = {}
        self.control = Process("control", [
            herd, "grid", "control", "--data", f"{self.dir}/control",
            "--listen", f"{control_address}:{self.control_port}",
            "--gateway-listen", f"127.0.0.1:{self.gateway_port}",
            "--owner-token", self.owner_token, "--node-token", self.node_token,
            "--node-timeout-ms", "3000", "--health-timeout-ms", "60000",
            "--test-step-delay-ms", str(step_delay_ms),
            "--instance-env", "HERD_PASSWORD_GRANT=true", *control_args,
        ], f"{self.dir}/control.log")

    def start(self):
        self.control.start()
        wait_until(lambda: self.api("GET", "/api/grid/v1/packages")[0] == 200, 30,
                   "the control plane")
        return self

    def add_node(self, key, address, farm, country, cpu, memory_mb, disk_gb, extra=(),
                 own_cgroups=False, machine=None):
        """own_cgroups: the node's instances in a cgroup parent of their own, as on a machine of
        its own (two nodes may then run an instance of the same name). machine=N: in a network
        namespace of the lab, at <prefix>.N (address is then ignored; own cgroups)."""
        prefix, namespace = [], None
        if machine is not None:
            namespace, address = self.lab.add_machine(key, machine)
            prefix, port, own_cgroups = self.lab.run_in(namespace), 7400, True
        else:
            port = free_port(address)
        parent = f"{self.cgroup_parent}-{key}" if own_cgroups else self.cgroup_parent
        self.cgroup_parents.add(parent)
        node = Process(f"node {key}", [
            *prefix, self.herd, "grid", "node", "--control", self.control_url, "--token", self.node_token,
            "--farm", farm, "--country", country, "--cpu", str(cpu), "--memory-mb", str(memory_mb),
            "--disk-gb", str(disk_gb), "--listen", f"{address}:{port}",
            "--data", f"{self.dir}/node-{key}", "--cgroup-parent", parent, *extra,
        ], f"{self.dir}/node-{key}.log")
        node.data_dir = f"{self.dir}/node-{key}"
        node.address = address
        node.namespace = namespace
        node.cgroup_parent = parent
        self.nodes[key] = node.start()

        def registered():
            for n in self.all_nodes():
                if n["address"] == address and n["status"] == "up":
                    return n
            return None
        node.info = wait_until(registered, 30, f"node {key} to register")
        node.id = node.info["id"]
        return node

    def api(self, method, path, body=None, token="owner"):
        token = self.owner_token if token == "owner" else token
        return http(method, self.control_url + path, body, token=token)

    def all_nodes(self):
        status, nodes = self.api("GET", "/api/grid/v1/nodes?all=true")
        assert status == 200, nodes
        return nodes

    def node(self, node_id):
        return next(n for n in self.all_nodes() if n["id"] == node_id)

    def through_gateway(self, host, path="/health"):
        return http("GET", self.gateway_url + path, host=f"{host}:{self.gateway_port}", timeout=15)

    def route_files(self):
        folder = f"{self.dir}/control/gateway/conf.d"
        return sorted(os.listdir(folder)) if os.path.isdir(folder) else []

    def cgroup_value(self, controller, name, file, parent=None):
        path = f"{CGROUP_ROOT}/{controller}/{parent or self.cgroup_parent}/{name}/{file}"
        with open(path) as f:
            return int(f.read().strip())

    def logs(self):
        out = [f"--- control ---\n{self.control.log()}"]
        for key, node in self.nodes.items():
            out.append(f"--- node {key} ---\n{node.log()}")
        return "\n".join(out)

    def all_logs_text(self):
        """Every log the grid wrote (control plane, agents, instances, nginx)."""
        text = []
        for root, _, files in os.walk(self.dir):
            for name in files:
                if name.endswith((".log", ".out")):
                    try:
                        with open(os.path.join(root, name), "rb") as f:
                            text.append(f.read().decode(errors="replace"))
                    except OSError:
                        pass
        return "\n".join(text)

    def cleanup(self):
        for node in self.nodes.values():
            node.stop()
        self.control.stop()
        if self.lab:
            self.lab.cleanup()
        for controller, name in [(c, p) for c in ("memory", "cpu") for p in self.cgroup_parents]:
            parent = f"{CGROUP_ROOT}/{controller}/{name}"
            if os.path.isdir(parent):
                for child in os.listdir(parent):
                    if os.path.isdir(os.path.join(parent, child)):
                        try:
                            os.rmdir(os.path.join(parent, child))
                        except OSError:
                            pass
                try:
                    os.rmdir(parent)
                except OSError:
                    pass
        # Loop-mounted instance disks left by a node that could not clean up (killed).
        with open("/proc/self/mounts") as f:
            mounts = [line.split()[1] for line in f if line.split()[1].startswith(self.dir + "/")]
        for mount in sorted(mounts, reverse=True):
            subprocess.run(["umount", "-l", mount], check=False)
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


class Suite:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, fn, *args):
        started = time.time()
        try:
            fn(*args)
            self.passed += 1
            print(f"PASS {name} ({time.time() - started:.1f}s)", flush=True)
            return True
        except Exception as error:  # noqa: BLE001
            self.failed += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
            return False

    def finish(self, grid=None):
        if self.failed and grid is not None:
            print(grid.logs(), file=sys.stderr)
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        return 1 if self.failed else 0

    def run_against(self, grid, body):
        """Runs body() (which starts the grid and runs the steps), then reports and cleans up:
        returns the exit code."""
        try:
            body()
        except Exception as error:  # noqa: BLE001
            self.failed += 1
            print(f"FAIL setup: {error}", flush=True)
        finally:
            code = self.finish(grid)
            grid.cleanup()
        return code
