#!/usr/bin/python3
"""End-to-end test of the gateway's certificates by ACME: Debian's pebble (the ACME test server)
with pebble-challtestsrv as its DNS (every name on 127.0.0.1), a control plane whose gateway
answers HTTP-01 challenges and runs Debian's lego, a node agent and a real instance. A deploy gets
a certificate for its subdomain from pebble; the instance answers over TLS with it (checked
against pebble's root, by SNI); renewal replaces it (forced with a renewal window of 100 years).
Custom domains: an existing deployment takes one (CLI) and a deploy may carry one (API); each is
verified by the HTTP-01 challenge pebble makes to it through the gateway and served with its own
certificate, renewed as the others; a domain whose DNS points elsewhere is refused and changes
nothing; removing one stops serving it.

    /usr/bin/python3 tests/grid/test_acme.py --herd build/herd [--keep]
"""
import argparse
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gridlib import Grid, Process, Suite, free_port, wait_until  # noqa: E402

NAME = "tlsone"
DOMAIN = f"{NAME}1.localhost"
CUSTOM = "social.example.test"
SECOND = "two.example.org"
ELSEWHERE = "elsewhere.example.test"


def self_signed(folder, name, cn):
    cert, key = f"{folder}/{name}.pem", f"{folder}/{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", key, "-out", cert, "-subj", f"/CN={cn}",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


def served_certificate(port, root_pem, domain=DOMAIN):
    """The certificate the gateway presents for the domain (verified against pebble's root), and
    the status of GET /api/v1/instance over that connection."""
    context = ssl.create_default_context(cadata=root_pem)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=domain) as tls:
            cert = tls.getpeercert()
            tls.sendall(f"GET /api/v1/instance HTTP/1.1\r\nHost: {domain}:{port}\r\n"
                        "Connection: close\r\n\r\n".encode())
            reply = b""
            while chunk := tls.recv(65536):
                reply += chunk
    status = int(reply.split(b" ", 2)[1])
    body = json.loads(reply.split(b"\r\n\r\n", 1)[1]) if status == 200 else None
    return cert, status, body


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--herd", required=True)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    for tool in ("pebble", "pebble-challtestsrv", "lego", "openssl"):
        if not shutil.which(tool):
            print(f"{tool} is missing: scripts/deps installs Debian's pebble and lego", file=sys.stderr)
            return 1
    folder = tempfile.mkdtemp(prefix="herd-acme-e2e.")
    pebble_cert, pebble_key = self_signed(folder, "pebble", "127.0.0.1")
    gateway_cert, gateway_key = self_signed(folder, "gateway", "localhost")
    acme_port, management_port, dns_port, tls_port, dns_management_port = \
        (free_port() for _ in range(5))
    grid = Grid(os.path.abspath(args.herd), keep=args.keep, control_args=(
        "--tls-certificate", gateway_cert, "--tls-key", gateway_key, "--tls-port", str(tls_port),
        "--acme-directory", f"https://127.0.0.1:{acme_port}/dir", "--acme-email", "ops@example.com",
        "--acme-ca-file", pebble_cert, "--acme-renew-days", "36500", "--acme-check-seconds", "5"))
    with open(f"{folder}/pebble.json", "w") as f:
        json.dump({"pebble": {
            "listenAddress": f"127.0.0.1:{acme_port}",
            "managementListenAddress": f"127.0.0.1:{management_port}",
            "certificate": pebble_cert, "privateKey": pebble_key,
            "httpPort": grid.gateway_port, "tlsPort": free_port(), "ocspResponderURL": "",
            "externalAccountBindingRequired": False}}, f)
    dns = Process("challtestsrv", ["pebble-challtestsrv", "-dns01", f"127.0.0.1:{dns_port}",
                                   "-http01", "", "-https01", "", "-tlsalpn01", "",
                                   "-management", f"127.0.0.1:{dns_management_port}",
                                   "-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""],
                  f"{folder}/challtestsrv.log")
    os.environ.update(PEBBLE_VA_NOSLEEP="1", PEBBLE_WFE_NONCEREJECT="0")
    pebble = Process("pebble", ["pebble", "-config", f"{folder}/pebble.json",
                                "-dnsserver", f"127.0.0.1:{dns_port}"], f"{folder}/pebble.log")
    suite = Suite()
    state = {}

    def body():
        dns.start()
        pebble.start()
        context = ssl.create_default_context(cafile=pebble_cert)

        def pebble_root():
            with urllib.request.urlopen(f"https://127.0.0.1:{management_port}/roots/0",
                                        context=context, timeout=5) as reply:
                return reply.read().decode()
        state["root"] = wait_until(pebble_root, 20, "pebble")
        grid.start()
        node = grid.add_node("a", "127.0.0.2", "alpha", "BE", 2, 4096, 50)

        def deploy_gets_a_certificate():
            code, d = grid.api("POST", "/api/grid/v1/deployments", {
                "name": NAME, "node_id": node.id, "admin_email": "tls@example.com"})
            assert code == 201, d
            assert d["url"] == f"https://{DOMAIN}:{tls_port}", d
            cert, status, instance = served_certificate(tls_port, state["root"])
            names = [v for k, v in cert["subjectAltName"] if k == "DNS"]
            assert names == [DOMAIN], cert
            issuer = dict(x[0] for x in cert["issuer"])
            assert "Pebble" in issuer.get("commonName", ""), issuer
            assert status == 200 and instance["uri"] == f"{DOMAIN}:{tls_port}", (status, instance)
            state["serial"] = cert["serialNumber"]
            assert f"certificate for {DOMAIN} issued by ACME" in grid.control.log(10 ** 8)

        def cli(*argv):
            env = dict(os.environ, HERD_GRID_URL=grid.control_url, HERD_GRID_TOKEN=grid.owner_token)
            done = subprocess.run([grid.herd, "grid", *argv], env=env, capture_output=True,
                                  text=True, timeout=300)
            return done.returncode, done.stdout, done.stderr

        def served_by_pebble(domain):
            cert, status, instance = served_certificate(tls_port, state["root"], domain)
            names = [v for k, v in cert["subjectAltName"] if k == "DNS"]
            assert names == [domain], cert
            assert "Pebble" in dict(x[0] for x in cert["issuer"]).get("commonName", ""), cert
            return cert, status, instance

        def gateway_certificate_for(domain):
            context = ssl.create_default_context(cafile=gateway_cert)
            context.check_hostname = False
            with socket.create_connection(("127.0.0.1", tls_port), timeout=10) as raw:
                with context.wrap_socket(raw, server_hostname=domain) as tls:
                    return dict(x[0] for x in tls.getpeercert()["subject"])["commonName"]

        def existing_deployment_takes_a_custom_domain():
            code, out, err = cli("domain", NAME, CUSTOM)
            assert code == 0 and f"custom domain {CUSTOM} verified" in out, (out, err)
            cert, status, instance = served_by_pebble(CUSTOM)
            assert status == 200 and instance["title"] == NAME, (status, instance)
            state["custom_serial"] = cert["serialNumber"]
            code, d = grid.api("GET", f"/api/grid/v1/deployments/{NAME}")
            assert d["custom_domain"] == CUSTOM and d["custom_url"] == f"https://{CUSTOM}:{tls_port}", d
            _, status, _ = served_certificate(tls_port, state["root"])
            assert status == 200, "its own subdomain is still served"
            assert f"certificate for {CUSTOM} issued by ACME" in grid.control.log(10 ** 8)

        def a_domain_pointing_elsewhere_is_refused():
            # its DNS (challtestsrv) points at an address where no gateway listens
            request = urllib.request.Request(
                f"http://127.0.0.1:{dns_management_port}/add-a", method="POST",
                data=json.dumps({"host": ELSEWHERE + ".", "addresses": ["127.0.0.9"]}).encode())
            urllib.request.urlopen(request, timeout=5).read()
            code, reply = grid.api("POST", f"/api/grid/v1/deployments/{NAME}/domain",
                                   {"domain": ELSEWHERE})
            assert code == 422 and "could not be verified" in reply["error"], (code, reply)
            code, d = grid.api("GET", f"/api/grid/v1/deployments/{NAME}")
            assert d["custom_domain"] == CUSTOM, "the verified domain is kept"
            assert gateway_certificate_for(ELSEWHERE) == "localhost", "not served"
            assert grid.through_gateway(ELSEWHERE)[0] == 404
            _, status, _ = served_by_pebble(CUSTOM)
            assert status == 200
            for bad, wanted in (("not a domain", 422), ("x.localhost", 422), (CUSTOM, 409),
                                (ELSEWHERE, 422)):  # the last one rolled back after its start
                code, reply = grid.api("POST", "/api/grid/v1/deployments", {
                    "name": "tlsbad", "node_id": node.id, "admin_email": "bad@example.com",
                    "custom_domain": bad})
                assert code == wanted, (bad, code, reply)
            assert grid.api("GET", "/api/grid/v1/deployments/tlsbad")[0] == 404

        def a_deploy_with_a_custom_domain():
            code, d = grid.api("POST", "/api/grid/v1/deployments", {
                "name": "tlstwo", "node_id": node.id, "admin_email": "two@example.com",
                "custom_domain": SECOND.upper()})
            assert code == 201 and d["custom_domain"] == SECOND, d
            _, status, instance = served_by_pebble(SECOND)
            assert status == 200 and instance["title"] == "tlstwo", (status, instance)

        def renewal_replaces_it():
            def renewed():
                cert, status, _ = served_certificate(tls_port, state["root"])
                custom, custom_status, _ = served_certificate(tls_port, state["root"], CUSTOM)
                return status == 200 and cert["serialNumber"] != state["serial"] and \
                    custom_status == 200 and custom["serialNumber"] != state["custom_serial"]
            wait_until(renewed, 90, "renewed certificates served, the custom domain's too")

        def removing_the_custom_domain():
            code, out, err = cli("domain", NAME, "--remove")
            assert code == 0 and "no custom domain" in out, (out, err)
            assert gateway_certificate_for(CUSTOM) == "localhost"
            assert grid.through_gateway(CUSTOM)[0] == 404
            code, d = grid.api("GET", f"/api/grid/v1/deployments/{NAME}")
            assert d["custom_domain"] is None, d

        def other_names_get_the_default_certificate():
            context = ssl.create_default_context(cafile=gateway_cert)
            context.check_hostname = False
            with socket.create_connection(("127.0.0.1", tls_port), timeout=10) as raw:
                with context.wrap_socket(raw, server_hostname="unknown.localhost") as tls:
                    assert dict(x[0] for x in tls.getpeercert()["subject"])["commonName"] == "localhost"

        if not suite.run("a deploy gets its certificate from pebble and serves TLS with it",
                         deploy_gets_a_certificate):
            return
        suite.run("an existing deployment takes a custom domain, verified by HTTP-01",
                  existing_deployment_takes_a_custom_domain)
        suite.run("a custom domain whose DNS points elsewhere is refused",
                  a_domain_pointing_elsewhere_is_refused)
        suite.run("a deploy with a custom domain", a_deploy_with_a_custom_domain)
        suite.run("renewal replaces the certificates", renewal_replaces_it)
        suite.run("removing the custom domain stops serving it", removing_the_custom_domain)
        suite.run("a name without a deployment gets the gateway's certificate",
                  other_names_get_the_default_certificate)

    try:
        return suite.run_against(grid, body)
    finally:
        pebble.stop()
        dns.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        time.sleep(0)


if __name__ == "__main__":
    sys.exit(main())
