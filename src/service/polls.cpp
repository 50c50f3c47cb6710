#include "service/polls.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "api/mastodon/limits.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "service/events.hpp"
#include "service/notifications.hpp"
#include "service/visibility.hpp"
#include "store/federation.hpp"
#include "store/invalidation.hpp"
#include "store/notifications.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"
#include "stream/publish.hpp"

namespace herd::service {

namespace json = boost::json;

namespace {

// Votes on a local poll are spread at most this often (Mastodon waits 3 minutes).
constexpr std::int64_t kUpdateDelayMs = 3'000;
constexpr std::int64_t kJobLockMs = 60'000;
constexpr int kMaxJobAttempts = 5;

std::string strip(std::string_view text) {
  auto space = [](unsigned char ch) { return std::isspace(ch) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char ch) {
    return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  }));
}

std::vector<std::string> prepared_options(const NewPoll& poll) {
  std::vector<std::string> out;
  for (const auto& option : poll.options) {
    std::string title = strip(option);
    if (!title.empty()) out.push_back(std::move(title));
  }
  return out;
}

[[noreturn]] void invalid(const std::string& message) {
  fail(ErrorKind::validation, "Validation failed: " + message);
}

std::string job_payload(std::string_view kind, Id poll_id) {
  return json::serialize(json::object{{"kind", kind}, {"poll_id", std::to_string(poll_id)}});
}

void schedule(store::Connection& c, std::string_view kind, Id poll_id, std::int64_t run_at,
              std::int64_t now) {
  std::string payload = job_payload(kind, poll_id);
  if (!store::job_pending(c, kPollQueue, payload))
    store::insert_job(c, next_id(), kPollQueue, payload, run_at, now);
}

void schedule_close(store::Connection& c, const store::Poll& poll, std::int64_t now) {
  if (poll.expires_at && !poll.closed_at) schedule(c, "close", poll.id, *poll.expires_at, now);
}

void schedule_update(store::Connection& c, const store::Poll& poll, std::int64_t now) {
  if (!poll.hide_totals) schedule(c, "update", poll.id, now + kUpdateDelayMs, now);
}

// Mastodon's VoteValidator, vote by vote; the votes are stored and counted.
std::vector<store::PollVote> add_votes(store::Connection& c, const store::Poll& poll, Id account_id,
                                       const std::vector<int>& choices,
                                       const std::optional<std::string>& uri, std::int64_t now) {
  store::lock_poll(c, poll.id);
  bool voted_before = store::has_voted(c, poll.id, account_id);
  std::vector<store::PollVote> votes;
  for (int choice : choices) {
    if (poll.expired(now)) invalid("The poll has already ended");
    if (choice < 0 || choice >= static_cast<int>(poll.options.size()))
      invalid("The chosen vote option does not exist");
    if (account_id == poll.account_id) invalid("You cannot vote in your own polls");
    if (!poll.multiple && (voted_before || !votes.empty()))
      invalid("You have already voted on this poll");
    store::PollVote vote{next_id(), poll.id, account_id, choice, uri, now};
    if (!store::insert_vote(c, vote)) invalid("You have already voted on this poll");
    votes.push_back(vote);
  }
  for (const auto& vote : votes) store::count_vote(c, poll.id, vote.choice, now);
  if (!voted_before && !votes.empty()) store::count_voter(c, poll.id);
  return votes;
}

// "poll" notification to the author of a local poll (Mastodon notifies the owner from itself).
void notify_owner(App& app, store::Connection& c, const store::Poll& poll) {
  store::Notification n;
  n.id = next_id();
  n.account_id = poll.account_id;
  n.from_account_id = poll.account_id;
  n.type = "poll";
  n.status_id = poll.status_id;
  n.created_at = now_unix_ms();
  store::insert_notification(c, n);
  stream::notification_created(app, n);
}

void close(App& app, store::Connection& c, const store::Poll& poll, const store::Status& status,
           std::int64_t now) {
  if (!poll.expires_at) return;
  if (*poll.expires_at > now) {  // the end moved (a remote Update): wait for it
    schedule(c, "close", poll.id, *poll.expires_at, now);
    return;
  }
  // The poll's end and the voters' notifications: no finer tags name them (invalidation.hpp).
  store::Changes::note_everything();
  if (!store::close_poll(c, poll.id, now)) return;
  for (Id voter : store::local_voter_ids(c, poll.id))
    notify(app, c, voter, poll.account_id, "poll", status.id);
  if (status.local) {
    notify_owner(app, c, poll);
    record(app, c, Event(EventKind::poll_changed).with_status(status));
  }
}

void run_job(App& app, store::Connection& c, const store::Job& job, std::int64_t now) {
  json::object payload = json::parse(job.payload).as_object();
  std::string kind(payload.at("kind").as_string());
  auto id = parse_id(payload.at("poll_id").as_string());
  if (!id) return;
  auto poll = store::find_poll(c, *id);
  if (!poll) return;
  auto status = store::find_status(c, poll->status_id);
  if (!status) return;
  if (kind == "close") {
    close(app, c, *poll, *status, now);
  } else if (kind == "update" && status->local && !poll->hide_totals) {
    record(app, c, Event(EventKind::poll_changed).with_status(*status));
  }
}

}  // namespace

void validate_poll(const NewPoll& poll, bool with_media) {
  if (with_media) fail(ErrorKind::validation, "Cannot attach more than 4 files");
  std::vector<std::string> options = prepared_options(poll);
  std::vector<std::string> errors;
  if (options.size() < 2) errors.push_back("Poll options must have more than one item");
  if (options.size() > static_cast<std::size_t>(limits::max_poll_options))
    errors.push_back("Poll options can't contain more than " +
                     std::to_string(limits::max_poll_options) + " items");
  if (std::any_of(options.begin(), options.end(), [](const std::string& option) {
        return code_points(option) > static_cast<std::size_t>(limits::max_poll_option_characters);
      }))
    errors.push_back("Poll options cannot be longer than " +
                     std::to_string(limits::max_poll_option_characters) + " characters each");
  std::vector<std::string> sorted = options;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    errors.push_back("Poll options contain duplicate items");
  if (!poll.expires_in || *poll.expires_in > limits::max_poll_expiration)
    errors.push_back("Poll expires at is too far into the future");
  else if (*poll.expires_in < limits::min_poll_expiration)
    errors.push_back("Poll expires at is too soon");
  if (errors.empty()) return;
  std::string message;
  for (const auto& error : errors) message += (message.empty() ? "" : ", ") + error;
  invalid(message);
}

store::Poll create_poll(App&, store::Connection& c, const store::Status& status,
                        const NewPoll& input, std::int64_t now) {
  validate_poll(input, false);
  store::Poll poll;
  poll.id = next_id();
  poll.status_id = status.id;
  poll.account_id = status.account_id;
  for (auto& title : prepared_options(input)) poll.options.push_back({std::move(title), 0});
  poll.expires_at = now + *input.expires_in * 1000;
  poll.multiple = input.multiple;
  poll.hide_totals = input.hide_totals;
  poll.voters_count = 0;
  poll.created_at = poll.updated_at = now;
  store::insert_poll(c, poll);
  schedule_close(c, poll, now);
  return poll;
}

std::pair<store::Poll, store::Status> find_visible_poll(store::Connection& c, Id viewer,
                                                        Id poll_id) {
  auto poll = store::find_poll(c, poll_id);
  if (!poll) not_found();
  store::Status status = find_visible_status(c, viewer, poll->status_id);
  return {*poll, status};
}

store::Poll vote(App& app, Id account_id, Id poll_id, const std::vector<std::string>& choices) {
  if (choices.empty())
    fail(ErrorKind::bad_request, "param is missing or the value is empty: choices");
  std::vector<int> parsed;
  for (const auto& text : choices) {
    int choice = -1;
    if (!text.empty() && text.size() < 6 &&
        std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      choice = std::stoi(text);
    parsed.push_back(choice);
  }
  // The counts and the voter's own votes show in the status's entity only (and its delivery and
  // the update job are queue rows that no cached response reads).
  store::Changes changes;
  changes.add(store::tags::nothing());
  return app.db->write_value([&](store::Connection& c) {
    auto [poll, status] = find_visible_poll(c, account_id, poll_id);
    store::Changes::note(store::tags::status(status.id));
    auto relation = store::load_relationships(c, account_id, {poll.account_id})[poll.account_id];
    if (relation.blocking || relation.blocked_by)
      fail(ErrorKind::forbidden, "This action is not allowed");
    std::int64_t now = now_unix_ms();
    auto votes = add_votes(c, poll, account_id, parsed, std::nullopt, now);
    if (status.local) {
      schedule_update(c, poll, now);
    } else {
      record(
          app, c,
          Event(EventKind::poll_voted).by(account_id).with_status(status).with_poll(poll, votes));
      schedule_close(c, poll, now);  // to tell the voter when it ends
    }
    return *store::find_poll(c, poll.id);
  });
}

// ---- federation ingest
// ---------------------------------------------------------------------------

void receive_poll(store::Connection& c, const store::Status& status, store::Poll poll) {
  if (store::find_poll_by_status(c, status.id)) return;
  std::int64_t now = now_unix_ms();
  poll.id = next_id();
  poll.status_id = status.id;
  poll.account_id = status.account_id;
  poll.created_at = poll.updated_at = now;
  poll.last_fetched_at = now;
  store::insert_poll(c, poll);
}

void receive_poll(App& app, const store::Status& status, store::Poll poll) {
  app.db->write([&](store::Connection& c) { receive_poll(c, status, poll); });
}

void refresh_poll(App& app, const store::Status& status, const store::Poll& input) {
  bool stored = app.db->read_value(
      [&](store::Connection& c) { return store::find_poll_by_status(c, status.id).has_value(); });
  if (!stored) return receive_poll(app, status, input);
  app.db->write([&](store::Connection& c) {
    auto existing = store::find_poll_by_status(c, status.id);
    if (!existing) return;
    store::Poll poll = input;
    poll.id = existing->id;
    std::int64_t now = now_unix_ms();
    store::refresh_remote_poll(c, poll, now);
    stream::status_updated(app, c, status);
  });
}

bool receive_vote(App& app, Id account_id, const store::Status& status,
                  const std::string& option_title, const std::string& uri) {
  store::Changes changes;  // the counts show in the status's entity only (see vote())
  changes.add(store::tags::status(status.id));
  return app.db->write_value([&](store::Connection& c) {
    auto poll = store::find_poll_by_status(c, status.id);
    if (!poll) return false;
    auto it = std::find_if(poll->options.begin(), poll->options.end(),
                           [&](const store::PollOption& o) { return o.title == option_title; });
    if (it == poll->options.end()) return false;
    std::int64_t now = now_unix_ms();
    try {
      add_votes(c, *poll, account_id, {static_cast<int>(it - poll->options.begin())}, uri, now);
    } catch (const ApiError&) {
      return false;  // thrown before anything was written
    }
    schedule_update(c, *poll, now);
    return true;
  });
}

// ---- jobs
// ------------------------------------------------------------------------------------------

int run_poll_jobs(App& app, std::int64_t now) {
  bool due = app.db->read_value(
      [&](store::Connection& c) { return store::has_due_jobs(c, kPollQueue, now); });
  if (!due) return 0;
  // The queue's bookkeeping (claims, retries) changes nothing a cached response shows.
  std::vector<store::Job> jobs;
  app.db->write_unversioned(
      [&](store::Connection& c) { jobs = store::claim_jobs(c, kPollQueue, now, kJobLockMs, 16); });
  for (const auto& job : jobs) {
    try {
      // An update job only queues the poll's deliveries; close() says what an ending changes.
      store::Changes changes;
      changes.add(store::tags::nothing());
      app.db->write([&](store::Connection& c) {
        run_job(app, c, job, now);
        store::delete_job(c, job.id);
      });
    } catch (const std::exception& error) {
      log::error("poll job {} failed: {}", job.id, error.what());
      try {
        app.db->write_unversioned([&](store::Connection& c) {
          if (job.attempts + 1 >= kMaxJobAttempts)
            store::delete_job(c, job.id);
          else
            store::retry_job(c, job.id, now + kJobLockMs, job.attempts + 1, error.what());
        });
      } catch (const std::exception&) {
        // the lock expires and the job runs again
      }
    }
  }
  return static_cast<int>(jobs.size());
}

}  // namespace herd::service
