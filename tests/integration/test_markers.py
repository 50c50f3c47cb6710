#!/usr/bin/python3
"""Read positions (markers) against a real `herd serve`, with Mastodon.py 1.8 (markers_get,
markers_set) and raw HTTP: a saved position comes back with a growing version, per account and per
timeline, and survives a restart.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import T, Suite, main, mastodon_py, parse_args, register  # noqa: E402

suite = Suite("markers", parse_args(__doc__))
S = suite.state
MARKER = {"last_read_id": T.ID, "version": T.INT, "updated_at": T.TIME}


@suite.setup
def start_server_and_register(t):
    S["server"] = suite.server()
    S["alice"] = register(S["server"], "alice")
    S["bob"] = register(S["server"], "bob")


@suite.case
def save_and_read_positions(t):
    server, alice = S["server"], S["alice"]
    m = mastodon_py(server, alice.token)
    t.eq(server.api("GET", "/api/v1/markers", token=alice.token, query={"timeline[]": "home"}), {},
         "no marker before one is saved")
    status = m.status_post("something to read")
    saved = m.markers_set(["home"], [status["id"]])
    t.eq(str(saved["home"]["last_read_id"]), str(status["id"]), "markers_set returns the saved home position")
    raw = server.api("GET", "/api/v1/markers", token=alice.token,
                     query=[("timeline[]", "home"), ("timeline[]", "notifications")])
    t.eq(list(raw), ["home"], "only saved timelines are returned")
    t.entity(raw["home"], MARKER, "Marker")
    first_version = raw["home"]["version"]
    r = server.http("POST", "/api/v1/markers", token=alice.token,
                    form={"home[last_read_id]": "12345", "notifications[last_read_id]": "678"})
    t.status(r, 200, "POST both positions as a form")
    both = r.json()
    t.eq((both["home"]["last_read_id"], both["notifications"]["last_read_id"]), ("12345", "678"), "both saved")
    t.check(both["home"]["version"] > first_version, "the version grows on every save", both)
    got = m.markers_get(["home", "notifications"])
    t.eq(str(got["notifications"]["last_read_id"]), "678", "Mastodon.py markers_get reads them back")
    t.eq(server.api("GET", "/api/v1/markers", token=S["bob"].token, query={"timeline[]": "home"}), {},
         "markers are per account")
    server.stop()
    server.start()
    again = server.api("GET", "/api/v1/markers", token=alice.token, query={"timeline[]": "home"})
    t.eq(again["home"]["last_read_id"], "12345", "positions survive a restart")


@suite.case
def bad_input(t):
    server, alice = S["server"], S["alice"]
    t.json_error(server.http("GET", "/api/v1/markers", query={"timeline[]": "home"}), 401, "GET without a token")
    t.json_error(server.http("POST", "/api/v1/markers", token=alice.token, form={"home[last_read_id]": "abc"}),
                 422, "a last_read_id that is not an id")


if __name__ == "__main__":
    main(suite)
