"""Documents shaped as other ActivityPub servers really send them, for the fake peer (fedlib.FakeServer).

Each builder returns (actor document, signing key). The shapes follow captures and the servers'
published documents (tests/data and ../shared/testdata/federation/actors hold real ones):
  - GoToSocial: keyId <actor>/main-key; the key URL answers a bare Person stub (id, type,
    preferredUsername, publicKey) without inbox or profile; no endpoints.sharedInbox; url /@name.
  - snac: actor at https://host/name (no /users/), key <actor>#main-key, summary "<br>", no
    sharedInbox, extra "webfinger" field.
  - Misskey/Sharkey: actor at /users/<opaque id>, sharedInbox, _misskey_summary, isCat, Emoji tags
    in the actor, key <actor>#main-key.
  - Akkoma/Pleroma: endpoints with sharedInbox and oauth URLs, capabilities, featured, key
    <actor>#main-key.
  - Mastodon: endpoints.sharedInbox, PropertyValue fields, featured/featuredTags, icon and image.
  - A minimal actor (Service with only inbox and key) for actors missing optional fields.
  - Key documents at the key URL: a Person stub whose id is the actor or the key URL, a bare Key.
  - PeerTube: channels are Group actors; a Video is attributed to [Person, Group] and Announced by
    the channel.
"""
from fedlib import new_key, public_pem

AS = "https://www.w3.org/ns/activitystreams"
SEC = "https://w3id.org/security/v1"


def gotosocial_actor(base, name, display_name="", icon=None):
    key = new_key()
    uri = f"{base}/users/{name}"
    doc = {"@context": [SEC, AS, {"discoverable": "toot:discoverable", "toot": "http://joinmastodon.org/ns#"}],
           "discoverable": False, "featured": uri + "/collections/featured",
           "followers": uri + "/followers", "following": uri + "/following", "id": uri,
           "inbox": uri + "/inbox", "manuallyApprovesFollowers": False, "name": display_name or name,
           "outbox": uri + "/outbox", "preferredUsername": name,
           "publicKey": {"id": uri + "/main-key", "owner": uri, "publicKeyPem": public_pem(key)},
           "published": "2026-11-26T14:04:10Z", "tag": [], "type": "Person", "url": f"{base}/@{name}"}
    if icon:
        doc["icon"] = {"type": "Image", "mediaType": "image/png", "url": icon}
    return doc, key


def gotosocial_key_stub(actor, id_is_key=False):
    """What GoToSocial answers at the key URL: a Person with only its key, whose id is the actor's
    URI (or, with id_is_key, the key URL itself, as other versions and servers answer)."""
    return {"@context": [SEC, AS], "id": actor["publicKey"]["id"] if id_is_key else actor["id"],
            "preferredUsername": actor["preferredUsername"], "publicKey": actor["publicKey"],
            "type": "Person"}


def bare_key(actor, owner=None):
    """A key document of its own (type Key, at the key URL), naming its owner."""
    key = actor["publicKey"]
    return {"@context": SEC, "id": key["id"], "type": "Key", "owner": owner or key["owner"],
            "publicKeyPem": key["publicKeyPem"]}


def mastodon_actor(base, name, display_name):
    """Mastodon 4.x: /users/<name>, key <actor>#main-key, sharedInbox in endpoints, profile fields
    (PropertyValue), featured and featuredTags, devices, alsoKnownAs, icon and image."""
    key = new_key()
    uri = f"{base}/users/{name}"
    doc = {"@context": [AS, SEC, {"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
                                  "toot": "http://joinmastodon.org/ns#",
                                  "featured": {"@id": "toot:featured", "@type": "@id"},
                                  "featuredTags": {"@id": "toot:featuredTags", "@type": "@id"},
                                  "schema": "http://schema.org#", "PropertyValue": "schema:PropertyValue",
                                  "value": "schema:value", "discoverable": "toot:discoverable",
                                  "indexable": "toot:indexable"}],
           "id": uri, "type": "Person", "following": uri + "/following", "followers": uri + "/followers",
           "inbox": uri + "/inbox", "outbox": uri + "/outbox", "featured": uri + "/collections/featured",
           "featuredTags": uri + "/collections/tags", "preferredUsername": name, "name": display_name,
           "summary": "<p>Mastodon shaped</p>", "url": f"{base}/@{name}", "manuallyApprovesFollowers": False,
           "discoverable": True, "indexable": True, "published": "2022-11-05T00:00:00Z", "memorial": False,
           "devices": uri + "/collections/devices", "alsoKnownAs": [],
           "publicKey": {"id": uri + "#main-key", "owner": uri, "publicKeyPem": public_pem(key)},
           "tag": [], "attachment": [{"type": "PropertyValue", "name": "Pronouns", "value": "they/them"}],
           "endpoints": {"sharedInbox": base + "/inbox"},
           "icon": {"type": "Image", "mediaType": "image/png", "url": f"{base}/system/avatars/{name}.png"},
           "image": {"type": "Image", "mediaType": "image/png", "url": f"{base}/system/headers/{name}.png"}}
    return doc, key


def minimal_actor(base, name):
    """An actor with only what ActivityPub requires and a key: no name, summary, icon, url,
    endpoints, outbox or collections (small servers and bots send such documents)."""
    key = new_key()
    uri = f"{base}/{name}"
    doc = {"@context": [AS, SEC], "id": uri, "type": "Service", "preferredUsername": name,
           "inbox": uri + "/inbox",
           "publicKey": {"id": uri + "#main-key", "owner": uri, "publicKeyPem": public_pem(key)}}
    return doc, key


def snac_actor(base, name, inbox=True):
    key = new_key()
    uri = f"{base}/{name}"
    doc = {"@context": [AS, SEC], "type": "Person", "id": uri, "url": uri, "name": name,
           "preferredUsername": name, "published": "2026-11-26T14:10:06Z", "summary": "<br>", "tag": [],
           "outbox": uri + "/outbox", "followers": uri + "/followers", "following": uri + "/following",
           "featured": uri + "/featured",
           "icon": {"type": "Image", "mediaType": "image/png", "url": f"{base}/susie.png"},
           "publicKey": {"id": uri + "#main-key", "owner": uri, "publicKeyPem": public_pem(key)},
           "manuallyApprovesFollowers": False, "webfinger": f"{name}@{base.split('//')[1]}"}
    if inbox:
        doc["inbox"] = uri + "/inbox"
    return doc, key


def misskey_actor(base, name, opaque_id, display_name):
    key = new_key()
    uri = f"{base}/users/{opaque_id}"
    doc = {"@context": [AS, SEC, {"Key": "sec:Key", "misskey": "https://misskey-hub.net/ns#",
                                  "_misskey_summary": "misskey:_misskey_summary", "isCat": "misskey:isCat"}],
           "type": "Person", "id": uri, "inbox": uri + "/inbox", "outbox": uri + "/outbox",
           "followers": uri + "/followers", "following": uri + "/following",
           "featured": uri + "/collections/featured", "sharedInbox": base + "/inbox",
           "endpoints": {"sharedInbox": base + "/inbox"}, "url": f"{base}/@{name}",
           "preferredUsername": name, "name": display_name, "summary": "<p>hi</p>",
           "_misskey_summary": "hi", "isCat": True, "manuallyApprovesFollowers": False,
           "discoverable": True, "tag": [{"id": f"{base}/emojis/blobcat", "type": "Emoji",
                                          "name": ":blobcat:", "updated": "2026-01-01T00:00:00.000Z",
                                          "icon": {"type": "Image", "mediaType": "image/png",
                                                   "url": f"{base}/files/blobcat.png"}}],
           "publicKey": {"id": uri + "#main-key", "type": "Key", "owner": uri,
                         "publicKeyPem": public_pem(key)}}
    return doc, key


def akkoma_actor(base, name):
    key = new_key()
    uri = f"{base}/users/{name}"
    doc = {"@context": [AS, f"{base}/schemas/litepub-0.1.jsonld", {"@language": "und"}],
           "type": "Person", "id": uri, "inbox": uri + "/inbox", "outbox": uri + "/outbox",
           "followers": uri + "/followers", "following": uri + "/following",
           "featured": uri + "/collections/featured",
           "endpoints": {"oauthAuthorizationEndpoint": base + "/oauth/authorize",
                         "oauthRegistrationEndpoint": base + "/api/v1/apps",
                         "oauthTokenEndpoint": base + "/oauth/token", "sharedInbox": base + "/inbox",
                         "uploadMedia": base + "/api/ap/upload_media"},
           "capabilities": {"acceptsChatMessages": True}, "discoverable": False,
           "manuallyApprovesFollowers": False, "name": name.title(), "preferredUsername": name,
           "summary": "", "tag": [], "attachment": [], "url": uri, "vcard:bday": None,
           "publicKey": {"id": uri + "#main-key", "owner": uri, "publicKeyPem": public_pem(key)}}
    return doc, key


def peertube_channel(base, name):
    key = new_key()
    uri = f"{base}/video-channels/{name}"
    doc = {"@context": [AS, SEC, {"RsaSignature2017": "https://w3id.org/security#RsaSignature2017"}],
           "type": "Group", "id": uri, "following": uri + "/following", "followers": uri + "/followers",
           "playlists": uri + "/playlists", "inbox": uri + "/inbox", "outbox": uri + "/outbox",
           "preferredUsername": name, "url": uri, "name": name.title() + " channel",
           "endpoints": {"sharedInbox": base + "/inbox"}, "published": "2026-01-01T00:00:00.000Z",
           "summary": None, "support": None, "attributedTo": [{"type": "Person", "id": f"{base}/accounts/pat"}],
           "publicKey": {"id": uri + "#main-key", "owner": uri, "publicKeyPem": public_pem(key)}}
    return doc, key


def peertube_video(base, channel_uri, uuid, title):
    uri = f"{base}/videos/watch/{uuid}"
    return {"@context": [AS], "type": "Video", "id": uri, "name": title, "duration": "PT42S", "uuid": uuid,
            "views": 3, "sensitive": False, "commentsEnabled": True, "published": "2026-01-01T00:00:00.000Z",
            "content": "A **markdown** description", "mediaType": "text/markdown",
            "to": [AS + "#Public"], "cc": [channel_uri + "/followers"],
            "url": [{"type": "Link", "mediaType": "text/html", "href": f"{base}/w/{uuid}"},
                    {"type": "Link", "mediaType": "video/mp4", "href": f"{base}/static/{uuid}-720.mp4",
                     "height": 720, "size": 1000, "fps": 30}],
            "icon": [{"type": "Image", "url": f"{base}/lazy-static/thumbnails/{uuid}.jpg",
                      "mediaType": "image/jpeg", "width": 280, "height": 157}],
            "likes": uri + "/likes", "dislikes": uri + "/dislikes", "shares": uri + "/announces",
            "comments": uri + "/comments",
            "attributedTo": [{"type": "Person", "id": f"{base}/accounts/pat"},
                             {"type": "Group", "id": channel_uri}]}


def peertube_account(base, name):
    key = new_key()
    uri = f"{base}/accounts/{name}"
    doc = {"@context": [AS, SEC], "type": "Person", "id": uri, "following": uri + "/following",
           "followers": uri + "/followers", "playlists": uri + "/playlists", "inbox": uri + "/inbox",
           "outbox": uri + "/outbox", "preferredUsername": name, "url": uri, "name": name.title(),
           "endpoints": {"sharedInbox": base + "/inbox"}, "published": "2026-01-01T00:00:00.000Z",
           "summary": None,
           "publicKey": {"id": uri + "#main-key", "owner": uri, "publicKeyPem": public_pem(key)}}
    return doc, key
