#!/usr/bin/python3
"""Web Push against a real `herd serve`: subscriptions through Mastodon.py 1.8
(push_subscription_set/get/update/delete) and raw HTTP, and deliveries to a local push receiver
(http.server on 127.0.0.1) that decrypts every message (RFC 8291 aes128gcm, with `cryptography`)
and verifies its VAPID JWT (RFC 8292) against the instance's published key. The server runs with
HERD_ALLOW_HTTP_FEDERATION=true and ALLOWED_PRIVATE_ADDRESSES=127.0.0.1 so that it may POST to
the plain-http loopback receiver.
"""
import base64
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cryptography.exceptions import InvalidSignature  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402
from cryptography.hazmat.primitives.kdf.hkdf import HKDF  # noqa: E402

from harness import T, Suite, create_app, main, mastodon_py, parse_args, password_token, register  # noqa: E402

suite = Suite("push", parse_args(__doc__))
S = suite.state
SUBSCRIPTION = {"id": T.ID, "endpoint": T.URL, "standard": T.BOOL, "alerts": {"mention": T.BOOL, "follow": T.BOOL, "admin.sign_up": T.BOOL},
                "policy": {"all", "followed", "follower", "none"},
                "server_key": T.NESTR}


def b64d(text):
    text = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4))


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# -- the push receiver ---------------------------------------------------------------------------

class Receiver:
    """Records POSTs by path; answers the status set for the path (201 by default)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.statuses = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.requests.append((self.path, dict(self.headers), body))
                    status = receiver.statuses.get(self.path, 201)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def received(self, path):
        with self.lock:
            return [(h, b) for p, h, b in self.requests if p == path]

    def wait(self, path, count, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.received(path)
            if len(got) >= count:
                return got
            time.sleep(0.2)
        return self.received(path)


class Keys:
    """A browser's subscription keys: a P-256 pair and a 16-byte auth secret."""

    def __init__(self):
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.public = self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        self.auth = os.urandom(16)

    def params(self):
        return {"pubkey": self.public, "auth": self.auth}

    def decrypt(self, body):
        """RFC 8291 / RFC 8188 aes128gcm, one record."""
        salt, idlen = body[:16], body[20]
        server_public = body[21:21 + idlen]
        ciphertext = body[21 + idlen:]
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), server_public)
        secret = self.private.exchange(ec.ECDH(), peer)
        ikm = HKDF(hashes.SHA256(), 32, self.auth,
                   b"WebPush: info\x00" + self.public + server_public).derive(secret)
        cek = HKDF(hashes.SHA256(), 16, salt, b"Content-Encoding: aes128gcm\x00").derive(ikm)
        nonce = HKDF(hashes.SHA256(), 12, salt, b"Content-Encoding: nonce\x00").derive(ikm)
        plain = AESGCM(cek).decrypt(nonce, ciphertext, None).rstrip(b"\x00")
        if not plain.endswith(b"\x02"):
            raise ValueError("no last-record delimiter")
        return json.loads(plain[:-1])


def verify_vapid(t, headers, vapid_key, endpoint_origin):
    auth = headers.get("Authorization", "")
    t.require(auth.startswith("vapid t="), "Authorization is a vapid header", auth)
    jwt, _, k = auth[len("vapid t="):].partition(", k=")
    t.eq(k, vapid_key, "k= is the instance's published VAPID key")
    head, claims, signature = jwt.split(".")
    t.eq(json.loads(b64d(head)).get("alg"), "ES256", "the JWT is ES256")
    claims = json.loads(b64d(claims))
    t.eq(claims.get("aud"), endpoint_origin, "aud is the endpoint's origin")
    t.check(time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600, "exp within 24 hours", claims)
    t.check(str(claims.get("sub", "")).startswith("mailto:"), "sub is a mailto: URL", claims)
    raw = b64d(signature)
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64d(vapid_key))
    try:
        public.verify(encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
                      f"{head}.{jwt.split('.')[1]}".encode(), ec.ECDSA(hashes.SHA256()))
        ok = True
    except InvalidSignature:
        ok = False
    t.check(ok, "the VAPID JWT signature verifies with the published key")
    t.eq(headers.get("Content-Encoding"), "aes128gcm", "Content-Encoding")
    t.eq(headers.get("TTL"), "172800", "TTL")
    t.eq(headers.get("Urgency"), "normal", "Urgency")


def fresh_token(user, scope="read write follow push"):
    """A new access token (its own subscription slot) for the user."""
    server = S["server"]
    app = create_app(server, scopes=scope)
    return password_token(server, user.email, user.password, scope=scope, app=app), app


def subscribe_raw(token, path, keys, alerts, policy=None):
    form = {"subscription[endpoint]": S["receiver"].url(path),
            "subscription[keys][p256dh]": b64u(keys.public),
            "subscription[keys][auth]": b64u(keys.auth)}
    for name, on in alerts.items():
        form[f"data[alerts][{name}]"] = "true" if on else "false"
    if policy:
        form["data[policy]"] = policy
    return S["server"].http("POST", "/api/v1/push/subscription", token=token, form=form)


def mention_alice(text="hello"):
    return mastodon_py(S["server"], S["bob"].token).status_post(f"@alice {text}")


# -- cases -----------------------------------------------------------------------------------------

@suite.setup
def start_server_and_register(t):
    S["receiver"] = Receiver()
    S["server"] = suite.server(env={"HERD_ALLOW_HTTP_FEDERATION": "true",
                                    "ALLOWED_PRIVATE_ADDRESSES": "127.0.0.1"})
    S["alice"] = register(S["server"], "alice")
    S["bob"] = register(S["server"], "bob")
    S["carol"] = register(S["server"], "carol")


@suite.case
def vapid_key_is_published(t):
    server = S["server"]
    key = server.api("GET", "/api/v2/instance")["configuration"]["vapid"]["public_key"]
    raw = b64d(key)
    t.require(len(raw) == 65 and raw[0] == 4, "configuration.vapid.public_key is an uncompressed P-256 point", key)
    t.check("=" not in key and "+" not in key and "/" not in key, "base64url without padding", key)
    S["vapid"] = key
    app = server.api("POST", "/api/v1/apps", form={"client_name": "push", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                                   "scopes": "read push"})
    t.eq(app.get("vapid_key"), key, "POST /api/v1/apps gives vapid_key")
    server.stop()
    server.start()
    t.eq(server.api("GET", "/api/v2/instance")["configuration"]["vapid"]["public_key"], key,
         "the key survives a restart")


@suite.case
def mention_follow_favourite_are_pushed(t):
    server, receiver, alice, bob = S["server"], S["receiver"], S["alice"], S["bob"]
    keys = Keys()
    m = mastodon_py(server, alice.token)
    sub = m.push_subscription_set(receiver.url("/alice"), keys.params(), follow_events=True,
                                  favourite_events=True, reblog_events=False, mention_events=True)
    t.eq(sub["endpoint"], receiver.url("/alice"), "endpoint")
    t.eq(sub["server_key"], S["vapid"], "server_key is the VAPID key")
    t.eq((sub["alerts"]["mention"], sub["alerts"]["follow"], sub["alerts"]["reblog"], sub["alerts"]["poll"]),
         (True, True, False, False), "alerts as asked (absent ones off)")
    t.eq(sub["policy"], "all", "policy all")
    t.eq(str(m.push_subscription()["id"]), str(sub["id"]), "push_subscription reads it back")
    t.entity(server.api("GET", "/api/v1/push/subscription", token=alice.token), SUBSCRIPTION,
             "WebPushSubscription")

    bm = mastodon_py(server, bob.token)
    bm.account_follow(alice.account["id"])
    got = receiver.wait("/alice", 1)
    t.require(len(got) >= 1, "a follow is pushed")
    headers, body = got[0]
    verify_vapid(t, headers, S["vapid"], f"http://127.0.0.1:{receiver.port}")
    payload = keys.decrypt(body)
    notes = server.api("GET", "/api/v1/notifications", token=alice.token)
    follow = [n for n in notes if n["type"] == "follow"]
    t.require(follow, "the follow notification exists", notes)
    t.eq(payload.get("notification_type"), "follow", "notification_type")
    t.eq(str(payload.get("notification_id")), follow[0]["id"], "notification_id is the notification's id")
    t.eq(payload.get("access_token"), alice.token, "access_token is the subscribing token")
    t.check(payload.get("title") and "bob" in payload["title"], "a title naming the sender", payload)
    t.check(str(payload.get("icon", "")).startswith("http"), "an icon URL", payload)
    t.eq(payload.get("preferred_locale"), "en", "preferred_locale")

    mention = mention_alice("are you there?")
    got = receiver.wait("/alice", 2)
    t.require(len(got) >= 2, "a mention is pushed")
    payload = keys.decrypt(got[1][1])
    t.eq(payload.get("notification_type"), "mention", "mention type")
    t.check("are you there?" in payload.get("body", ""), "the body is the status text", payload)

    own = m.status_post("favourite this")
    bm.status_favourite(own["id"])
    got = receiver.wait("/alice", 3)
    t.require(len(got) >= 3, "a favourite is pushed")
    t.eq(keys.decrypt(got[2][1]).get("notification_type"), "favourite", "favourite type")

    bm.status_reblog(own["id"])  # reblog alerts are off
    time.sleep(3)
    t.eq(len(receiver.received("/alice")), 3, "no push for an alert that is off")
    S["alice_keys"], S["mention"] = keys, mention


@suite.case
def get_put_delete_round_trip(t):
    server, alice = S["server"], S["alice"]
    got = server.api("GET", "/api/v1/push/subscription", token=alice.token)
    t.entity(got, SUBSCRIPTION, "WebPushSubscription")
    quotes = server.api("PUT", "/api/v1/push/subscription", token=alice.token,
                        form={"data[alerts][quote]": "true", "data[alerts][quoted_update]": "true"})
    t.eq((quotes["alerts"].get("quote"), quotes["alerts"].get("quoted_update")), (True, True),
         "Mastodon 4.5's quote and quoted_update alerts")
    own = server.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "quote this"})
    server.api("POST", "/api/v1/statuses", token=S["bob"].token,
               form={"status": "quoting alice", "quoted_status_id": own["id"]})
    pushed = S["receiver"].wait("/alice", 4)
    t.require(len(pushed) >= 4 and "alice_keys" in S, "a quote is pushed")
    t.eq(S["alice_keys"].decrypt(pushed[3][1]).get("notification_type"), "quote", "quote type")
    r = server.http("PUT", "/api/v1/push/subscription", token=alice.token,
                    form={"data[alerts][reblog]": "true", "data[alerts][admin.sign_up]": "true",
                          "data[policy]": "followed"})
    t.status(r, 200, "PUT")
    updated = r.json()
    t.eq((updated["alerts"]["reblog"], updated["alerts"]["mention"], updated["alerts"]["admin.sign_up"],
          updated["policy"]), (True, True, True, "followed"), "PUT changes the given alerts and the policy")
    t.eq(updated["endpoint"], got["endpoint"], "PUT keeps the endpoint")
    m = mastodon_py(server, alice.token)
    again = m.push_subscription_update(reblog_events=False)
    t.eq(again["alerts"]["reblog"], False, "Mastodon.py push_subscription_update")
    t.eq(server.api("GET", "/api/v1/push/subscription", token=alice.token)["policy"], "followed",
         "GET after PUT")
    r = server.http("DELETE", "/api/v1/push/subscription", token=alice.token)
    t.status(r, 200, "DELETE")
    t.eq(r.json(), {}, "DELETE answers {}")
    t.json_error(server.http("GET", "/api/v1/push/subscription", token=alice.token), 404, "GET after DELETE")
    t.eq(server.http("GET", "/api/v1/push/subscription", token=alice.token).json().get("error"),
         "Record not found", "the 404 message")
    t.json_error(server.http("PUT", "/api/v1/push/subscription", token=alice.token,
                             form={"data[alerts][mention]": "true"}), 404, "PUT without a subscription")


@suite.case
def json_body_as_web_clients_send_it(t):
    server, alice = S["server"], S["alice"]
    token, _ = fresh_token(alice)
    keys = Keys()
    body = {"subscription": {"endpoint": S["receiver"].url("/json"),
                             "keys": {"p256dh": b64u(keys.public), "auth": b64u(keys.auth)}},
            "data": {"alerts": {"mention": True, "status": True, "admin.sign_up": True, "poll": False},
                     "policy": "follower"}}
    r = server.http("POST", "/api/v1/push/subscription", token=token, json_body=body)
    t.status(r, 200, "POST with a JSON body")
    sub = r.json()
    t.entity(sub, SUBSCRIPTION, "WebPushSubscription")
    t.eq((sub["alerts"]["mention"], sub["alerts"]["status"], sub["alerts"]["admin.sign_up"], sub["alerts"]["poll"],
          sub["policy"]), (True, True, True, False, "follower"), "alerts and policy from JSON")
    r = server.http("PUT", "/api/v1/push/subscription", token=token,
                    json_body={"data": {"alerts": {"status": False}, "policy": "all"}})
    t.eq((r.json()["alerts"]["status"], r.json()["alerts"]["mention"], r.json()["policy"]), (False, True, "all"),
         "PUT with a JSON body")
    again = server.http("POST", "/api/v1/push/subscription", token=token, json_body=body).json()
    t.check(again["id"] != sub["id"], "POST again replaces the token's subscription", again)
    server.api("DELETE", "/api/v1/push/subscription", token=token)


@suite.case
def alerts_off_and_policies(t):
    receiver, alice = S["receiver"], S["alice"]
    off_token, _ = fresh_token(alice)
    t.status(subscribe_raw(off_token, "/off", Keys(), {"mention": False}), 200, "subscribe with alerts off")
    none_token, _ = fresh_token(alice)
    t.status(subscribe_raw(none_token, "/none", Keys(), {"mention": True}, policy="none"), 200,
             "subscribe with policy none")
    followed_token, _ = fresh_token(alice)
    t.status(subscribe_raw(followed_token, "/followed", Keys(), {"mention": True}, policy="followed"), 200,
             "subscribe with policy followed (alice does not follow bob)")
    follower_keys = Keys()
    follower_token, _ = fresh_token(alice)
    sub = subscribe_raw(follower_token, "/follower", follower_keys, {"mention": True}, policy="follower")
    t.eq(sub.json().get("policy"), "follower", "policy follower stored")
    mention_alice("policies")
    got = receiver.wait("/follower", 1)
    t.require(got, "policy follower: bob follows alice, so the mention is pushed")
    t.eq(follower_keys.decrypt(got[0][1]).get("access_token"), follower_token, "each token gets its own push")
    time.sleep(2)
    t.eq(len(receiver.received("/off")), 0, "alerts off: nothing sent")
    t.eq(len(receiver.received("/none")), 0, "policy none: nothing sent")
    t.eq(len(receiver.received("/followed")), 0, "policy followed: nothing from an account alice does not follow")
    mastodon_py(S["server"], S["carol"].token).status_post("@alice from carol")
    time.sleep(3)
    t.eq(len(receiver.received("/follower")), 1, "policy follower: nothing from carol, who does not follow alice")


@suite.case
def gone_endpoint_drops_the_subscription(t):
    server, receiver, alice = S["server"], S["receiver"], S["alice"]
    token, _ = fresh_token(alice)
    receiver.statuses["/gone"] = 410
    t.status(subscribe_raw(token, "/gone", Keys(), {"mention": True}), 200, "subscribe")
    mention_alice("are you gone?")
    t.require(receiver.wait("/gone", 1), "the push was attempted")
    deadline = time.time() + 15
    while time.time() < deadline:
        if server.http("GET", "/api/v1/push/subscription", token=token).status == 404:
            break
        time.sleep(0.3)
    t.json_error(server.http("GET", "/api/v1/push/subscription", token=token), 404,
                 "a 410 from the push service deletes the subscription")


@suite.case
def failed_delivery_is_retried(t):
    server, receiver, alice = S["server"], S["receiver"], S["alice"]
    token, _ = fresh_token(alice)
    keys = Keys()
    receiver.statuses["/flaky"] = 503
    t.status(subscribe_raw(token, "/flaky", keys, {"mention": True}), 200, "subscribe")
    mention_alice("try again")
    t.require(receiver.wait("/flaky", 1), "the first attempt arrives")
    receiver.statuses["/flaky"] = 201
    got = receiver.wait("/flaky", 2, timeout=40)
    t.require(len(got) >= 2, "a 503 is retried")
    t.eq(keys.decrypt(got[1][1]).get("notification_type"), "mention", "the retry carries the notification")
    time.sleep(2)
    t.eq(len(receiver.received("/flaky")), 2, "no more attempts after a 201")
    t.eq(server.http("GET", "/api/v1/push/subscription", token=token).status, 200,
         "the subscription stays after a temporary failure")


@suite.case
def revoked_token_drops_the_subscription(t):
    server, receiver, alice = S["server"], S["receiver"], S["alice"]
    token, app = fresh_token(alice)
    t.status(subscribe_raw(token, "/revoked", Keys(), {"mention": True}), 200, "subscribe")
    server.api("POST", "/oauth/revoke", form={"client_id": app["client_id"],
                                              "client_secret": app["client_secret"], "token": token})
    mention_alice("after revoke")
    time.sleep(3)
    t.eq(len(receiver.received("/revoked")), 0, "nothing is pushed for a revoked token")


@suite.case
def bad_input(t):
    server, alice = S["server"], S["alice"]
    token, _ = fresh_token(alice)
    keys = Keys()
    good = {"subscription[endpoint]": S["receiver"].url("/bad"),
            "subscription[keys][p256dh]": b64u(keys.public),
            "subscription[keys][auth]": b64u(keys.auth)}

    def post(what, **changes):
        form = {k: v for k, v in good.items() if k not in changes or changes[k] is not None}
        form.update({k: v for k, v in changes.items() if v is not None})
        return server.http("POST", "/api/v1/push/subscription", token=token, form=form)

    t.json_error(post("", **{"subscription[endpoint]": None}), 422, "missing endpoint")
    t.json_error(post("", **{"subscription[keys][p256dh]": None}), 422, "missing p256dh")
    t.json_error(post("", **{"subscription[keys][auth]": None}), 422, "missing auth")
    t.json_error(post("", **{"subscription[endpoint]": "ftp://example.com/push"}), 422, "an ftp endpoint")
    t.json_error(post("", **{"subscription[endpoint]": "not a url"}), 422, "not a URL")
    t.json_error(post("", **{"subscription[keys][p256dh]": b64u(b"\x04" + b"\x01" * 64)}), 422,
                 "p256dh not on the curve")
    t.json_error(post("", **{"subscription[keys][p256dh]": "%%%"}), 422, "p256dh not base64")
    t.json_error(post("", **{"subscription[keys][auth]": b64u(os.urandom(10))}), 422, "auth not 16 bytes")
    t.json_error(post("", **{"data[policy]": "everyone"}), 422, "an unknown policy")
    t.json_error(server.http("GET", "/api/v1/push/subscription"), 401, "GET without a token")
    t.json_error(server.http("POST", "/api/v1/push/subscription", form=good), 401, "POST without a token")
    read_only, _ = fresh_token(alice, scope="read write")
    t.json_error(server.http("POST", "/api/v1/push/subscription", token=read_only, form=good), 403,
                 "a token without the push scope")
    t.json_error(server.http("GET", "/api/v1/push/subscription", token=token), 404,
                 "nothing was stored by the bad requests")


if __name__ == "__main__":
    main(suite)
