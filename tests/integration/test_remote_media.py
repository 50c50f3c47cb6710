#!/usr/bin/python3
"""Remote media against a real `herd serve` and two scriptable ActivityPub peers (the fake server of
tests/federation/fedlib.py on 127.0.0.1, which logs every GET):

- a remote actor's avatar and header (a JPEG photo carrying EXIF GPS, made by FFmpeg and tagged by
  exiftool) are fetched once and served by herd itself: the API's `avatar`/`header` turn into herd's
  URLs, the files are 400x400 and 1500x500 without any GPS tag (also on disk);
- an avatar that cannot be fetched keeps the remote URL and is listed by `herd admin media failures`;
- an Update(Person) with a new avatar URL gets the new image fetched and the old copy removed;
- a restart changes nothing (no refetch, same URLs, files served);
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "federation"))

from harness import (ADMIN_EMAIL, Suite, eventually, free_port, http, main, parse_args,  # noqa: E402
                     password_token, register, run_herd_once)
from fedlib import FakeServer  # noqa: E402

suite = Suite("remote media", parse_args(__doc__))
S = suite.state
FEDERATION = {"ALLOWED_PRIVATE_ADDRESSES": "127.0.0.1", "HERD_ALLOW_HTTP_FEDERATION": "true"}
ADMIN_SCOPES = "read write follow push admin:read admin:write"
FILES = "/system/media_attachments/files/"


def run(cmd):
    return subprocess.run(cmd, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)


def ffmpeg(*args):
    p = run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args])
    assert p.returncode == 0, p.stderr.decode()


def image_file(name, source, size, gps=False):
    path = os.path.join(S["tmp"], name)
    ffmpeg("-f", "lavfi", "-i", f"{source}:size={size}" if "=" in source else f"{source}=size={size}",
           "-frames:v", "1", path)
    if gps:
        p = run(["exiftool", "-overwrite_original", "-GPSLatitude=48.8584", "-GPSLatitudeRef=N",
                 "-GPSLongitude=2.2945", "-GPSLongitudeRef=E", "-Make=HerdCam", path])
        assert p.returncode == 0, p.stderr.decode()
    with open(path, "rb") as f:
        return f.read()


def exif(data):
    with tempfile.NamedTemporaryFile(delete=False, dir=S["tmp"]) as f:
        f.write(data)
    p = run(["exiftool", "-j", "-a", "-G1", "-n", f.name])
    return json.loads(p.stdout)[0] if p.stdout else {}


def gps_tags(data):
    return sorted(k for k in exif(data) if "GPS" in k)


def size_of(data):
    """(width, height) as FFmpeg decodes the image."""
    with tempfile.NamedTemporaryFile(delete=False, dir=S["tmp"]) as f:
        f.write(data)
    p = run(["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", f.name])
    stream = json.loads(p.stdout or b"{}").get("streams", [{}])[0]
    return stream.get("width"), stream.get("height")


def serve(peer, path, data, content_type):
    peer.files[path] = (data, content_type)
    return peer.base() + path


def actor(peer, name, avatar=None, header=None):
    uri = peer.actor(name)
    doc = peer.actors[name]["doc"]
    if avatar:
        doc["icon"] = {"type": "Image", "mediaType": "image/jpeg", "url": avatar}
    if header:
        doc["image"] = {"type": "Image", "mediaType": "image/jpeg", "url": header}
    return uri


def resolve(peer, name):
    server, lou = S["server"], S["lou"]
    found = server.api("GET", "/api/v2/search", token=lou.token,
                       query={"q": f"{name}@{peer.host}", "resolve": "true", "type": "accounts"})
    return found["accounts"][0] if found["accounts"] else None


def account(account_id):
    return S["server"].api("GET", f"/api/v1/accounts/{account_id}", token=S["lou"].token)


def local(url):
    return url.startswith(S["server"].url + FILES)


def stored_path(url):
    """The file under the data folder that a herd media URL names."""
    return os.path.join(S["server"].data_dir, "media", url.split(FILES, 1)[1])


def fetch(t, url, what):
    r = http(S["server"].url, "GET", url.removeprefix(S["server"].url))
    t.require(r.status == 200, f"{what} is served", r.status)
    return r.body


def server_log():
    return S["server"].stdout_text() + S["server"].stderr_text()


def media_failures():
    """What `herd admin media failures` prints."""
    server = S["server"]
    rc, out, err = run_herd_once(server.herd, server.environment(), ("admin", "media", "failures"), timeout=60)
    assert rc == 0, err
    return out


def fake_peer():
    port = free_port()
    peer = FakeServer(f"127.0.0.1:{port}", address="127.0.0.1", port=port).start()
    return peer


@suite.setup
def peers_and_server(t):
    S["tmp"] = tempfile.mkdtemp(prefix="herd-it-remote-media-")
    peer = S["peer"] = fake_peer()
    other = S["other"] = fake_peer()
    S["photo"] = image_file("photo.jpg", "testsrc2", "600x400", gps=True)
    t.require(gps_tags(S["photo"]), "the remote photo carries GPS tags (precondition)")
    S["banner"] = image_file("banner.jpg", "testsrc2", "900x300", gps=True)
    S["square"] = image_file("square.png", "color=c=0x3366cc", "300x300")
    S["painter"] = actor(peer, "painter", avatar=serve(peer, "/files/painter.jpg", S["photo"], "image/jpeg"),
                         header=serve(peer, "/files/banner.jpg", S["banner"], "image/jpeg"))
    actor(peer, "broken", avatar=peer.base() + "/files/missing.jpg")
    server = S["server"] = suite.server(env=FEDERATION)
    S["lou"] = register(server, "lou")
    S["admin"] = password_token(server, ADMIN_EMAIL, server.admin_password, scope=ADMIN_SCOPES)


@suite.case
def remote_avatar_and_header_are_stored_here(t):
    peer = S["peer"]
    found = resolve(peer, "painter")
    t.require(found, "lou finds painter")
    S["painter_id"] = found["id"]
    t.check(found["avatar"] in (peer.base() + "/files/painter.jpg",) or local(found["avatar"]),
            "at first the avatar is the remote URL (or already herd's copy)", found["avatar"])
    got = eventually(lambda: (lambda a: a if local(a["avatar"]) and local(a["header"]) else None)(
        account(found["id"])), timeout=30)
    t.require(got, "the avatar and header turn into herd's own URLs", account(found["id"]))
    S["avatar1"] = got["avatar"]
    t.eq(got["avatar_static"], got["avatar"], "avatar_static of a still image is the same file")
    t.eq(got["header_static"], got["header"], "header_static of a still image is the same file")
    avatar = fetch(t, got["avatar"], "herd's copy of the avatar")
    t.eq(size_of(avatar), (400, 400), "the avatar is filled and cropped to 400x400")
    t.eq(gps_tags(avatar), [], "no GPS tag in the served avatar")
    t.check(not any(k.endswith(":Make") for k in exif(avatar)), "no camera make in the served avatar")
    header = fetch(t, got["header"], "herd's copy of the header")
    t.eq(size_of(header), (1500, 500), "the header is 1500x500")
    t.eq(gps_tags(header), [], "no GPS tag in the served header")
    for url in (got["avatar"], got["header"]):
        with open(stored_path(url), "rb") as f:
            t.eq(gps_tags(f.read()), [], f"no GPS tag in the stored file of {url}")
    t.eq((peer.fetch_count("/files/painter.jpg"), peer.fetch_count("/files/banner.jpg")), (1, 1),
         "each image was fetched once")


@suite.case
def a_failed_fetch_keeps_the_remote_url_and_is_listed(t):
    peer = S["peer"]
    found = resolve(peer, "broken")
    t.require(found, "lou finds broken")
    remote = peer.base() + "/files/missing.jpg"
    listed = eventually(lambda: remote in media_failures(), timeout=30)
    t.check(listed, "`herd admin media failures` lists the avatar that could not be fetched",
            media_failures())
    out = media_failures()
    t.check("avatar of broken@" in out and "HTTP 404" in out, "with what it was and why", out)
    t.eq(account(found["id"])["avatar"], remote, "the API keeps showing the remote avatar")
    t.eq(peer.fetch_count("/files/missing.jpg"), 1, "a 404 is not retried")
    t.check(remote in server_log(), "the failure is in the server's log")


@suite.case
def a_changed_avatar_is_fetched_again(t):
    peer, server = S["peer"], S["server"]
    new_url = serve(peer, "/files/square.png", S["square"], "image/png")
    doc = peer.actors["painter"]["doc"]
    doc["icon"] = {"type": "Image", "mediaType": "image/png", "url": new_url}
    update = {"@context": "https://www.w3.org/ns/activitystreams", "id": S["painter"] + "#update-1",
              "type": "Update", "actor": S["painter"], "object": doc}
    r = peer.post("painter", server.url + "/inbox", update)
    t.require(r.status in (200, 202), "the Update(Person) is accepted", r.status)
    got = eventually(lambda: (lambda a: a if local(a["avatar"]) and a["avatar"] != S["avatar1"] else None)(
        account(S["painter_id"])), timeout=30)
    t.require(got, "the avatar turns into a new copy of the new image", account(S["painter_id"]))
    S["avatar2"] = got["avatar"]
    t.eq(size_of(fetch(t, got["avatar"], "the new copy")), (400, 400), "the new avatar is 400x400")
    t.eq(peer.fetch_count("/files/square.png"), 1, "the new image was fetched once")
    t.check(not os.path.exists(stored_path(S["avatar1"])), "the old copy's file is removed",
            stored_path(S["avatar1"]))
    t.eq(peer.fetch_count("/files/banner.jpg"), 1, "the unchanged header is not fetched again")


@suite.case
def a_restart_changes_nothing(t):
    peer, server = S["peer"], S["server"]
    before = account(S["painter_id"])
    server.stop()
    server.start()
    after = account(S["painter_id"])
    t.eq((after["avatar"], after["header"]), (before["avatar"], before["header"]), "same URLs after a restart")
    fetch(t, after["avatar"], "the avatar after a restart")
    t.eq((peer.fetch_count("/files/square.png"), peer.fetch_count("/files/banner.jpg")), (1, 1),
         "nothing fetched again")


if __name__ == "__main__":
    main(suite)
