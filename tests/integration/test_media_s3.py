#!/usr/bin/python3
"""Media on S3-compatible object storage (Mastodon's S3_* settings) against a real local S3 server.

The server is @20minutes/s3rver from npm (tests/integration/js/s3_server.cjs). Candidates weighed:
s3rver 3.7.1 (npm) parses V4 Authorization headers but never computes the signature, so it
accepts any secret; moto's server is on PyPI only (not Debian, not npm) and checks signatures
only when IAM is set up; MinIO, Garage and SeaweedFS are not packaged in Debian 12, and Debian's
radosgw needs a Ceph cluster. The @20minutes fork of s3rver computes AWS Signature Version 4
for every request and answers SignatureDoesNotMatch otherwise, which is what this test needs.

With S3_ALIAS_HOST (a bucket named like the alias host, served CNAME-style): a JPEG with GPS is
processed, its original and preview are objects in the bucket served at the alias URL without
GPS, nothing is written under the data folder, a video's raw upload object is gone once the
worker has processed it, deleting media and statuses deletes their objects; an animated avatar and
its still first frame (avatar_static) are objects too, removed with the avatar. Without an alias,
URLs are path-style on S3_ENDPOINT. A wrong AWS_SECRET_ACCESS_KEY: the start logs the storage's
refusal, an upload is a clear 503 naming SignatureDoesNotMatch, and the server stays up.
`herd admin backup` with media on S3 says (stdout, its log and manifest.json) that the bucket's
objects are not in the backup and copies none; `herd admin restore` says so again, and the
restored instance serves its posts' media from the bucket as before.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Suite, eventually, http, main, mastodon_py, parse_args, register, run_herd_once,  # noqa: E402
                     upload_raw)

suite = Suite("media on S3", parse_args(__doc__))
S = suite.state
JS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js")
ALIAS = "media.herd.test"


def run(cmd):
    return subprocess.run(cmd, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)


def fetch(url):
    """GET a media URL the way a client whose DNS maps the alias host to this machine would."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc
    base = f"http://127.0.0.1:{S['s3_port']}"
    return http(base, "GET", parts.path, headers={"Host": host})


def objects(bucket):
    """Keys stored by the S3 server (its own folder layout: <bucket>/<key>._S3rver_object)."""
    root = os.path.join(S["s3_dir"], bucket)
    out = []
    for folder, _dirs, names in os.walk(root):
        for n in names:
            if n.endswith("._S3rver_object"):
                out.append(os.path.relpath(os.path.join(folder, n[:-len("._S3rver_object")]), root))
    return sorted(out)


def gps_tags(data):
    with tempfile.NamedTemporaryFile(delete=False, dir=S["tmp"]) as f:
        f.write(data)
    p = run(["exiftool", "-j", "-a", "-G1", f.name])
    return sorted(k for k in (json.loads(p.stdout)[0] if p.stdout else {}) if "GPS" in k)


def s3_env(bucket, secret="S3RVER", alias=None):
    env = {"S3_ENABLED": "true", "S3_BUCKET": bucket, "S3_ENDPOINT": f"http://127.0.0.1:{S['s3_port']}",
           "S3_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": secret}
    if alias:
        env.update({"S3_ALIAS_HOST": alias, "S3_PROTOCOL": "http"})
    return env


@suite.setup
def start_s3_and_herd(t):
    S["tmp"] = tempfile.mkdtemp(prefix="herd-it-s3-")
    S["s3_dir"] = os.path.join(S["tmp"], "s3")
    os.makedirs(S["s3_dir"])
    S["s3"] = subprocess.Popen(["node", os.path.join(JS, "s3_server.cjs"), S["s3_dir"], ALIAS, "herd-media"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    line = S["s3"].stdout.readline()
    t.require(line, "the S3 server started", S["s3"].stderr.read(2000) if not line else "")
    S["s3_port"] = json.loads(line)["port"]
    S["alias"] = f"{ALIAS}:{S['s3_port']}"
    S["server"] = suite.server(env=s3_env(ALIAS, alias=S["alias"]))
    S["alice"] = register(S["server"], "alice")
    S["photo"] = os.path.join(S["tmp"], "photo.jpg")
    p = run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=900x600",
             "-frames:v", "1", S["photo"]])
    t.require(p.returncode == 0, "ffmpeg made the photo", p.stderr)
    run(["exiftool", "-q", "-overwrite_original", "-GPSLatitude=48.8584", "-GPSLatitudeRef=N",
         "-GPSLongitude=2.2945", "-GPSLongitudeRef=E", S["photo"]])
    t.require(gps_tags(open(S["photo"], "rb").read()), "the photo carries GPS (precondition)")
    S["video"] = os.path.join(S["tmp"], "clip.mp4")
    p = run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10",
             "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", S["video"]])
    t.require(p.returncode == 0, "ffmpeg made the video", p.stderr)


def stop_s3():
    if S.get("s3") and S["s3"].poll() is None:
        S["s3"].send_signal(signal.SIGTERM)
        try:
            S["s3"].wait(10)
        except subprocess.TimeoutExpired:
            S["s3"].kill()


@suite.case
def uploads_are_objects_served_at_the_alias(t):
    server, alice = S["server"], S["alice"]
    m = mastodon_py(server, alice.token)
    media = m.media_post(S["photo"], description="on S3")
    prefix = f"http://{S['alias']}/media_attachments/files/"
    t.check(media["url"].startswith(prefix), "url is on S3_ALIAS_HOST", media["url"])
    t.check(media["preview_url"].startswith(prefix), "preview_url too", media["preview_url"])
    for what in ("url", "preview_url"):
        r = fetch(media[what])
        t.status(r, 200, f"GET {what} from the storage")
        t.eq(r.header("Content-Type"), "image/jpeg", f"{what}: Content-Type stored with the object")
        t.eq(gps_tags(r.body), [], f"{what}: no GPS in the object")
    keys = objects(ALIAS)
    key = urllib.parse.urlsplit(media["url"]).path.lstrip("/")
    t.check(key in keys, "the original is an object in the bucket", keys)
    local = [os.path.join(d, n) for d, _s, ns in os.walk(os.path.join(server.data_dir, "media")) for n in ns]
    t.eq(local, [], "nothing under the data folder's media")
    S["photo_media"] = media


@suite.case
def video_upload_object_is_replaced(t):
    server, alice = S["server"], S["alice"]
    with open(S["video"], "rb") as f:
        r = upload_raw(server, alice.token, [("file", f.read(), {"filename": "clip.mp4"})])
    t.status(r, 202, "a video on v2 is queued")
    media_id = r.json()["id"]
    uploads = [k for k in objects(ALIAS) if k.endswith("/upload.mp4")]
    still_queued = server.http("GET", f"/api/v1/media/{media_id}", token=alice.token).status == 206
    done = eventually(lambda: server.http("GET", f"/api/v1/media/{media_id}", token=alice.token).status == 200,
                      timeout=60)
    t.require(done, "the worker processed the video from the bucket")
    media = server.api("GET", f"/api/v1/media/{media_id}", token=alice.token)
    t.eq(fetch(media["url"]).header("Content-Type"), "video/mp4", "the processed video is served from the bucket")
    left = [k for k in objects(ALIAS) if k.endswith("/upload.mp4")]
    if still_queued:
        t.check(uploads, "the raw upload is an object while queued", objects(ALIAS))
    t.eq(left, [], "the raw upload's object is removed once processed")


@suite.case
def deletion_removes_objects(t):
    server, alice = S["server"], S["alice"]
    media = S["photo_media"]
    key = urllib.parse.urlsplit(media["url"]).path.lstrip("/")
    status = server.api("POST", "/api/v1/statuses", token=alice.token,
                        json_body={"status": "a photo", "media_ids": [str(media["id"])]})
    server.api("DELETE", f"/api/v1/statuses/{status['id']}", token=alice.token)
    t.check(key not in objects(ALIAS), "deleting the status deleted the object", objects(ALIAS))
    t.eq(fetch(media["url"]).status, 404, "the URL answers 404 after deletion")
    lone = mastodon_py(server, alice.token).media_post(S["photo"])
    lone_key = urllib.parse.urlsplit(lone["url"]).path.lstrip("/")
    t.check(lone_key in objects(ALIAS), "a new upload is an object")
    server.api("DELETE", f"/api/v1/media/{lone['id']}", token=alice.token)
    t.check(lone_key not in objects(ALIAS), "DELETE /api/v1/media/:id deleted its objects", objects(ALIAS))


@suite.case
def animated_avatar_and_its_still_frame_are_objects(t):
    server, alice = S["server"], S["alice"]
    gif = os.path.join(S["tmp"], "moving.gif")
    p = run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10",
             "-t", "0.5", gif])
    t.require(p.returncode == 0, "ffmpeg made the GIF", p.stderr)
    me = mastodon_py(server, alice.token).account_update_credentials(avatar=gif, avatar_mime_type="image/gif")
    prefix = f"http://{S['alias']}/media_attachments/files/"
    t.check(me["avatar"].startswith(prefix) and me["avatar"].endswith("/original.gif"),
            "the avatar is an object served at S3_ALIAS_HOST", me["avatar"])
    t.check(me["avatar_static"].startswith(prefix) and me["avatar_static"].endswith("/static.png"),
            "avatar_static too", me["avatar_static"])
    for what, content_type in (("avatar", "image/gif"), ("avatar_static", "image/png")):
        r = fetch(me[what])
        t.status(r, 200, f"GET {what} from the storage")
        t.eq(r.header("Content-Type"), content_type, f"{what}: its type")
    keys = [urllib.parse.urlsplit(me[w]).path.lstrip("/") for w in ("avatar", "avatar_static")]
    r = server.http("DELETE", "/api/v1/profile/avatar", token=alice.token)
    t.status(r, 200, "DELETE /api/v1/profile/avatar")
    t.eq([k for k in keys if k in objects(ALIAS)], [], "both objects are removed with the avatar")


@suite.case
def backups_say_that_s3_media_are_not_included(t):
    server, alice = S["server"], S["alice"]
    media = mastodon_py(server, alice.token).media_post(S["photo"], description="kept in the bucket")
    status = server.api("POST", "/api/v1/statuses", token=alice.token,
                        json_body={"status": "before the backup", "media_ids": [str(media["id"])]})
    dest = os.path.join(S["tmp"], "backup")
    rc, out, err = run_herd_once(server.herd, server.environment(), args=("admin", "backup", dest), timeout=120)
    t.require(rc == 0, "herd admin backup succeeds with media on S3", out + err)
    t.check(f"not included: media are on S3 (bucket {ALIAS} at" in out,
            "the backup says the bucket's media are not in it", out)
    t.check("backup: media are on S3" in err, "and logs it", err[-2000:])
    with open(os.path.join(dest, "manifest.json")) as f:
        manifest = json.load(f)
    t.eq((manifest["media"]["storage"], manifest["media"]["included"], manifest["media"]["bucket"]),
         ("s3", False, ALIAS), "manifest.json: media on S3, not included, which bucket")
    copied = [n for _d, _s, ns in os.walk(os.path.join(dest, "data")) for n in ns if n.startswith("original.")]
    t.eq(copied, [], "no media file in the backup")

    server.stop()
    restored = suite.server(name="restored-s3", env=s3_env(ALIAS, alias=S["alias"]), start=False)
    restored.port = server.port
    rc, out, err = run_herd_once(restored.herd, restored.environment(), args=("admin", "restore", dest),
                                 timeout=120)
    t.require(rc == 0, "herd admin restore", out + err)
    t.check(f"not restored: the media were on S3 (bucket {ALIAS})" in out, "the restore says so too", out)
    restored.start()
    S["server"] = restored
    back = restored.api("GET", f"/api/v1/statuses/{status['id']}", token=alice.token)
    url = back["media_attachments"][0]["url"] if back["media_attachments"] else ""
    t.eq(url, media["url"], "the restored post points at the same object")
    t.status(fetch(url), 200, "which the bucket still serves")


@suite.case
def path_style_urls_without_alias(t):
    server = suite.server("pathstyle", env=s3_env("herd-media"))
    user = register(server, "bob")
    media = mastodon_py(server, user.token).media_post(S["photo"])
    prefix = f"http://127.0.0.1:{S['s3_port']}/herd-media/media_attachments/files/"
    t.check(media["url"].startswith(prefix), "url is <S3_ENDPOINT>/<S3_BUCKET>/<key>", media["url"])
    r = http(f"http://127.0.0.1:{S['s3_port']}", "GET", urllib.parse.urlsplit(media["url"]).path)
    t.status(r, 200, "the object is served by the storage")
    server.stop()


@suite.case
def wrong_secret_is_a_clear_error(t):
    server = suite.server("wrongsecret", env=s3_env("herd-media", secret="not-the-secret"))
    logged = eventually(lambda: "SignatureDoesNotMatch" in server.logs_text(), timeout=10)
    t.check(logged, "the start logs the storage's refusal", server.logs_text()[-2000:])
    user = register(server, "carol")
    before = objects("herd-media")
    with open(S["photo"], "rb") as f:
        r = upload_raw(server, user.token, [("file", f.read(), {"filename": "p.jpg"})])
    t.json_error(r, 503, "an upload the storage refuses")
    if r.is_json():
        message = r.json()["error"]
        t.check(message.startswith("Media storage unavailable:") and "SignatureDoesNotMatch" in message,
                "the message says the storage refused the signature", message)
    t.eq(objects("herd-media"), before, "nothing was stored")
    t.check(server.healthy(), "the server is still up")
    server.stop()


if __name__ == "__main__":
    try:
        main(suite)
    finally:
        stop_s3()
