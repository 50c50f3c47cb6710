#!/usr/bin/python3
"""Mail from an instance deployed by `herd grid`: a control plane with its nginx gateway and a node
agent (tests/grid/gridlib.py), an SMTP server (Debian's python3-aiosmtpd, with AUTH, started by the
test) and a deployment whose SMTP settings name it; a person signs up on the instance through the
gateway, the confirmation mail arrives at that server through the settings given to the grid,
and its link (absolute, to the instance's host) confirms the account.

    /usr/bin/python3 tests/grid/test_grid_mail.py --herd build/herd [--keep]
"""
import argparse
import os
import re
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from gridlib import Grid, Suite, free_port, resolve_localhost_subdomains  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402

from mastodon import Mastodon, MastodonAPIError  # noqa: E402

NAME = "mailone"
HOST = f"{NAME}1.localhost"
LOGIN, SECRET = "grid-mailer", "grid-smtp-secret"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--herd", required=True)
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()
    resolve_localhost_subdomains()
    suite = Suite()
    grid = Grid(os.path.abspath(args.herd), keep=args.keep)
    sink = SmtpSink(free_port(), auth=(LOGIN, SECRET)).start()
    state = {}

    def deploy_with_smtp():
        code, d = grid.api("POST", "/api/grid/v1/deployments", {
            "name": NAME, "package": "minimum", "node_id": state["node"].id,
            "admin_email": "owner@example.com", "smtp_host": "127.0.0.1", "smtp_port": sink.port,
            "smtp_username": LOGIN, "smtp_password": SECRET, "smtp_from": "noreply@example.com",
            "smtp_tls": "none"})
        assert code == 201 and d["status"] == "running", d

    def sign_up_mail_arrives_and_confirms():
        url = f"http://{HOST}:{grid.gateway_port}"
        client_id, secret = Mastodon.create_app("grid mail test", api_base_url=url,
                                                scopes=["read", "write"])
        m = Mastodon(client_id=client_id, client_secret=secret, api_base_url=url)
        token = m.create_account("newcomer", "a long enough password", "newcomer@example.net",
                                 agreement=True, scopes=["read", "write"])
        user = Mastodon(access_token=token, api_base_url=url)
        try:
            user.account_verify_credentials()
            raise AssertionError("an unconfirmed account was let in")
        except MastodonAPIError as error:
            assert "confirmed e-mail" in str(error), error
        mails = sink.wait_for(lambda msg: "newcomer@example.net" in msg.rcpt_tos, timeout=60)
        assert mails, f"no mail reached the SMTP server; got {[m.rcpt_tos for m in sink.received()]}"
        mail = mails[0]
        assert mail.authenticated, "the instance authenticated with the grid's SMTP login"
        assert "noreply@example.com" in (mail.header("From") or ""), mail.header("From")
        assert "Confirmation" in (mail.header("Subject") or ""), mail.header("Subject")
        link = re.search(r"(http://[^\s\"<>]+confirmation_token=[^\s\"<>]+)", mail.text)
        assert link and link.group(1).startswith(url + "/auth/confirmation"), mail.text
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(link.group(1).replace("&amp;", "&"), timeout=30) as response:
            assert response.status == 200, response.status
        assert user.account_verify_credentials()["username"] == "newcomer"

    def body():
        grid.start()
        state["node"] = grid.add_node("a", "127.0.0.2", "alpha", "BE", 2, 4096, 50)
        if suite.run("deploy with SMTP settings", deploy_with_smtp):
            suite.run("a sign-up's confirmation mail goes through the given server",
                      sign_up_mail_arrives_and_confirms)

    try:
        return suite.run_against(grid, body)
    finally:
        sink.stop()


if __name__ == "__main__":
    sys.exit(main())
