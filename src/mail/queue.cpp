#include "mail/queue.hpp"

#include <boost/json.hpp>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "store/federation.hpp"
#include "store/mail.hpp"

namespace herd::mail {

namespace json = boost::json;

// The queue's bookkeeping (claims, retries, deletions, mail_failures) changes nothing a cached
// response shows: its writes are unversioned (store/database.hpp), so mail never empties the
// response cache.

namespace {

constexpr std::string_view kQueue = "mail";
// Longer than one attempt (15 s to connect + 60 s in all), so a claimed job is never claimed
// again while its message is on the wire.
constexpr std::int64_t kLockMs = 5 * 60 * 1000;
constexpr std::int64_t kBackoffMs[] = {2'000,     5'000,      15'000,    30'000,    60'000,
                                       120'000,   300'000,    600'000,   1'800'000, 3'600'000,
                                       7'200'000, 14'400'000, 28'800'000};
constexpr int kMaxAttempts = 20;  // about three days

std::int64_t backoff(int attempts) {
  constexpr int n = sizeof kBackoffMs / sizeof kBackoffMs[0];
  return kBackoffMs[std::min(attempts, n - 1)];
}

void give_up(App& app, const store::Job& job, const Message& message, const std::string& error,
             std::int64_t now) {
  log::error("mail {} to {} ({}) not delivered after {} attempt(s): {}", job.id, message.to,
             message.subject, job.attempts + 1, error);
  app.db->write_unversioned([&](store::Connection& c) {
    store::MailFailure failure;
    failure.id = next_id();
    failure.recipient = message.to;
    failure.subject = message.subject;
    failure.error = error;
    failure.attempts = job.attempts + 1;
    failure.queued_at = message.date;
    failure.failed_at = now;
    store::insert_mail_failure(c, failure);
    store::delete_job(c, job.id);
  });
}

// Runs one claimed job; returns false when the SMTP server could not be reached (the caller
// stops for this tick).
bool run_job(App& app, const store::Job& job, std::int64_t now) {
  Message message;
  try {
    message = from_json(json::parse(job.payload));
  } catch (const std::exception& error) {
    Message unreadable;
    unreadable.to = "(unreadable job)";
    give_up(app, job, unreadable, error.what(), now);
    return true;
  }
  if (!app.config.mail_enabled()) {
    log::info("mail not sent (no SMTP_SERVER): to {} subject \"{}\"", message.to, message.subject);
    app.db->write_unversioned([&](store::Connection& c) { store::delete_job(c, job.id); });
    return true;
  }
  SmtpOutcome outcome =
      send_smtp(app.config, bare_address(message.from), message.to, to_rfc5322(message));
  if (outcome.sent) {
    log::info("mail sent to {}: \"{}\" {}", message.to, message.subject, message.message_id);
    app.db->write_unversioned([&](store::Connection& c) { store::delete_job(c, job.id); });
    return true;
  }
  if (outcome.permanent || job.attempts + 1 >= kMaxAttempts) {
    give_up(app, job, message, outcome.error, now);
    return true;
  }
  std::int64_t next = now + backoff(job.attempts);
  log::warn("mail {} to {} not sent (attempt {}), retried in {} s: {}", job.id, message.to,
            job.attempts + 1, (next - now) / 1000, outcome.error);
  app.db->write_unversioned([&](store::Connection& c) {
    store::retry_job(c, job.id, next, job.attempts + 1, outcome.error);
  });
  return outcome.code != 0;  // no answer at all: the server is down, try the others later
}

}  // namespace

void enqueue(store::Connection& c, const Message& message) {
  store::insert_job(c, next_id(), kQueue, json::serialize(to_json(message)), message.date,
                    message.date);
}

int run_mail_jobs(App& app, std::int64_t now) {
  bool due =
      app.db->read_value([&](store::Connection& c) { return store::has_due_jobs(c, kQueue, now); });
  if (!due) return 0;
  int ran = 0;
  for (; ran < 100; ++ran) {
    std::vector<store::Job> jobs;
    app.db->write_unversioned(
        [&](store::Connection& c) { jobs = store::claim_jobs(c, kQueue, now, kLockMs, 1); });
    if (jobs.empty()) break;
    bool reachable = true;
    try {
      reachable = run_job(app, jobs.front(), now);
    } catch (const std::exception& error) {
      log::error("mail job {} failed: {}", jobs.front().id, error.what());  // lock expires: rerun
    }
    if (!reachable) {
      ++ran;
      break;
    }
  }
  return ran;
}

SmtpOutcome send_now(const App& app, const Message& message) {
  return send_smtp(app.config, bare_address(message.from), message.to, to_rfc5322(message), true);
}

}  // namespace herd::mail
