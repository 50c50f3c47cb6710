#!/usr/bin/python3
"""`herd admin backup DEST` while a real `herd serve` takes writes (statuses and media posted
without pause), then `herd admin restore` into an empty data folder and database, and the restored
instance served again on the same address: every status acknowledged before the backup began is
there with its media byte for byte, counters agree with the rows, tokens still work; nothing
half-written. Bad input (an existing DEST, a folder that is no backup, restoring over an instance
without --force) is refused and changes nothing.
"""
import json
import os
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Suite, main, parse_args, parse_link_header, png, register, run_herd_once  # noqa: E402

suite = Suite("backup and restore", parse_args(__doc__))
S = suite.state


def upload(server, token, data):
    boundary = "herdbackupboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return server.api("POST", "/api/v2/media", token=token, body=body, expect=(200, 202),
                      content_type=f"multipart/form-data; boundary={boundary}")


class Writer(threading.Thread):
    """Posts statuses (every fifth with an image) until stopped; records each acknowledgement."""

    def __init__(self, server, user):
        super().__init__(daemon=True)
        self.server, self.user = server, user
        self.acked = []  # (time acknowledged, status id, served image bytes or None)
        self.stopping = threading.Event()
        self.errors = []

    def run(self):
        i = 0
        while not self.stopping.is_set():
            i += 1
            try:
                image = None
                fields = {"status": f"written under load {i}"}
                if i % 5 == 0:
                    media = upload(self.server, self.user.token, png(8, 8, i))
                    fields["media_ids"] = [media["id"]]
                    # The stored file (re-encoded without metadata), as served before the backup.
                    image = self.server.http("GET", media["url"]).body
                status = self.server.api("POST", "/api/v1/statuses", token=self.user.token, json_body=fields)
                self.acked.append((time.monotonic(), status["id"], image))
            except Exception as e:  # noqa: BLE001
                self.errors.append(repr(e))


@suite.setup
def start_server(t):
    S["server"] = suite.server()
    S["alice"] = register(S["server"], "alice")
    S["folder"] = tempfile.mkdtemp(prefix="herd-it-backups-")


@suite.case
def backup_under_write_load_then_restore(t):
    server, alice = S["server"], S["alice"]
    writer = Writer(server, alice)
    writer.start()
    time.sleep(1.5)
    dest = os.path.join(S["folder"], "backup-1")
    began = time.monotonic()
    rc, out, err = run_herd_once(server.herd, server.environment(), args=("admin", "backup", dest), timeout=300)
    time.sleep(1.0)
    writer.stopping.set()
    writer.join(60)
    t.check(rc == 0, "herd admin backup succeeds while the instance takes writes", out + err)
    t.eq(writer.errors, [], "the instance kept answering every write during the backup")
    before = [a for a in writer.acked if a[0] < began]
    t.check(len(before) >= 5 and len(writer.acked) > len(before), "writes before and after the backup began",
            (len(before), len(writer.acked)))
    manifest = json.load(open(os.path.join(dest, "manifest.json")))
    t.eq((manifest["format"], manifest["database"]), ("herd-backup", suite.args.backend), "the manifest")
    t.eq(manifest["media"], {"storage": "local", "included": True}, "the manifest: local media, included")
    t.check(not [n for n in os.listdir(S["folder"]) if ".partial" in n], "no partial folder left behind")

    server.stop()
    restored = suite.server(name="restored", start=False)
    restored.port = server.port  # the same address: URLs in the data stay right
    rc, out, err = run_herd_once(restored.herd, restored.environment(), args=("admin", "restore", dest),
                                 timeout=300)
    t.check(rc == 0, "herd admin restore into an empty data folder and database", out + err)
    restored.start()
    S["restored"] = restored
    account = restored.api("GET", "/api/v1/accounts/verify_credentials", token=alice.token)
    t.eq(account["username"], "alice", "alice's token works on the restored instance")
    ids, path = [], f"/api/v1/accounts/{account['id']}/statuses?limit=40"
    while path:
        r = restored.http("GET", path, token=alice.token)
        page = r.json()
        ids.extend(s["id"] for s in page)
        nexts = [url for url, rel in parse_link_header(r.header("Link")) if rel == "next"]
        path = nexts[0] if nexts and page else None
    missing = [sid for _, sid, _ in before if sid not in ids]
    t.eq(missing, [], "every status acknowledged before the backup began is restored")
    t.eq(account["statuses_count"], len(ids), "the account's counter agrees with its restored statuses")
    images = [(sid, image) for _, sid, image in before if image]
    t.require(images, "some restored statuses carry images")
    for sid, image in images:
        status = restored.api("GET", f"/api/v1/statuses/{sid}", token=alice.token)
        url = status["media_attachments"][0]["url"]
        t.eq(restored.http("GET", url).body, image, f"status {sid}: its image is restored byte for byte")
    S["dest"] = dest


@suite.case
def bad_input_is_refused_and_changes_nothing(t):
    restored, dest = S["restored"], S["dest"]
    env = restored.environment()
    rc, out, err = run_herd_once(restored.herd, env, args=("admin", "backup", dest))
    t.check(rc != 0 and "exists" in err, "a backup never overwrites an existing folder", (rc, err))
    t.check(os.path.exists(os.path.join(dest, "manifest.json")), "which is left as it was")
    nothing = tempfile.mkdtemp(prefix="herd-it-not-a-backup-")
    rc, out, err = run_herd_once(restored.herd, env, args=("admin", "restore", nothing))
    t.check(rc != 0 and "not a herd backup" in err, "a folder without a manifest is no backup", (rc, err))
    shutil.rmtree(nothing)
    restored.stop()
    rc, out, err = run_herd_once(restored.herd, env, args=("admin", "restore", dest))
    t.check(rc != 0 and "--force" in err, "restoring over an instance asks for --force", (rc, err))
    rc, out, err = run_herd_once(restored.herd, env, args=("admin", "restore", dest, "--force"), timeout=300)
    t.check(rc == 0, "and does it with --force", out + err)
    restored.start()
    t.status(restored.http("GET", "/health/ready"), 200, "the instance is ready after a forced restore")


@suite.case
def remove_the_backups(t):
    shutil.rmtree(S["folder"], ignore_errors=True)
    t.check(not os.path.exists(S["folder"]), "the test's backups are removed")


if __name__ == "__main__":
    main(suite)
