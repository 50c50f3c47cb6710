#!/usr/bin/python3
"""Avatars and headers against a real `herd serve`, with Mastodon.py 1.8 (account_update_credentials
with files) and raw HTTP (DELETE /api/v1/profile/avatar|header, the ActivityPub actor, the profile
page).

Images are processed as Mastodon does: an avatar is served as exactly 400x400 and a header as
1500x500 (filled and cropped centred), a JPEG photo with EXIF GPS, camera make and a 90° orientation
is served upright and without any metadata, an animated GIF stays animated (every frame) and gets
its first frame as `avatar_static`; the image is on the Account entity, the actor's icon/image and
the profile page; replacing or deleting it removes the old files; anything but an image, or an image
over 8 MB, is a 422 that changes nothing.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mastodon import MastodonAPIError  # noqa: E402

from harness import Suite, main, mastodon_py, parse_args, register  # noqa: E402

suite = Suite("profile images", parse_args(__doc__))
S = suite.state


def png(width, height, seed=0, pad=0):
    rows = b"".join(b"\x00" + bytes((x * 7 + y * 3 + seed) % 256 for x in range(width * 3))
                    for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    extra = chunk(b"tEXt", b"pad\x00" + b"x" * pad) if pad else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + extra + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def write(name, data):
    path = os.path.join(S["tmp"], name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def run(cmd):
    return subprocess.run(cmd, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)


def ffmpeg(*args):
    p = run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args])
    assert p.returncode == 0, p.stderr.decode()


def probe(data):
    """FFmpeg's view of an image file: (codec, width, height, frames)."""
    path = write("probe.bin", data)
    p = run(["ffprobe", "-v", "error", "-count_frames", "-print_format", "json", "-show_streams", path])
    stream = json.loads(p.stdout or b"{}").get("streams", [{}])[0]
    return (stream.get("codec_name"), stream.get("width"), stream.get("height"),
            int(stream.get("nb_read_frames", 0)))


def pixel(data, x, y):
    """The RGB colour at (x, y), decoded by FFmpeg."""
    path = write("pixel.bin", data)
    p = run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-vf", f"crop=1:1:{x}:{y}", "-frames:v", "1",
             "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
    return tuple(p.stdout[:3])


def near(colour, expected):
    return len(colour) == 3 and all(abs(a - b) <= 40 for a, b in zip(colour, expected))


def metadata_tags(data):
    """exiftool's GPS, camera and orientation tags in a file."""
    path = write("exif.bin", data)
    p = run(["exiftool", "-j", "-a", "-G1", "-n", path])
    tags = json.loads(p.stdout)[0] if p.stdout else {}
    return sorted(k for k in tags if "GPS" in k or k.endswith((":Make", ":Model", ":Orientation")))


def fetch(t, url, what):
    r = S["server"].http("GET", url)
    t.status(r, 200, f"GET {what}")
    return r


@suite.setup
def start_server_and_register(t):
    S["server"] = suite.server()
    S["alice"] = register(S["server"], "alice")
    S["bob"] = register(S["server"], "bob")
    S["tmp"] = tempfile.mkdtemp(prefix="herd-it-profile-")
    # A photo whose left half is red and right half blue, stored sideways (1200x800) with EXIF
    # orientation 6 (turn 90° clockwise to view): upright it is 800x1200, red on top, blue below.
    S["photo"] = os.path.join(S["tmp"], "photo.jpg")
    ffmpeg("-f", "lavfi", "-i", "color=c=0xdd2222:size=600x800", "-f", "lavfi", "-i", "color=c=0x2244dd:size=600x800",
           "-filter_complex", "[0][1]hstack", "-frames:v", "1", "-q:v", "2", S["photo"])
    p = run(["exiftool", "-overwrite_original", "-GPSLatitude=48.8584", "-GPSLatitudeRef=N",
             "-GPSLongitude=2.2945", "-GPSLongitudeRef=E", "-Make=HerdCam", "-Model=Secret 1",
             "-Orientation#=6", S["photo"]])
    t.require(p.returncode == 0, "exiftool tagged the photo", p.stderr)
    with open(S["photo"], "rb") as f:
        t.require([k for k in metadata_tags(f.read()) if "GPS" in k], "the photo carries GPS tags (precondition)")
    S["animated"] = os.path.join(S["tmp"], "moving.gif")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "1", S["animated"])


@suite.case
def avatar_and_header_upload_and_show_everywhere(t):
    server, alice = S["server"], S["alice"]
    m = mastodon_py(server, alice.token)
    default = m.account_verify_credentials()
    t.check(default["avatar"].endswith("/avatars/original/missing.png"), "the default avatar first", default["avatar"])
    avatar, header = png(40, 40, 1), png(150, 50, 2)
    me = m.account_update_credentials(avatar=write("a.png", avatar), avatar_mime_type="image/png",
                                      header=write("h.png", header), header_mime_type="image/png")
    t.check(me["avatar"].startswith(server.url + "/"), "the avatar is served by this instance", me["avatar"])
    t.eq(me["avatar_static"], me["avatar"], "avatar_static is the same image (not animated)")
    t.eq(me["header_static"], me["header"], "header_static too")
    t.check(me["header"] != me["avatar"] and me["header"].startswith(server.url + "/"), "the header too", me)
    r = fetch(t, me["avatar"], "the avatar")
    t.eq(r.header("Content-Type"), "image/png", "a PNG avatar stays a PNG")
    t.eq(probe(r.body)[:3], ("png", 400, 400), "the avatar is 400x400, Mastodon's avatar size")
    r = fetch(t, me["header"], "the header")
    t.eq(probe(r.body)[:3], ("png", 1500, 500), "the header is 1500x500, Mastodon's header size")

    public = server.api("GET", f"/api/v1/accounts/{alice.account['id']}")
    t.eq((public["avatar"], public["header"]), (me["avatar"], me["header"]), "the public Account shows both")
    actor = server.api("GET", "/users/alice", headers={"Accept": "application/activity+json"})
    t.eq(actor["icon"]["url"], me["avatar"], "the actor's icon is the avatar")
    t.eq(actor["icon"]["mediaType"], "image/png", "with its media type")
    t.eq(actor["image"]["url"], me["header"], "the actor's image is the header")
    page = server.http("GET", "/@alice")
    t.check(me["avatar"].encode() in page.body, "the profile page shows the avatar")
    S["avatar_url"], S["header_url"] = me["avatar"], me["header"]


@suite.case
def a_photo_is_stripped_oriented_and_cropped(t):
    server, bob = S["server"], S["bob"]
    m = mastodon_py(server, bob.token)
    me = m.account_update_credentials(avatar=S["photo"], avatar_mime_type="image/jpeg",
                                      header=S["photo"], header_mime_type="image/jpeg")
    avatar = fetch(t, me["avatar"], "the photo avatar").body
    header = fetch(t, me["header"], "the photo header").body
    for what, body, size in (("avatar", avatar, (400, 400)), ("header", header, (1500, 500))):
        t.eq(probe(body)[:3], ("mjpeg", *size), f"the {what} is a JPEG of {size[0]}x{size[1]}")
        t.eq(metadata_tags(body), [], f"no GPS, camera or orientation tag in the served {what}")
    # Upright (800x1200, red above blue) scaled to cover 400x400 and cropped centred: red above
    # the middle, blue below. Read sideways, both points would be the same colour.
    t.check(near(pixel(avatar, 200, 60), (0xdd, 0x22, 0x22)) and near(pixel(avatar, 200, 340), (0x22, 0x44, 0xdd)),
            "the avatar is upright: red above, blue below", (pixel(avatar, 200, 60), pixel(avatar, 200, 340)))
    stored = []
    for root, _dirs, names in os.walk(os.path.join(server.data_dir, "media")):
        stored += [os.path.join(root, n) for n in names]
    for path in stored:
        with open(path, "rb") as f:
            t.eq([k for k in metadata_tags(f.read()) if "GPS" in k], [],
                 f"no GPS in the stored file {os.path.relpath(path, server.data_dir)}")


@suite.case
def an_animated_avatar_stays_animated_with_a_static_first_frame(t):
    server, bob = S["server"], S["bob"]
    m = mastodon_py(server, bob.token)
    before = m.account_verify_credentials()
    me = m.account_update_credentials(avatar=S["animated"], avatar_mime_type="image/gif")
    t.check(me["avatar"].endswith(".gif"), "the avatar is a GIF", me["avatar"])
    t.check(me["avatar_static"] != me["avatar"] and me["avatar_static"].endswith("/static.png"),
            "avatar_static is its still first frame", me)
    t.eq(probe(fetch(t, me["avatar"], "the animated avatar").body), ("gif", 400, 400, 10),
         "every one of the 10 frames, at 400x400")
    t.eq(probe(fetch(t, me["avatar_static"], "avatar_static").body), ("png", 400, 400, 1),
         "avatar_static is one 400x400 PNG frame")
    t.eq(server.http("GET", before["avatar"]).status, 404, "the photo avatar it replaced is gone")
    public = server.api("GET", f"/api/v1/accounts/{me['id']}")
    t.eq(public["avatar_static"], me["avatar_static"], "the public Account shows avatar_static")
    r = server.http("DELETE", "/api/v1/profile/avatar", token=bob.token)
    t.status(r, 200, "DELETE /api/v1/profile/avatar")
    t.eq((server.http("GET", me["avatar"]).status, server.http("GET", me["avatar_static"]).status), (404, 404),
         "both files of the animated avatar are removed")


@suite.case
def an_animated_webp_header_stays_animated(t):
    server, bob = S["server"], S["bob"]
    webp = os.path.join(S["tmp"], "moving.webp")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=200x100:rate=10", "-t", "0.5", "-c:v", "libwebp_anim", "-loop", "0",
           webp)
    me = mastodon_py(server, bob.token).account_update_credentials(header=webp, header_mime_type="image/webp")
    body = fetch(t, me["header"], "the animated header").body
    # FFmpeg cannot decode animated WebP: read its RIFF chunks (VP8X canvas size, one ANMF per frame).
    width = int.from_bytes(body[24:27], "little") + 1 if body[12:16] == b"VP8X" else None
    height = int.from_bytes(body[27:30], "little") + 1 if body[12:16] == b"VP8X" else None
    t.eq((body[:4], body[8:12], width, height), (b"RIFF", b"WEBP", 1500, 500), "a WebP of 1500x500")
    t.eq(body.count(b"ANMF"), 5, "with its 5 frames")
    t.check(me["header_static"].endswith("/static.png"), "header_static is the first frame", me)
    t.eq(probe(fetch(t, me["header_static"], "header_static").body), ("png", 1500, 500, 1), "one PNG frame")


@suite.case
def replacing_an_avatar_removes_the_old_file(t):
    server, alice = S["server"], S["alice"]
    m = mastodon_py(server, alice.token)
    newer = png(32, 32, 3)
    me = m.account_update_credentials(avatar=write("b.png", newer), avatar_mime_type="image/png")
    t.check(me["avatar"] != S["avatar_url"], "a new avatar has a new URL", me["avatar"])
    t.eq(probe(fetch(t, me["avatar"], "the new avatar").body)[:3], ("png", 400, 400), "the new avatar is served")
    t.eq(server.http("GET", S["avatar_url"]).status, 404, "the old avatar's file is gone")
    t.eq(me["header"], S["header_url"], "the header is kept when only the avatar changes")
    S["avatar_url"] = me["avatar"]


@suite.case
def bad_images_are_refused_and_change_nothing(t):
    server, alice = S["server"], S["alice"]
    m = mastodon_py(server, alice.token)
    for name, data, message, what in (
            ("not.png", b"this is not an image at all", "Avatar content type is invalid", "a text file"),
            ("big.png", png(16, 16, 4, pad=8 * 1024 * 1024 + 10), "Avatar file size must be less than 8 MB",
             "an image over 8 MB")):
        try:
            m.account_update_credentials(avatar=write(name, data), avatar_mime_type="image/png",
                                         display_name="should not stick")
            t.check(False, f"{what} as avatar must fail")
        except MastodonAPIError as e:
            t.eq(e.args[1], 422, f"{what} as avatar: status")
            t.check(message in str(e.args[-1]), f"{what}: the message says why", e.args)
    me = m.account_verify_credentials()
    t.eq(me["avatar"], S["avatar_url"], "a refused upload leaves the avatar alone")
    t.check(me["display_name"] != "should not stick", "and the rest of the update too", me["display_name"])


@suite.case
def empty_file_parts_are_ignored_as_phanpy_sends_them(t):
    # Phanpy's profile form sends its unset file inputs as empty parts (filename="", 0 bytes).
    server, alice = S["server"], S["alice"]
    boundary = "----phanpyformboundary"
    body = b""
    for name, value, filename in (("display_name", b"Alice from Phanpy", None), ("note", b"hello", None),
                                  ("avatar", b"", ""), ("header", b"", "")):
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if filename is not None:
            body += b"Content-Type: application/octet-stream\r\n"
        body += b"\r\n" + value + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    r = server.http("PATCH", "/api/v1/accounts/update_credentials", token=alice.token, body=body,
                    content_type=f"multipart/form-data; boundary={boundary}")
    t.status(r, 200, "PATCH update_credentials with empty avatar and header parts")
    me = r.json() if r.status == 200 else {}
    t.eq(me.get("display_name"), "Alice from Phanpy", "the text fields are saved")
    t.eq((me.get("avatar"), me.get("header")), (S["avatar_url"], S["header_url"]),
         "the avatar and header are left as they were")


@suite.case
def deleting_avatar_and_header(t):
    server, alice = S["server"], S["alice"]
    r = server.http("DELETE", "/api/v1/profile/avatar", token=alice.token)
    t.status(r, 200, "DELETE /api/v1/profile/avatar")
    me = r.json() if r.status == 200 else {}
    t.check(me.get("avatar", "").endswith("/avatars/original/missing.png"), "back to the default avatar", me)
    t.eq(me.get("header"), S["header_url"], "the header stays")
    t.eq(server.http("GET", S["avatar_url"]).status, 404, "the deleted avatar's file is gone")
    r = server.http("DELETE", "/api/v1/profile/header", token=alice.token)
    t.status(r, 200, "DELETE /api/v1/profile/header")
    t.check(r.status == 200 and r.json()["header"].endswith("/headers/original/missing.png"), "default header")
    t.eq(server.http("GET", S["header_url"]).status, 404, "the deleted header's file is gone")
    r = server.http("DELETE", "/api/v1/profile/avatar", token=alice.token)
    t.status(r, 200, "deleting an avatar that is already the default is fine")
    r = server.http("DELETE", "/api/v1/profile/avatar")
    t.json_error(r, 401, "without a token")


if __name__ == "__main__":
    main(suite)
