#!/usr/bin/python3
"""The `herd grid` command line (CLI11): every command has --help, which prints its options and
does nothing else; unknown options, unknown commands and bad values are refused with exit code 2
before anything is sent; good commands reach a real control plane (`herd grid control
--no-gateway`, whose log has a line for every request it gets).

    /usr/bin/python3 tests/grid/test_cli.py --herd build/herd
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gridlib import Process, Suite, free_port, http, wait_until  # noqa: E402

COMMANDS = ["up", "control", "node", "deploy", "list", "show", "delete", "stop", "start", "backup",
            "backups", "restore", "upgrade", "resize", "move", "domain", "nodes", "gateways",
            "farms"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--herd", required=True)
    args = parser.parse_args()
    herd = os.path.abspath(args.herd)
    folder = tempfile.mkdtemp(prefix="herd-grid-cli.")
    port = free_port()
    token = "owner-" + os.urandom(8).hex()
    control = Process("control", [herd, "grid", "control", "--no-gateway", "--data", folder,
                                  "--listen", f"127.0.0.1:{port}", "--owner-token", token,
                                  "--node-token", "node-" + os.urandom(8).hex()],
                      f"{folder}/control.log")
    env = dict(os.environ, HERD_GRID_URL=f"http://127.0.0.1:{port}", HERD_GRID_TOKEN=token)
    suite = Suite()

    def grid(*argv, environment=None):
        done = subprocess.run([herd, "grid", *argv], env=environment or env, capture_output=True,
                              text=True, timeout=60)
        return done.returncode, done.stdout, done.stderr

    def requests():
        return [line for line in control.log(10 ** 7).splitlines() if "/api/grid/v1/" in line]

    def every_command_has_help():
        code, out, err = grid("--help")
        assert code == 0, err
        for command in COMMANDS:
            assert f"  {command}" in out, (command, out)
        for command in COMMANDS:
            code, out, err = grid(command, "--help")
            assert code == 0 and "Usage" in out, (command, out, err)
            assert "--help" in out, (command, out)
        _, out, _ = grid("deploy", "--help")
        for option in ("--name", "--package", "--admin-email", "--smtp-host", "--custom-domain",
                       "--url", "--token", "--json"):
            assert option in out, (option, out)
        _, out, _ = grid("control", "--help")
        for option in ("--acme-directory", "--backup-every-seconds", "--gateway-listen"):
            assert option in out, (option, out)
        _, out, _ = grid("node", "--help")
        assert "--disk-quota" in out and "--binaries" in out, out

    def help_does_nothing_else():
        before = len(requests())
        code, out, _ = grid("deploy", "--name", "helped", "--admin-email", "x@example.com", "--help")
        assert code == 0 and "--name" in out
        code, _, _ = grid("delete", "whatever", "--help")
        assert code == 0
        assert len(requests()) == before, requests()[before:]
        code, out, err = grid("list", "--json")
        assert code == 0 and json.loads(out) == [], (out, err)

    def bad_command_lines_are_refused():
        before = len(requests())
        for argv, fragment in [
            (["frobnicate"], "unknown command frobnicate"),
            ([], "A subcommand is required"),
            (["list", "--bogus"], "--bogus"),
            (["show"], "NAME is required"),
            (["show", "a", "b"], "b"),
            (["deploy", "--name", "x", "--package", "huge"], "huge"),
            (["deploy", "--name", "x", "--cpu", "two"], "two"),
            (["deploy", "--name", "x", "--smtp-host", "h", "--smtp-port", "0"], "--smtp-port"),
            (["deploy", "--name", "x", "--smtp-port", "25"], "--smtp-host"),
            (["deploy", "--name", "x", "--smtp-host", "h", "--smtp-tls", "ssl"], "ssl"),
            (["deploy", "--name", "x", "--node", "1", "--farm", "f"], "excludes"),
            (["restore", "x"], "--backup is required"),
            (["upgrade", "x"], "--binary is required"),
            (["resize", "x", "--memory-mb", "-5"], "--memory-mb"),
            (["resize", "x"], "needs --package"),
            (["move", "x", "--node", "0"], "--node"),
            (["domain", "x"], "needs a DOMAIN"),
            (["domain", "x", "social.example.org", "--remove"], "excludes"),
            (["nodes", "--package", "giant"], "giant"),
            (["control", "--tls-port", "0"], "--tls-port"),
            (["control", "--acme-email", "a@example.org"], "--acme-directory"),
            (["control", "--instance-env", "NOEQUALS"], "KEY=VALUE"),
            (["control", "--gateway-listen", "127.0.0.1:http"], "--gateway-listen"),
            (["node", "--token", "t", "--disk-quota", "zfs"], "zfs"),
            (["node", "--token", "t", "--cpu", "0"], "--cpu"),
            (["up", "--disk-quota", "zfs"], "zfs"),
        ]:
            code, out, err = grid(*argv)
            assert code == 2, (argv, code, out, err)
            assert fragment in err, (argv, err)
        no_token = {k: v for k, v in env.items() if k != "HERD_GRID_NODE_TOKEN"}
        code, _, err = grid("node", environment=no_token)
        assert code == 2 and "--token is required" in err, err
        assert len(requests()) == before, requests()[before:]

    def good_command_lines_reach_the_control_plane():
        code, out, err = grid("nodes", "--farm", "alpha", "--cpu", "2", "--all", "--json")
        assert code == 0 and json.loads(out) == [], (out, err)
        assert "GET /api/grid/v1/nodes " in requests()[-1], requests()[-1]
        code, out, err = grid("gateways", "--json")
        assert code == 0 and [g["domain"] for g in json.loads(out)] == ["localhost"], (out, err)
        code, out, err = grid("show", "nothere")
        assert code == 1 and "No deployment named" in err, (out, err)
        # the server's rules, said once for the form, the API and the CLI
        code, out, err = grid("deploy", "--name", "clione")
        assert code == 1 and "Admin email is required" in err, (out, err)
        code, out, err = grid("list", "--url", f"http://127.0.0.1:{port}", "--token", "wrong")
        assert code == 1, (out, err)
        code, out, err = grid("list", "--url", f"http://127.0.0.1:{free_port()}")
        assert code == 1 and "HERD_GRID_URL" in err, (out, err)

    def body():
        control.start()
        wait_until(lambda: http("GET", f"http://127.0.0.1:{port}/api/grid/v1/packages",
                                token=token)[0] == 200, 30, "the control plane")
        suite.run("every command has --help", every_command_has_help)
        suite.run("--help does nothing else", help_does_nothing_else)
        suite.run("unknown commands and options, bad values: exit 2, nothing sent",
                  bad_command_lines_are_refused)
        suite.run("good command lines reach the control plane", good_command_lines_reach_the_control_plane)

    class ControlAlone:
        """What Suite.run_against reports and cleans up: this control plane and its folder."""

        def logs(self):
            return control.log()

        def cleanup(self):
            control.stop()
            shutil.rmtree(folder, ignore_errors=True)

    return suite.run_against(ControlAlone(), body)


if __name__ == "__main__":
    sys.exit(main())
