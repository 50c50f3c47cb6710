#!/usr/bin/python3
"""Avatars and headers against a real `herd serve`, with Mastodon.py 1.8 (account_update_credentials
with files) and raw HTTP (DELETE /api/v1/profile/avatar|header, the ActivityPub actor, the profile
page).

The image uploaded is the image served (same bytes, its own type), on the Account entity, the
actor's icon/image and the profile page; replacing or deleting it removes the old file; anything
but an image, or an image over 8 MB, is a 422 that changes nothing.
"""
import os
import struct
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


@suite.setup
def start_server_and_register(t):
    S["server"] = suite.server()
    S["alice"] = register(S["server"], "alice")
    S["tmp"] = tempfile.mkdtemp(prefix="herd-it-profile-")


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
    t.eq(me["avatar_static"], me["avatar"], "avatar_static is the same image")
    t.check(me["header"] != me["avatar"] and me["header"].startswith(server.url + "/"), "the header too", me)
    r = server.http("GET", me["avatar"])
    t.check(r.status == 200 and r.body == avatar, "the avatar served is the file uploaded", r.describe())
    t.eq(r.header("Content-Type"), "image/png", "with its type")
    r = server.http("GET", me["header"])
    t.check(r.status == 200 and r.body == header, "the header served is the file uploaded", r.describe())

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
def replacing_an_avatar_removes_the_old_file(t):
    server, alice = S["server"], S["alice"]
    m = mastodon_py(server, alice.token)
    newer = png(32, 32, 3)
    me = m.account_update_credentials(avatar=write("b.png", newer), avatar_mime_type="image/png")
    t.check(me["avatar"] != S["avatar_url"], "a new avatar has a new URL", me["avatar"])
    t.eq(server.http("GET", me["avatar"]).body, newer, "the new avatar is served")
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
