#!/usr/bin/python3
"""Direct conversations against a real `herd serve`, with Mastodon.py 1.8 (conversations,
conversations_read) and raw HTTP (DELETE /api/v1/conversations/:id, paging).

Direct messages among the same people form one conversation per participant, newest first, with
the other participants as `accounts` and the newest message as `last_status`; a new message is
unread for everyone but its author; read and delete (until the next message) work; a deleted last
message gives way to the one before; nobody else sees or changes a conversation.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import T, Suite, main, mastodon_py, parse_args, parse_link_header, register  # noqa: E402

suite = Suite("conversations", parse_args(__doc__))
S = suite.state
CONVERSATION = {"id": T.ID, "unread": T.BOOL, "accounts": [T.OBJ], "last_status": (T.OBJ, T.NULL)}


def dm(user, text, **extra):
    return S["server"].api("POST", "/api/v1/statuses", token=user.token,
                           form=dict({"status": text, "visibility": "direct"}, **extra))


def conversations(user, **query):
    return S["server"].api("GET", "/api/v1/conversations", token=user.token, query=query or None)


@suite.setup
def start_server_and_register(t):
    S["server"] = suite.server()
    for name in ("alice", "bob", "carol"):
        S[name] = register(S["server"], name)


@suite.case
def a_direct_message_starts_a_conversation(t):
    alice, bob = S["alice"], S["bob"]
    first = dm(alice, "@bob hello bob")
    got = conversations(bob)
    t.eq(len(got), 1, "bob has one conversation")
    if got:
        t.entity(got[0], CONVERSATION, "Conversation")
        t.eq([a["acct"] for a in got[0]["accounts"]], ["alice"], "with alice")
        t.eq(got[0]["last_status"]["id"], first["id"], "its last status is the message")
        t.eq(got[0]["unread"], True, "unread for the recipient")
    mine = conversations(alice)
    t.eq([(c["unread"], [a["acct"] for a in c["accounts"]]) for c in mine], [(False, ["bob"])],
         "the author's side: read, with bob")
    reply = dm(bob, "@alice hi alice", in_reply_to_id=first["id"])
    got = conversations(alice)
    t.eq(len(got), 1, "the reply stays in the same conversation")
    t.eq(got[0]["last_status"]["id"] if got else None, reply["id"], "the reply is now the last status")
    t.eq(got[0]["unread"] if got else None, True, "unread for alice now")
    t.eq(conversations(bob)[0]["unread"], False, "read for bob, who wrote it")
    t.eq(conversations(S["carol"]), [], "carol is in no conversation")
    S["alice_bob"] = got[0]["id"] if got else None
    S["first"], S["reply"] = first, reply


@suite.case
def groups_reading_paging_and_removal(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    group = dm(alice, "@bob @carol hello both")
    got = conversations(bob)
    t.eq([c["last_status"]["id"] for c in got], [group["id"], S["reply"]["id"]],
         "a message to bob and carol is another conversation, newest first")
    t.eq(sorted(a["acct"] for a in got[0]["accounts"]), ["alice", "carol"], "with both others")

    m = mastodon_py(server, bob.token)
    read = m.conversations_read(got[0]["id"])
    t.eq(read["unread"], False, "conversations_read marks it read")
    t.eq(conversations(bob)[0]["unread"], False, "and it stays read")

    page = server.http("GET", "/api/v1/conversations", token=bob.token, query={"limit": "1"})
    t.eq(len(page.json()), 1, "a page of one")
    links = {rel: url for url, rel in parse_link_header(page.header("Link", ""))}
    t.require(links.get("next"), "with a next link", page.header("Link"))
    second = server.http("GET", links["next"], token=bob.token).json()
    t.eq([c["last_status"]["id"] for c in second], [S["reply"]["id"]], "the next page has the older one")

    r = server.http("DELETE", f"/api/v1/conversations/{got[0]['id']}", token=bob.token)
    t.status(r, 200, "DELETE a conversation")
    t.eq([c["last_status"]["id"] for c in conversations(bob)], [S["reply"]["id"]], "it is gone from the list")
    back = dm(S["carol"], "@bob @alice carol answers")
    t.eq(conversations(bob)[0]["last_status"]["id"] if conversations(bob) else None, back["id"],
         "a new message brings it back")

    server.api("DELETE", f"/api/v1/statuses/{S['reply']['id']}", token=bob.token)
    mine = [c for c in conversations(alice) if [a["acct"] for a in c["accounts"]] == ["bob"]]
    t.eq(mine[0]["last_status"]["id"] if mine else None, S["first"]["id"],
         "deleting the last message shows the one before")


@suite.case
def only_the_participant(t):
    server = S["server"]
    cid = S["alice_bob"]
    t.json_error(server.http("POST", f"/api/v1/conversations/{cid}/read", token=S["carol"].token), 404,
                 "reading someone else's conversation")
    t.json_error(server.http("DELETE", f"/api/v1/conversations/{cid}", token=S["carol"].token), 404,
                 "deleting someone else's conversation")
    t.json_error(server.http("GET", "/api/v1/conversations"), 401, "without a token")


if __name__ == "__main__":
    main(suite)
