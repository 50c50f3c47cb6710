"""Field specs of the Mastodon client entities herd renders (see harness.T for the spec language).

Every field the Mastodon documentation lists for these entities, with the types clients rely
on: IDs are strings of digits, times RFC 3339 with milliseconds ('2024-01-02T03:04:05.678Z'),
arrays are arrays (never null), URLs absolute. A key ending in '?' is optional in Mastodon
too (it appears only in some cases); its type is checked when present.
"""
from harness import T

VISIBILITY = {"public", "unlisted", "private", "direct"}

CUSTOM_EMOJI = {"shortcode": T.NESTR, "url": T.URL, "static_url": T.URL, "visible_in_picker": T.BOOL,
                "category?": (T.STR, T.NULL)}

FIELD = {"name": T.STR, "value": T.STR, "verified_at": (T.TIME, T.NULL)}

ACCOUNT = {
    "id": T.ID,
    "username": T.NESTR,
    "acct": T.NESTR,
    "url": T.URL,
    "uri": T.URL,
    "display_name": T.STR,
    "note": T.STR,
    "avatar": T.URL,
    "avatar_static": T.URL,
    "header": T.URL,
    "header_static": T.URL,
    "locked": T.BOOL,
    "bot": T.BOOL,
    "group": T.BOOL,
    "discoverable": (T.BOOL, T.NULL),
    "indexable": T.BOOL,
    "noindex": (T.BOOL, T.NULL),          # present for local accounts
    "hide_collections?": (T.BOOL, T.NULL),
    "fields": [FIELD],
    "emojis": [CUSTOM_EMOJI],
    "roles?": [T.OBJ],
    "created_at": T.TIME,
    "last_status_at": (T.DATE, T.NULL),
    "statuses_count": T.INT,
    "followers_count": T.INT,
    "following_count": T.INT,
    "moved?": (T.OBJ, T.NULL),
    "suspended?": T.BOOL,
    "limited?": T.BOOL,
}

CREDENTIAL_ACCOUNT = dict(ACCOUNT)
CREDENTIAL_ACCOUNT.update({
    "source": {
        "privacy": VISIBILITY,
        "sensitive": T.BOOL,
        "language": (T.STR, T.NULL),
        "note": T.STR,
        "fields": [FIELD],
        "follow_requests_count": T.INT,
    },
    "role": {"id": T.STR, "name": T.STR, "permissions": T.STR, "color": T.STR, "highlighted": T.BOOL},
})

MENTION = {"id": T.ID, "username": T.NESTR, "acct": T.NESTR, "url": T.URL}
TAG = {"name": T.NESTR, "url": T.URL}


def status_spec(authenticated=True, own=False, reblog=None):
    spec = {
        "id": T.ID,
        "uri": T.URL,
        "url": T.URL,
        "created_at": T.TIME,
        "edited_at": (T.TIME, T.NULL),
        "account": ACCOUNT,
        "content": T.STR,
        "visibility": VISIBILITY,
        "sensitive": T.BOOL,
        "spoiler_text": T.STR,
        "media_attachments": [T.OBJ],
        "application?": ({"name": T.NESTR, "website": (T.STR, T.NULL)}, T.NULL),
        "mentions": [MENTION],
        "tags": [TAG],
        "emojis": [CUSTOM_EMOJI],
        "reblogs_count": T.INT,
        "favourites_count": T.INT,
        "replies_count": T.INT,
        "in_reply_to_id": (T.ID, T.NULL),
        "in_reply_to_account_id": (T.ID, T.NULL),
        "reblog": reblog if reblog is not None else T.NULL,
        "poll": (T.OBJ, T.NULL),
        "card": (T.OBJ, T.NULL),
        "language": (T.STR, T.NULL),
        "text?": (T.STR, T.NULL),
        "quotes_count": T.INT,
        "quote": ({"state": T.NESTR, "quoted_status": (T.OBJ, T.NULL)}, T.NULL),
        "quote_approval": {"automatic": [T.STR], "manual": [T.STR],
                           "current_user": {"automatic", "manual", "denied", "unknown"}},
    }
    if authenticated:
        spec.update({"favourited": T.BOOL, "reblogged": T.BOOL, "muted": T.BOOL, "bookmarked": T.BOOL,
                     "filtered": [T.OBJ]})
        spec["pinned" if own else "pinned?"] = T.BOOL
    return spec


STATUS = status_spec()

NOTIFICATION_TYPES = {"mention", "status", "reblog", "follow", "follow_request", "favourite", "poll",
                      "update", "admin.sign_up", "admin.report", "severed_relationships",
                      "moderation_warning", "quote", "quoted_update"}


def notification_spec(kind):
    spec = {"id": T.ID, "type": NOTIFICATION_TYPES, "created_at": T.TIME, "account": ACCOUNT,
            "group_key": T.NESTR}
    if kind in ("mention", "status", "reblog", "favourite", "poll", "update", "quote", "quoted_update"):
        spec["status"] = status_spec(authenticated=True, own=(kind != "mention"))
    else:
        spec["status?"] = T.NULL
    return spec


RELATIONSHIP = {
    "id": T.ID,
    "following": T.BOOL,
    "showing_reblogs": T.BOOL,
    "notifying": T.BOOL,
    "languages": ([T.STR], T.NULL),
    "followed_by": T.BOOL,
    "blocking": T.BOOL,
    "blocked_by": T.BOOL,
    "muting": T.BOOL,
    "muting_notifications": T.BOOL,
    "requested": T.BOOL,
    "requested_by": T.BOOL,
    "domain_blocking": T.BOOL,
    "endorsed": T.BOOL,
    "note": T.STR,
}

# POST /api/v1/apps
APPLICATION = {
    "id": T.ID,
    "name": T.NESTR,
    "website": (T.STR, T.NULL),
    "scopes": [T.NESTR],
    "redirect_uri": T.NESTR,
    "redirect_uris": [T.NESTR],
    "client_id": T.NESTR,
    "client_secret": T.NESTR,
    "client_secret_expires_at?": T.INT,
    "vapid_key": T.STR,
}

# GET /api/v1/apps/verify_credentials (never the secret)
APPLICATION_VERIFIED = {
    "name": T.NESTR,
    "website": (T.STR, T.NULL),
    "scopes?": [T.NESTR],
    "redirect_uris?": [T.NESTR],
    "vapid_key?": T.STR,
}

TOKEN = {"access_token": T.NESTR, "token_type": {"Bearer", "bearer"}, "scope": T.NESTR, "created_at": T.INT}

STATUS_LIMITS = {"max_characters": T.INT, "max_media_attachments": T.INT, "characters_reserved_per_url": T.INT}
MEDIA_LIMITS = {
    "supported_mime_types": [T.NESTR],
    "description_limit?": T.INT,
    "image_size_limit": T.INT,
    "image_matrix_limit": T.INT,
    "video_size_limit": T.INT,
    "video_frame_rate_limit": T.INT,
    "video_matrix_limit": T.INT,
}
POLL_LIMITS = {"max_options": T.INT, "max_characters_per_option": T.INT, "min_expiration": T.INT,
               "max_expiration": T.INT}
RULE = {"id": T.STR, "text": T.STR, "hint?": T.STR}

INSTANCE_V1 = {
    "uri": T.NESTR,
    "title": T.STR,
    "short_description": T.STR,
    "description": T.STR,
    "email": T.STR,
    "version": T.NESTR,
    "urls": {"streaming_api": T.WSURL},
    "stats": {"user_count": T.INT, "status_count": T.INT, "domain_count": T.INT},
    "thumbnail": T.URL,
    "languages": [T.STR],
    "registrations": T.BOOL,
    "approval_required": T.BOOL,
    "invites_enabled": T.BOOL,
    "configuration": {
        "accounts?": {"max_featured_tags": T.INT},
        "statuses": STATUS_LIMITS,
        "media_attachments": MEDIA_LIMITS,
        "polls": POLL_LIMITS,
    },
    "contact_account": (ACCOUNT, T.NULL),
    "rules": [RULE],
}

INSTANCE_V2 = {
    "domain": T.NESTR,
    "title": T.STR,
    "version": T.NESTR,
    "source_url": T.URL,
    "description": T.STR,
    "usage": {"users": {"active_month": T.INT}},
    "thumbnail": {"url": T.URL, "blurhash?": (T.STR, T.NULL), "versions?": T.OBJ},
    "icon?": [T.OBJ],
    "languages": [T.STR],
    "configuration": {
        "urls": {"streaming": T.WSURL, "status?": (T.URL, T.NULL), "about?": T.URL,
                 "privacy_policy?": (T.URL, T.NULL), "terms_of_service?": (T.URL, T.NULL)},
        "vapid?": {"public_key": T.STR},
        "accounts": {"max_featured_tags": T.INT, "max_pinned_statuses?": T.INT, "max_profile_fields?": T.INT},
        "statuses": STATUS_LIMITS,
        "media_attachments": MEDIA_LIMITS,
        "polls": POLL_LIMITS,
        "translation": {"enabled": T.BOOL},
    },
    "registrations": {"enabled": T.BOOL, "approval_required": T.BOOL, "message": (T.STR, T.NULL),
                      "url?": (T.URL, T.NULL)},
    "api_versions": {"mastodon": T.INT},
    "contact": {"email": T.STR, "account": (ACCOUNT, T.NULL)},
    "rules": [RULE],
}

# Context / errors
CONTEXT = {"ancestors": [T.OBJ], "descendants": [T.OBJ]}
