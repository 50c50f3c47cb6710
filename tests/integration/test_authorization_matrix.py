#!/usr/bin/python3
"""The authorization matrix (issue 14), generated from the route table: `herd admin routes
--json` lists every route `herd serve` answers, and every route must have an entry in MATRIX
below (a route without one, or an entry for a route that no longer exists, fails the test).

Each entry says who may call the route, as Mastodon decides it:
  P           public: no token needed (never 401/403 anonymously, never a 5xx)
  O(scope)    optional token: anonymous works; a user token without the scope gets 403
  U(scope)    a user token with the scope: anonymous 401, missing scope 403, an app-only token
              422, a suspended or unconfirmed (or pending) account 403
  T(scope)    any token with the scope (app tokens too): anonymous 401, missing scope 403
  S(scope)    staff (moderators, admins, owners): as U, and a user (even with the scope) 403
  A(scope)    admins and owners only: as S, and a moderator 403
  W           a signed-in browser page: anonymously never a 2xx (a redirect to sign in)
  X(reason)   checked elsewhere (OAuth, signatures, CSRF forms, streaming...): only "no 5xx"
Every route is also called with a token that should pass (carol's, the moderator's or the
admin's with every scope): never 401/403 then.

Then another user's token against the owned resources Mastodon keeps private: private and direct
statuses, lists, filters (v1, v2, keywords, statuses), media, scheduled statuses, push
subscriptions, notifications (v1 and grouped), notification requests, conversations, bookmarks:
404 (or an empty list), and nothing changed for the owner.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (ADMIN_EMAIL, DEFAULT_PASSWORD, Suite, client_credentials_token, create_app,  # noqa: E402
                     free_port, main, parse_args, password_token, png, run_herd_once)

suite = Suite("authorization matrix", parse_args(__doc__))
S = suite.state
ALL = "read write follow push"
ADMIN = "read write follow push admin:read admin:write"


def P():
    return ("P", "")


def O(scope):  # noqa: E743
    return ("O", scope)


def U(scope):
    return ("U", scope)


def T(scope):
    return ("T", scope)


def S_(scope):
    return ("S", scope)


def A(scope):
    return ("A", scope)


def W():
    return ("W", "")


def X(reason):
    return ("X", reason)


MATRIX = {
    # ---- discovery, instance, server pages
    "GET /": P(), "GET /.well-known/host-meta": P(), "GET /.well-known/nodeinfo": P(),
    "GET /.well-known/oauth-authorization-server": P(), "GET /.well-known/webfinger": P(),
    "GET /nodeinfo/2.0": P(), "GET /health": P(), "GET /health/ready": P(),
    "GET /metrics": X("HERD_METRICS_TOKEN bearer, off when unset (test_operations)"),
    "GET /:handle": P(), "GET /:handle/:id": P(), "GET /:handle/followers": P(),
    "GET /:handle/following": P(), "GET /about": P(), "GET /about/more": P(), "GET /tags/:tag": P(),
    "GET /:handle/:id/embed": P(), "GET /api/oembed": P(),
    "GET /terms": P(), "GET /terms-of-service": P(), "GET /privacy-policy": P(),
    "GET /avatars/original/missing.png": P(), "GET /headers/original/missing.png": P(),
    "GET /favicon.ico": P(), "GET /packs/thumbnail.png": P(), "GET /assets/:file": P(),
    "POST /:handle": P(), "PUT /:handle": P(), "PATCH /:handle": P(), "DELETE /:handle": P(),
    "POST /:handle/:id": P(), "PUT /:handle/:id": P(), "PATCH /:handle/:id": P(), "DELETE /:handle/:id": P(),
    "GET /system/media_attachments/files/:g0/:g1/:g2/:g3/:g4/:g5/:name": P(),
    "GET /system/media_attachments/files/:g0/:g1/:g2/:g3/:g4/:g5/:g6/:name": P(),
    "GET /api/v1/instance": P(), "GET /api/v2/instance": P(), "GET /api/v1/instance/activity": P(),
    "GET /api/v1/instance/domain_blocks": P(), "GET /api/v1/instance/extended_description": P(),
    "GET /api/v1/instance/peers": P(), "GET /api/v1/instance/privacy_policy": P(),
    "GET /api/v1/instance/rules": P(), "GET /api/v1/instance/terms_of_service": P(),
    "GET /api/v1/instance/terms_of_service/:date": P(), "GET /api/v1/custom_emojis": P(),
    "GET /api/v1/trends": P(), "GET /api/v1/trends/tags": P(), "GET /api/v1/trends/statuses": P(),
    "GET /api/v1/trends/links": P(), "GET /api/v1/directory": O("read:accounts"),
    "GET /api/v1/instance/languages": P(), "GET /api/v1/instance/translation_languages": P(),
    "GET /api/v1_alpha/async_refreshes/:id": U("read"),
    # ---- ActivityPub (signatures are test_federation's)
    "GET /actor": P(), "GET /actor/outbox": P(), "GET /actor/followers": P(), "GET /actor/following": P(), "POST /actor/inbox": X("HTTP signature"), "POST /inbox": X("HTTP signature"),
    "POST /users/:username/inbox": X("HTTP signature"), "GET /users/:username": P(),
    "GET /users/:username/collections/featured": P(), "GET /users/:username/collections/tags": P(),
    "GET /users/:username/followers": P(), "GET /users/:username/following": P(),
    "GET /users/:username/outbox": P(), "GET /users/:username/quote_authorizations/:id": P(),
    "GET /users/:username/statuses/:id": P(), "GET /users/:username/statuses/:id/activity": P(),
    "GET /users/:username/statuses/:id/likes": P(), "GET /users/:username/statuses/:id/replies": P(),
    "GET /users/:username/statuses/:id/shares": P(),
    # ---- OAuth and sign-in (test_mastodonpy, test_sessions, test_two_factor)
    "GET /oauth/authorize": X("OAuth: sign-in form"), "POST /oauth/authorize": X("OAuth: CSRF form"),
    "GET /oauth/authorize/native": X("OAuth: out-of-band code page"),
    "POST /oauth/token": X("OAuth: client credentials"), "POST /oauth/revoke": X("OAuth: client credentials"),
    "GET /web/oauth": X("the web client's OAuth redirect"),
    "GET /auth/sign_in": P(), "POST /auth/sign_in": X("CSRF form"),
    "POST /auth/sign_in/two_factor": X("CSRF form"), "GET /auth/sign_up": P(), "POST /auth/sign_up": X("CSRF form"),
    "DELETE /auth/sign_out": X("CSRF form"), "POST /auth/sign_out": X("CSRF form"),
    "GET /auth/confirmation": X("mailed token"), "POST /auth/confirmation": X("CSRF form"),
    "GET /auth/confirmation/new": P(), "GET /auth/password/new": P(), "POST /auth/password": X("CSRF form"),
    "GET /auth/password/edit": X("mailed token"), "POST /auth/password/edit": X("CSRF form + mailed token"),
    "GET /auth/edit": W(), "POST /auth/edit/email": X("CSRF form"), "POST /auth/edit/password": X("CSRF form"),
    "GET /auth/edit/notifications": W(), "POST /auth/edit/notifications": X("CSRF form"),
    "GET /unsubscribe": X("HMAC-signed link"), "POST /unsubscribe": X("HMAC-signed link"),
    "GET /settings/delete": W(), "POST /settings/delete": X("CSRF form + password (test_account_deletion)"),
    "GET /settings/import": W(), "POST /settings/import": X("CSRF form"),
    "GET /settings/export": W(), "POST /settings/export/archive": X("CSRF form"),
    "GET /settings/archives/:id/download": W(), "GET /settings/sessions": W(), "GET /settings/two_factor": W(), "GET /settings/exports/:file": W(),
    "POST /settings/applications/:id/revoke": X("CSRF form"), "POST /settings/sessions/:id/revoke": X("CSRF form"),
    "POST /settings/two_factor/confirm": X("CSRF form"), "POST /settings/two_factor/disable": X("CSRF form"),
    "POST /settings/two_factor/recovery_codes": X("CSRF form"), "POST /settings/two_factor/setup": X("CSRF form"),
    # ---- streaming (test_streaming: 401 before the upgrade)
    "GET /api/v1/streaming": X("streaming: token checked per stream"),
    "GET /api/v1/streaming/:stream": X("streaming: token checked per stream"),
    "GET /api/v1/streaming/:stream/:variant": X("streaming: token checked per stream"),
    "GET /api/v1/streaming/health": P(),
    # ---- apps
    "POST /api/v1/apps": P(), "GET /api/v1/apps/verify_credentials": T(""),
    # ---- accounts
    "GET /api/v1/accounts": O("read:accounts"), "POST /api/v1/accounts": T("write:accounts"),
    "GET /api/v1/accounts/:id": O("read:accounts"),
    "POST /api/v1/accounts/:id/block": U("write:blocks"), "POST /api/v1/accounts/:id/unblock": U("write:blocks"),
    "POST /api/v1/accounts/:id/follow": U("write:follows"), "POST /api/v1/accounts/:id/unfollow": U("write:follows"),
    "POST /api/v1/accounts/:id/remove_from_followers": U("write:follows"),
    "POST /api/v1/accounts/:id/mute": U("write:mutes"), "POST /api/v1/accounts/:id/unmute": U("write:mutes"),
    "POST /api/v1/accounts/:id/note": U("write:accounts"), "POST /api/v1/accounts/:id/pin": U("write:accounts"),
    "POST /api/v1/accounts/:id/endorse": U("write:accounts"), "POST /api/v1/accounts/:id/unendorse": U("write:accounts"),
    "GET /api/v1/accounts/:id/endorsements": O("read:accounts"),
    "POST /api/v1/tags/:name/feature": U("write:accounts"), "POST /api/v1/tags/:name/unfeature": U("write:accounts"),
    "POST /api/v1/accounts/:id/unpin": U("write:accounts"),
    "GET /api/v1/accounts/:id/featured_tags": O("read:accounts"),
    "GET /api/v1/accounts/:id/followers": O("read:accounts"), "GET /api/v1/accounts/:id/following": O("read:accounts"),
    "GET /api/v1/accounts/:id/lists": U("read:lists"), "GET /api/v1/accounts/:id/statuses": O("read:statuses"),
    "GET /api/v1/accounts/familiar_followers": U("read:follows"), "GET /api/v1/accounts/lookup": O("read:accounts"),
    "GET /api/v1/accounts/relationships": U("read:follows"), "GET /api/v1/accounts/search": U("read:accounts"),
    "PATCH /api/v1/accounts/update_credentials": U("write:accounts"),
    "GET /api/v1/accounts/verify_credentials": U("read:accounts"),
    "GET /oauth/userinfo": U("read:accounts"), "POST /oauth/userinfo": U("read:accounts"),
    "DELETE /api/v1/profile/avatar": U("write:accounts"), "DELETE /api/v1/profile/header": U("write:accounts"),
    "GET /api/v1/preferences": U("read:accounts"),
    "GET /api/v1/sessions": U("read:accounts"), "DELETE /api/v1/sessions/:id": U("write:accounts"),
    "GET /api/v1/authorized_applications": U("read:accounts"),
    "DELETE /api/v1/authorized_applications/:id": U("write:accounts"),
    "POST /api/v1/emails/confirmations": X("for unconfirmed accounts (test_mail)"),
    "GET /api/v1/emails/check_confirmation": X("for unconfirmed accounts (test_mail)"),
    # ---- relationships and lists of accounts
    "GET /api/v1/blocks": U("read:blocks"), "GET /api/v1/mutes": U("read:mutes"),
    "GET /api/v1/domain_blocks": U("read:blocks"), "POST /api/v1/domain_blocks": U("write:blocks"),
    "DELETE /api/v1/domain_blocks": U("write:blocks"), "GET /api/v1/endorsements": U("read:accounts"),
    "GET /api/v1/follow_requests": U("read:follows"),
    "POST /api/v1/follow_requests/:id/authorize": U("write:follows"),
    "POST /api/v1/follow_requests/:id/reject": U("write:follows"),
    "GET /api/v1/suggestions": U("read"), "GET /api/v2/suggestions": U("read"),
    "DELETE /api/v1/suggestions/:id": U("read"),
    # ---- statuses
    "GET /api/v1/statuses": O("read:statuses"), "POST /api/v1/statuses": U("write:statuses"),
    "GET /api/v1/statuses/:id": O("read:statuses"), "PUT /api/v1/statuses/:id": U("write:statuses"),
    "DELETE /api/v1/statuses/:id": U("write:statuses"),
    "GET /api/v1/statuses/:id/context": O("read:statuses"), "GET /api/v1/statuses/:id/history": O("read:statuses"),
    "GET /api/v1/statuses/:id/source": U("read:statuses"),
    "GET /api/v1/statuses/:id/favourited_by": O("read:accounts"),
    "GET /api/v1/statuses/:id/reblogged_by": O("read:accounts"),
    "POST /api/v1/statuses/:id/favourite": U("write:favourites"),
    "POST /api/v1/statuses/:id/unfavourite": U("write:favourites"),
    "POST /api/v1/statuses/:id/reblog": U("write:statuses"), "POST /api/v1/statuses/:id/unreblog": U("write:statuses"),
    "POST /api/v1/statuses/:id/bookmark": U("write:bookmarks"),
    "POST /api/v1/statuses/:id/unbookmark": U("write:bookmarks"),
    "POST /api/v1/statuses/:id/pin": U("write:accounts"), "POST /api/v1/statuses/:id/unpin": U("write:accounts"),
    "GET /api/v1/statuses/:id/quotes": U("read:statuses"),
    "POST /api/v1/statuses/:id/quotes/:quoting_status_id/revoke": U("write:statuses"),
    "PUT /api/v1/statuses/:id/interaction_policy": U("write:statuses"),
    "GET /api/v1/polls/:id": O("read:statuses"), "POST /api/v1/polls/:id/votes": U("write:statuses"),
    "GET /api/v1/scheduled_statuses": U("read:statuses"), "GET /api/v1/scheduled_statuses/:id": U("read:statuses"),
    "PUT /api/v1/scheduled_statuses/:id": U("write:statuses"),
    "DELETE /api/v1/scheduled_statuses/:id": U("write:statuses"),
    "GET /api/v1/bookmarks": U("read:bookmarks"), "GET /api/v1/favourites": U("read:favourites"),
    # ---- media
    "POST /api/v1/media": U("write:media"), "POST /api/v2/media": U("write:media"),
    "GET /api/v1/media/:id": U("write:media"), "PUT /api/v1/media/:id": U("write:media"),
    "DELETE /api/v1/media/:id": U("write:media"),
    # ---- timelines, tags, search
    "GET /api/v1/timelines/home": U("read:statuses"), "GET /api/v1/timelines/list/:list_id": U("read:lists"),
    "GET /api/v1/timelines/public": O("read:statuses"), "GET /api/v1/timelines/tag/:hashtag": O("read:statuses"),
    "GET /api/v1/timelines/link": O("read:statuses"),
    "GET /api/v1/tags/:name": O("read:statuses"), "POST /api/v1/tags/:name/follow": U("write:follows"),
    "POST /api/v1/tags/:name/unfollow": U("write:follows"), "GET /api/v1/followed_tags": U("read:follows"),
    "GET /api/v1/featured_tags": U("read:accounts"), "POST /api/v1/featured_tags": U("write:accounts"),
    "DELETE /api/v1/featured_tags/:id": U("write:accounts"),
    "GET /api/v1/featured_tags/suggestions": U("read:accounts"),
    "GET /api/v2/search": O("read:search"),
    # ---- lists, filters, markers, conversations
    "GET /api/v1/lists": U("read:lists"), "POST /api/v1/lists": U("write:lists"),
    "GET /api/v1/lists/:id": U("read:lists"), "PUT /api/v1/lists/:id": U("write:lists"),
    "DELETE /api/v1/lists/:id": U("write:lists"), "GET /api/v1/lists/:id/accounts": U("read:lists"),
    "POST /api/v1/lists/:id/accounts": U("write:lists"), "DELETE /api/v1/lists/:id/accounts": U("write:lists"),
    "GET /api/v1/filters": U("read:filters"), "POST /api/v1/filters": U("write:filters"),
    "GET /api/v1/filters/:id": U("read:filters"), "PUT /api/v1/filters/:id": U("write:filters"),
    "DELETE /api/v1/filters/:id": U("write:filters"),
    "GET /api/v2/filters": U("read:filters"), "POST /api/v2/filters": U("write:filters"),
    "GET /api/v2/filters/:id": U("read:filters"), "PUT /api/v2/filters/:id": U("write:filters"),
    "DELETE /api/v2/filters/:id": U("write:filters"),
    "GET /api/v2/filters/:filter_id/keywords": U("read:filters"),
    "POST /api/v2/filters/:filter_id/keywords": U("write:filters"),
    "GET /api/v2/filters/keywords/:id": U("read:filters"), "PUT /api/v2/filters/keywords/:id": U("write:filters"),
    "DELETE /api/v2/filters/keywords/:id": U("write:filters"),
    "GET /api/v2/filters/:filter_id/statuses": U("read:filters"),
    "POST /api/v2/filters/:filter_id/statuses": U("write:filters"),
    "GET /api/v2/filters/statuses/:id": U("read:filters"), "DELETE /api/v2/filters/statuses/:id": U("write:filters"),
    "GET /api/v1/markers": U("read:statuses"), "POST /api/v1/markers": U("write:statuses"),
    "GET /api/v1/conversations": U("read:statuses"), "DELETE /api/v1/conversations/:id": U("write:conversations"),
    "POST /api/v1/conversations/:id/read": U("write:conversations"),
    # ---- notifications
    "GET /api/v1/notifications": U("read:notifications"), "GET /api/v1/notifications/:id": U("read:notifications"),
    "POST /api/v1/notifications/:id/dismiss": U("write:notifications"),
    "POST /api/v1/notifications/clear": U("write:notifications"),
    "GET /api/v1/notifications/unread_count": U("read:notifications"),
    "GET /api/v1/notifications/policy": U("read:notifications"),
    "PATCH /api/v1/notifications/policy": U("write:notifications"),
    "PUT /api/v1/notifications/policy": U("write:notifications"),
    "GET /api/v1/notifications/requests": U("read:notifications"),
    "GET /api/v1/notifications/requests/:id": U("read:notifications"),
    "POST /api/v1/notifications/requests/:id/accept": U("write:notifications"),
    "POST /api/v1/notifications/requests/:id/dismiss": U("write:notifications"),
    "POST /api/v1/notifications/requests/accept": U("write:notifications"),
    "POST /api/v1/notifications/requests/dismiss": U("write:notifications"),
    "GET /api/v1/notifications/requests/merged": U("read:notifications"),
    "GET /api/v2/notifications": U("read:notifications"),
    "GET /api/v2/notifications/:group_key": U("read:notifications"),
    "GET /api/v2/notifications/:group_key/accounts": U("read:notifications"),
    "POST /api/v2/notifications/:group_key/dismiss": U("write:notifications"),
    "GET /api/v2/notifications/policy": U("read:notifications"),
    "PATCH /api/v2/notifications/policy": U("write:notifications"),
    "PUT /api/v2/notifications/policy": U("write:notifications"),
    "GET /api/v2/notifications/unread_count": U("read:notifications"),
    "GET /api/v1/push/subscription": U("push"), "POST /api/v1/push/subscription": U("push"),
    "PUT /api/v1/push/subscription": U("push"), "DELETE /api/v1/push/subscription": U("push"),
    # ---- announcements, reports
    "GET /api/v1/announcements": U("read"), "POST /api/v1/announcements/:id/dismiss": U("write:accounts"),
    "PUT /api/v1/announcements/:id/reactions/:name": U("write:favourites"),
    "DELETE /api/v1/announcements/:id/reactions/:name": U("write:favourites"),
    "POST /api/v1/reports": U("write:reports"),
    # ---- admin: moderators (dashboard, accounts, reports, trends) and admins (blocks, federation)
    "GET /api/v1/admin/accounts": S_("admin:read:accounts"), "GET /api/v2/admin/accounts": S_("admin:read:accounts"),
    "GET /api/v1/admin/accounts/:id": S_("admin:read:accounts"),
    "POST /api/v1/admin/accounts/:id/action": S_("admin:write:accounts"),
    "POST /api/v1/admin/accounts/:id/approve": S_("admin:write:accounts"),
    "POST /api/v1/admin/accounts/:id/reject": S_("admin:write:accounts"),
    "POST /api/v1/admin/accounts/:id/enable": S_("admin:write:accounts"),
    "POST /api/v1/admin/accounts/:id/unsilence": S_("admin:write:accounts"),
    "POST /api/v1/admin/accounts/:id/unsuspend": S_("admin:write:accounts"),
    "POST /api/v1/admin/accounts/:id/unsensitive": S_("admin:write:accounts"),
    "GET /api/v1/admin/reports": S_("admin:read:reports"), "GET /api/v1/admin/reports/:id": S_("admin:read:reports"),
    "POST /api/v1/admin/reports/:id/assign_to_self": S_("admin:write:reports"),
    "POST /api/v1/admin/reports/:id/reopen": S_("admin:write:reports"),
    "POST /api/v1/admin/reports/:id/resolve": S_("admin:write:reports"),
    "POST /api/v1/admin/reports/:id/unassign": S_("admin:write:reports"),
    "POST /api/v1/admin/measures": S_("admin:read"), "POST /api/v1/admin/dimensions": S_("admin:read"),
    "POST /api/v1/admin/retention": S_("admin:read"),
    "GET /api/v1/admin/trends/tags": S_("admin:read"), "GET /api/v1/admin/trends/statuses": S_("admin:read"),
    "GET /api/v1/admin/trends/links": S_("admin:read"),
    "GET /api/v1/admin/tags": S_("admin:read"), "GET /api/v1/admin/tags/:id": S_("admin:read"),
    "PUT /api/v1/admin/tags/:id": S_("admin:write"),
    "POST /api/v1/admin/trends/tags/:id/approve": S_("admin:write"),
    "POST /api/v1/admin/trends/tags/:id/reject": S_("admin:write"),
    "POST /api/v1/admin/trends/statuses/:id/approve": S_("admin:write"),
    "POST /api/v1/admin/trends/statuses/:id/reject": S_("admin:write"),
    "POST /api/v1/admin/trends/links/:id/approve": S_("admin:write"),
    "POST /api/v1/admin/trends/links/:id/reject": S_("admin:write"),
    "GET /api/v1/admin/delivery_failures": A("admin:read"),
    "GET /api/v1/admin/rules": A("admin:read"), "POST /api/v1/admin/rules": A("admin:write"),
    "PUT /api/v1/admin/rules/:id": A("admin:write"), "DELETE /api/v1/admin/rules/:id": A("admin:write"),
    "GET /api/v1/admin/announcements": A("admin:read"), "POST /api/v1/admin/announcements": A("admin:write"),
    "PUT /api/v1/admin/announcements/:id": A("admin:write"),
    "POST /api/v1/admin/announcements/:id/publish": A("admin:write"),
    "POST /api/v1/admin/announcements/:id/unpublish": A("admin:write"),
    "DELETE /api/v1/admin/announcements/:id": A("admin:write"),
    "GET /api/v1/admin/instance_documents/:name": A("admin:read"),
    "PUT /api/v1/admin/instance_documents/:name": A("admin:write"),
    "GET /api/v1/admin/site": A("admin:read"), "PUT /api/v1/admin/site": A("admin:write"),
    "GET /api/v1/admin/domain_blocks": A("admin:read:domain_blocks"),
    "GET /api/v1/admin/domain_blocks/:id": A("admin:read:domain_blocks"),
    "POST /api/v1/admin/domain_blocks": A("admin:write:domain_blocks"),
    "PUT /api/v1/admin/domain_blocks/:id": A("admin:write:domain_blocks"),
    "DELETE /api/v1/admin/domain_blocks/:id": A("admin:write:domain_blocks"),
    "GET /api/v1/admin/domain_allows": A("admin:read:domain_allows"),
    "GET /api/v1/admin/domain_allows/:id": A("admin:read:domain_allows"),
    "POST /api/v1/admin/domain_allows": A("admin:write:domain_allows"),
    "DELETE /api/v1/admin/domain_allows/:id": A("admin:write:domain_allows"),
    "GET /api/v1/admin/ip_blocks": A("admin:read:ip_blocks"), "GET /api/v1/admin/ip_blocks/:id": A("admin:read:ip_blocks"),
    "POST /api/v1/admin/ip_blocks": A("admin:write:ip_blocks"), "PUT /api/v1/admin/ip_blocks/:id": A("admin:write:ip_blocks"),
    "DELETE /api/v1/admin/ip_blocks/:id": A("admin:write:ip_blocks"),
    "GET /api/v1/admin/email_domain_blocks": A("admin:read:email_domain_blocks"),
    "GET /api/v1/admin/email_domain_blocks/:id": A("admin:read:email_domain_blocks"),
    "POST /api/v1/admin/email_domain_blocks": A("admin:write:email_domain_blocks"),
    "DELETE /api/v1/admin/email_domain_blocks/:id": A("admin:write:email_domain_blocks"),
    "GET /api/v1/admin/canonical_email_blocks": A("admin:read:canonical_email_blocks"),
    "GET /api/v1/admin/canonical_email_blocks/:id": A("admin:read:canonical_email_blocks"),
    "POST /api/v1/admin/canonical_email_blocks/test": A("admin:read:canonical_email_blocks"),
    "POST /api/v1/admin/canonical_email_blocks": A("admin:write:canonical_email_blocks"),
    "DELETE /api/v1/admin/canonical_email_blocks/:id": A("admin:write:canonical_email_blocks"),
}

# Values for path captures: ids that do not exist (an authorization answer must come first).
CAPTURES = {"id": "1", "list_id": "1", "filter_id": "1", "quoting_status_id": "1", "group_key": "ungrouped-1",
            "name": "herdtag", "tag": "herdtag", "hashtag": "herdtag", "handle": "@admin", "username": "admin",
            "stream": "user", "variant": "local", "file": "missing.js", "date": "2024-01-01"}


def concrete(pattern):
    return "/".join(CAPTURES.get(part[1:], "1") if part.startswith(":") else part for part in pattern.split("/"))


def call(method, path, token=None, **kw):
    return S["server"].http(method, path, token=token, **kw).status


def wrong_scope_token(scope):
    """A token of the right kind of user that lacks `scope`."""
    if scope.startswith("admin:"):
        return S["admin_plain"]
    if scope == "push":
        return S["carol_rw"]
    if scope.startswith("read") or scope == "":
        return S["carol_write"]
    return S["carol_read"]


def sign_up_unconfirmed(server):
    app = create_app(server, name="matrix", scopes=ADMIN)
    app_token = client_credentials_token(server, app, ADMIN)
    r = server.api("POST", "/api/v1/accounts", token=app_token, form={
        "username": "unconfirmed", "email": "unconfirmed@herd.test", "password": DEFAULT_PASSWORD,
        "agreement": "true"})
    return r["access_token"], app_token


def create_confirmed(server, name, role="user"):
    rc, out, err = run_herd_once(server.herd, server.environment(),
                                 ("admin", "accounts", "create", name, "--email", f"{name}@herd.test",
                                  "--password", DEFAULT_PASSWORD, "--role", role), timeout=90)
    if rc != 0:
        raise AssertionError(f"herd admin accounts create {name}: {out} {err}")


@suite.setup
def start_server(t):
    # Mail on (to a port nobody listens on: messages wait in the queue) so that a sign-up
    # stays unconfirmed; the other accounts are created confirmed from the command line.
    server = S["server"] = suite.server(env={"SMTP_SERVER": "127.0.0.1", "SMTP_PORT": str(free_port()),
                                             "SMTP_FROM_ADDRESS": "herd@herd.test"})
    for name, role in (("alice", "user"), ("bob", "user"), ("carol", "user"), ("sus", "user"), ("mod", "moderator")):
        create_confirmed(server, name, role)

    def token(email, scope, password=DEFAULT_PASSWORD):
        return password_token(server, email, password, scope=scope)

    S["admin_full"] = token(ADMIN_EMAIL, ADMIN, server.admin_password)
    S["admin_plain"] = token(ADMIN_EMAIL, ALL, server.admin_password)
    S["mod_full"] = token("mod@herd.test", ADMIN)
    for name in ("alice", "bob", "carol", "sus"):
        S[f"{name}_all"] = token(f"{name}@herd.test", ADMIN)
    S["carol_read"] = token("carol@herd.test", "read")
    S["carol_write"] = token("carol@herd.test", "write")
    S["carol_rw"] = token("carol@herd.test", "read write follow")
    S["unconfirmed"], S["app_token"] = sign_up_unconfirmed(server)
    t.eq(call("GET", "/api/v1/accounts/verify_credentials", S["unconfirmed"]), 403, "the sign-up is unconfirmed")
    sus = server.api("GET", "/api/v1/accounts/verify_credentials", token=S["sus_all"])
    server.api("POST", f"/api/v1/admin/accounts/{sus['id']}/action", token=S["admin_full"], form={"type": "suspend"})
    t.eq(call("GET", "/api/v1/accounts/verify_credentials", S["sus_all"]), 403, "sus is suspended")
    out = run_herd_once(server.herd, server.environment(), ("admin", "routes", "--json"), timeout=90)
    t.require(out[0] == 0, "herd admin routes --json", out[2])
    S["routes"] = [f"{r['method']} {r['path']}" for r in json.loads(out[1])]


@suite.case
def every_route_has_an_entry(t):
    routes = S["routes"]
    t.check(len(routes) > 250, "the route table lists every route", len(routes))
    missing = sorted(set(routes) - set(MATRIX))
    t.eq(missing, [], "routes without an entry in the authorization matrix")
    stale = sorted(set(MATRIX) - set(routes))
    t.eq(stale, [], "matrix entries for routes that do not exist")


def api_call(method, path, token=None, **kw):
    return S["server"].http(method, path, token=token, **kw)


@suite.case
def other_users_owned_resources(t):
    server, alice, bob = S["server"], S["alice_all"], S["bob_all"]
    a = lambda m, p, **kw: server.api(m, p, token=alice, **kw)  # noqa: E731
    bob_account = server.api("GET", "/api/v1/accounts/verify_credentials", token=bob)
    private = a("POST", "/api/v1/statuses", form={"status": "alice only", "visibility": "private"})
    direct = a("POST", "/api/v1/statuses", form={"status": "@carol psst", "visibility": "direct"})
    poll = a("POST", "/api/v1/statuses", json_body={"status": "vote", "visibility": "private",
                                                    "poll": {"options": ["a", "b"], "expires_in": 3600}})
    a("POST", f"/api/v1/statuses/{private['id']}/bookmark")
    lst = a("POST", "/api/v1/lists", form={"title": "friends"})
    flt = a("POST", "/api/v2/filters", json_body={"title": "f", "context": ["home"],
                                                  "keywords_attributes": [{"keyword": "spoiler"}]})
    keyword = flt["keywords"][0]
    fstatus = a("POST", f"/api/v2/filters/{flt['id']}/statuses", form={"status_id": private["id"]})
    v1filter = a("POST", "/api/v1/filters", form={"phrase": "boring", "context[]": "home"})
    boundary = "matrixboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + png(4, 4) + f"\r\n--{boundary}--\r\n".encode()
    media = server.http("POST", "/api/v2/media", token=alice, body=body,
                        content_type=f"multipart/form-data; boundary={boundary}").json()
    scheduled = a("POST", "/api/v1/statuses", form={"status": "later", "scheduled_at": "2099-01-01T00:00:00Z"})
    a("POST", "/api/v1/push/subscription", json_body={
        "subscription": {"endpoint": "https://push.example/alice",
                         "keys": {"p256dh": "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
                                  "auth": "BTBZMqHH6r4Tts7J_aSIgg"}},
        "data": {"alerts": {"mention": True}}})
    server.api("POST", "/api/v1/statuses", token=bob, form={"status": "@alice hello"})
    notifications = a("GET", "/api/v1/notifications")
    t.require(notifications, "alice has a notification")
    note = notifications[0]
    groups = a("GET", "/api/v2/notifications")["notification_groups"]
    conversations = server.api("GET", "/api/v1/conversations", token=S["carol_all"])
    t.require(conversations, "carol has the direct conversation")
    conversation = conversations[0]

    checks = [
        ("GET", f"/api/v1/statuses/{private['id']}"), ("GET", f"/api/v1/statuses/{direct['id']}"),
        ("GET", f"/api/v1/statuses/{private['id']}/context"), ("GET", f"/api/v1/statuses/{private['id']}/history"),
        ("GET", f"/api/v1/statuses/{private['id']}/source"), ("GET", f"/api/v1/statuses/{private['id']}/favourited_by"),
        ("GET", f"/api/v1/statuses/{private['id']}/reblogged_by"), ("GET", f"/api/v1/statuses/{private['id']}/quotes"),
        ("POST", f"/api/v1/statuses/{private['id']}/favourite"), ("POST", f"/api/v1/statuses/{private['id']}/reblog"),
        ("POST", f"/api/v1/statuses/{private['id']}/bookmark"), ("POST", f"/api/v1/statuses/{direct['id']}/favourite"),
        ("PUT", f"/api/v1/statuses/{private['id']}"), ("DELETE", f"/api/v1/statuses/{private['id']}"),
        ("POST", f"/api/v1/statuses/{private['id']}/pin"),
        ("PUT", f"/api/v1/statuses/{private['id']}/interaction_policy"),
        ("GET", f"/api/v1/polls/{poll['poll']['id']}"), ("POST", f"/api/v1/polls/{poll['poll']['id']}/votes"),
        ("GET", f"/api/v1/lists/{lst['id']}"), ("PUT", f"/api/v1/lists/{lst['id']}"),
        ("GET", f"/api/v1/lists/{lst['id']}/accounts"), ("POST", f"/api/v1/lists/{lst['id']}/accounts"),
        ("DELETE", f"/api/v1/lists/{lst['id']}/accounts"), ("GET", f"/api/v1/timelines/list/{lst['id']}"),
        ("DELETE", f"/api/v1/lists/{lst['id']}"),
        ("GET", f"/api/v2/filters/{flt['id']}"), ("PUT", f"/api/v2/filters/{flt['id']}"),
        ("GET", f"/api/v2/filters/{flt['id']}/keywords"), ("POST", f"/api/v2/filters/{flt['id']}/keywords"),
        ("GET", f"/api/v2/filters/keywords/{keyword['id']}"), ("PUT", f"/api/v2/filters/keywords/{keyword['id']}"),
        ("DELETE", f"/api/v2/filters/keywords/{keyword['id']}"),
        ("GET", f"/api/v2/filters/{flt['id']}/statuses"), ("POST", f"/api/v2/filters/{flt['id']}/statuses"),
        ("GET", f"/api/v2/filters/statuses/{fstatus['id']}"), ("DELETE", f"/api/v2/filters/statuses/{fstatus['id']}"),
        ("DELETE", f"/api/v2/filters/{flt['id']}"),
        ("GET", f"/api/v1/filters/{v1filter['id']}"), ("PUT", f"/api/v1/filters/{v1filter['id']}"),
        ("DELETE", f"/api/v1/filters/{v1filter['id']}"),
        ("GET", f"/api/v1/media/{media['id']}"), ("PUT", f"/api/v1/media/{media['id']}"),
        ("DELETE", f"/api/v1/media/{media['id']}"),
        ("GET", f"/api/v1/scheduled_statuses/{scheduled['id']}"), ("PUT", f"/api/v1/scheduled_statuses/{scheduled['id']}"),
        ("DELETE", f"/api/v1/scheduled_statuses/{scheduled['id']}"),
        ("GET", f"/api/v1/notifications/{note['id']}"), ("POST", f"/api/v1/notifications/{note['id']}/dismiss"),
        ("GET", f"/api/v2/notifications/{groups[0]['group_key']}"),
        ("GET", f"/api/v2/notifications/{groups[0]['group_key']}/accounts"),
        ("POST", f"/api/v2/notifications/{groups[0]['group_key']}/dismiss"),
        ("POST", f"/api/v1/conversations/{conversation['id']}/read"),
        ("DELETE", f"/api/v1/conversations/{conversation['id']}"),
        ("GET", "/api/v1/push/subscription"), ("PUT", "/api/v1/push/subscription"),
    ]
    for method, path in checks:
        r = api_call(method, path, token=bob, json_body={"status": "mine now", "title": "mine",
                                                          "keyword": "x", "status_id": private["id"],
                                                          "account_ids": [bob_account["id"]], "choices": [0],
                                                          "description": "mine", "phrase": "mine",
                                                          "context": ["home"], "data": {"alerts": {"poll": True}}})
        t.eq(r.status, 404, f"bob: {method} {path}")
    # someone else's media in a post: refused
    r = api_call("POST", "/api/v1/statuses", token=bob, json_body={"status": "stolen", "media_ids": [media["id"]]})
    t.check(r.status in (404, 422), "bob cannot post alice's media", r.status)
    # nothing changed for alice
    t.eq(a("GET", f"/api/v1/statuses/{private['id']}")["content"], "<p>alice only</p>", "alice's private post intact")
    t.eq(a("GET", f"/api/v1/lists/{lst['id']}")["title"], "friends", "her list")
    t.eq(a("GET", f"/api/v2/filters/{flt['id']}")["title"], "f", "her filter")
    t.eq(len(a("GET", f"/api/v2/filters/{flt['id']}")["keywords"]), 1, "its keyword")
    t.eq(a("GET", f"/api/v1/filters/{v1filter['id']}")["phrase"], "boring", "her v1 filter")
    t.eq(a("GET", f"/api/v1/media/{media['id']}")["id"], media["id"], "her media")
    t.eq(a("GET", f"/api/v1/scheduled_statuses/{scheduled['id']}")["id"], scheduled["id"], "her scheduled post")
    t.eq(a("GET", "/api/v1/push/subscription")["endpoint"], "https://push.example/alice", "her push subscription")
    t.eq(a("GET", f"/api/v1/notifications/{note['id']}")["id"], note["id"], "her notification")
    t.eq([s["id"] for s in a("GET", "/api/v1/bookmarks")], [private["id"]], "her bookmark")
    t.eq(server.api("GET", "/api/v1/bookmarks", token=bob), [], "bob sees none of alice's bookmarks")
    t.check(all(c["id"] != conversation["id"] for c in server.api("GET", "/api/v1/conversations", token=bob)),
            "bob does not see the conversation")
    t.check(all(n["id"] != note["id"] for n in server.api("GET", "/api/v1/notifications", token=bob)),
            "nor alice's notifications")
    t.eq(a("GET", f"/api/v1/polls/{poll['poll']['id']}")["votes_count"], 0, "nobody voted in her private poll")
    S["alice_private"] = private["id"]


def expectations(kind, scope):
    """(token name or None, acceptable statuses, what) for a route of this kind."""
    deny_scope = {403}
    checks = []
    if kind in ("U", "T", "S", "A"):
        checks.append((None, {401}, "no token"))
        if scope:
            checks.append(("wrong_scope", deny_scope, f"a token without {scope}"))
    if kind in ("U", "S", "A"):
        checks += [("app_token", {422}, "an app token (no user)"), ("sus_all", {403}, "a suspended account"),
                   ("unconfirmed", {403}, "an unconfirmed account")]
    if kind in ("S", "A"):
        checks.append(("carol_all", {403}, "a user who is not staff"))
    if kind == "A":
        checks.append(("mod_full", {403}, "a moderator"))
    if kind == "O" and scope:
        checks.append(("wrong_scope", deny_scope, f"a user token without {scope}"))
    return checks


@suite.case
def every_route_answers_as_mastodon(t):
    failures = []
    for route in S["routes"]:
        entry = MATRIX.get(route)
        if not entry:
            continue
        kind, scope = entry
        method, pattern = route.split(" ", 1)
        path = concrete(pattern)
        html = {"Accept": "text/html"} if kind == "W" else None
        anonymous = api_call(method, path, headers=html).status
        if anonymous >= 500:
            failures.append(f"{route}: anonymous {anonymous}")
        if kind in ("P", "O") and anonymous in (401, 403):
            failures.append(f"{route}: public, but anonymous got {anonymous}")
        if kind == "W" and 200 <= anonymous < 300:
            failures.append(f"{route}: a signed-in page answered {anonymous} anonymously")
        for token_name, allowed, what in expectations(kind, scope):
            if token_name is None:
                continue  # anonymous: checked above for P/O; below for the rest
            token = wrong_scope_token(scope) if token_name == "wrong_scope" else S[token_name]
            status = api_call(method, path, token=token).status
            if status not in allowed:
                failures.append(f"{route}: {what}: {status}, expected {sorted(allowed)}")
        if kind in ("U", "T", "S", "A") and anonymous != 401:
            failures.append(f"{route}: no token: {anonymous}, expected 401")
        good = {"U": "carol_all", "O": "carol_all", "T": "app_token", "S": "mod_full", "A": "admin_full"}.get(kind)
        if good:
            status = api_call(method, path, token=S[good]).status
            if status in (401, 403) or status >= 500:
                failures.append(f"{route}: {good} (allowed) got {status}")
    t.eq(failures, [], "routes answering otherwise than Mastodon")


if __name__ == "__main__":
    main(suite)
