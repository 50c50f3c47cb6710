// The mail queue: every message is a `jobs` row (queue "mail") written in the transaction that
// causes it, and a background worker sends it.
//
// Sending: one job claimed at a time (locked for longer than one SMTP attempt can take, with
// FOR UPDATE SKIP LOCKED on PostgreSQL), so that several `herd serve` processes on one database
// never send a message twice; the job is deleted once the server accepted the message. A server
// that is down, refuses the connection, or answers 4xx: retried with backoff (2 s, 5 s, 15 s,
// 30 s, 1 min... then every 8 h) for about three days. A 5xx for the message (or giving up):
// logged as an error and recorded in mail_failures, which `herd admin mail status` shows.
// Without SMTP_SERVER, a message is logged (recipient and subject) and removed; nothing is sent.
// The one case that can send twice: a crash (or lost database) between the server's acceptance
// and the job's deletion.
#pragma once
#include <cstdint>

#include "app.hpp"
#include "mail/message.hpp"
#include "mail/smtp.hpp"
#include "store/database.hpp"

namespace herd::mail {

// Queues the message inside the caller's transaction.
void enqueue(store::Connection& c, const Message& message);

// Sends the due messages (called every second by the job runner); returns how many jobs ran.
int run_mail_jobs(App& app, std::int64_t now);

// Sends a message at once, outside the queue (herd admin mail test), with the SMTP transcript.
SmtpOutcome send_now(const App& app, const Message& message);

}  // namespace herd::mail
