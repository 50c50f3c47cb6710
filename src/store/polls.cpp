#include "store/polls.hpp"

#include <algorithm>

namespace herd::store {

namespace {

// A poll row joined with its options, one row per option, ordered by poll then position.
constexpr const char* kSelect =
    "SELECT p.id, p.status_id, p.account_id, p.expires_at, p.multiple, p.hide_totals, "
    "p.votes_count, p.voters_count, p.uri, p.closed_at, p.last_fetched_at, p.created_at, "
    "p.updated_at, o.position, o.title, o.votes_count FROM polls p "
    "LEFT JOIN poll_options o ON o.poll_id = p.id ";
constexpr const char* kOrder = " ORDER BY p.id, o.position";

// Folds joined rows into polls, in row order.
std::vector<Poll> polls_from_result(const Result& result) {
  std::vector<Poll> out;
  for (const Row& r : result.rows) {
    if (out.empty() || out.back().id != r.i(0)) {
      Poll p;
      p.id = r.i(0);
      p.status_id = r.i(1);
      p.account_id = r.i(2);
      p.expires_at = r.oi(3);
      p.multiple = r.b(4);
      p.hide_totals = r.b(5);
      p.votes_count = r.i(6);
      p.voters_count = r.oi(7);
      p.uri = r.os(8);
      p.closed_at = r.oi(9);
      p.last_fetched_at = r.oi(10);
      p.created_at = r.i(11);
      p.updated_at = r.i(12);
      out.push_back(std::move(p));
    }
    if (!r.is_null(13)) out.back().options.push_back(PollOption{r.s(14), r.i(15)});
  }
  return out;
}

std::optional<Poll> first(std::vector<Poll> polls) {
  if (polls.empty()) return std::nullopt;
  return std::move(polls.front());
}

void insert_options(Connection& c, Id poll_id, const std::vector<PollOption>& options) {
  for (std::size_t i = 0; i < options.size(); ++i)
    c.query("INSERT INTO poll_options (poll_id, position, title, votes_count) VALUES (?, ?, ?, ?)",
            {Value(poll_id), Value(static_cast<std::int64_t>(i)), Value(options[i].title),
             Value(options[i].votes_count)});
}

std::vector<Id> ids_of(const Result& result) {
  std::vector<Id> out;
  out.reserve(result.rows.size());
  for (const Row& r : result.rows) out.push_back(r.i(0));
  return out;
}

}  // namespace

void insert_poll(Connection& c, const Poll& p) {
  std::int64_t total = 0;
  for (const auto& option : p.options) total += option.votes_count;
  c.query(
      "INSERT INTO polls (id, status_id, account_id, expires_at, multiple, hide_totals, "
      "votes_count, voters_count, uri, closed_at, last_fetched_at, created_at, updated_at) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
      {Value(p.id), Value(p.status_id), Value(p.account_id), opt(p.expires_at),
       Value(std::int64_t{p.multiple}), Value(std::int64_t{p.hide_totals}), Value(total),
       opt(p.voters_count), opt(p.uri), opt(p.closed_at), opt(p.last_fetched_at),
       Value(p.created_at), Value(p.updated_at)});
  insert_options(c, p.id, p.options);
}

std::optional<Poll> find_poll(Connection& c, Id id) {
  return first(
      polls_from_result(c.query(std::string(kSelect) + "WHERE p.id = ?" + kOrder, {Value(id)})));
}

std::optional<Poll> find_poll_by_status(Connection& c, Id status_id) {
  return first(polls_from_result(
      c.query(std::string(kSelect) + "WHERE p.status_id = ?" + kOrder, {Value(status_id)})));
}

std::unordered_map<Id, Poll> load_status_polls(Connection& c, const std::vector<Id>& status_ids) {
  std::unordered_map<Id, Poll> out;
  if (status_ids.empty()) return out;
  std::vector<Value> params(status_ids.begin(), status_ids.end());
  for (auto& poll : polls_from_result(c.query(std::string(kSelect) + "WHERE p.status_id IN (" +
                                                  placeholders(status_ids.size()) + ")" + kOrder,
                                              params)))
    out.emplace(poll.status_id, std::move(poll));
  return out;
}

std::unordered_map<Id, std::vector<int>> own_votes_among(Connection& c, Id account_id,
                                                         const std::vector<Id>& poll_ids) {
  std::unordered_map<Id, std::vector<int>> out;
  if (poll_ids.empty()) return out;
  std::vector<Value> params{Value(account_id)};
  params.insert(params.end(), poll_ids.begin(), poll_ids.end());
  auto result = c.query(
      "SELECT poll_id, choice FROM poll_votes WHERE account_id = ? AND poll_id "
      "IN (" +
          placeholders(poll_ids.size()) + ") ORDER BY poll_id, choice",
      params);
  for (const Row& r : result.rows) out[r.i(0)].push_back(static_cast<int>(r.i(1)));
  return out;
}

void lock_poll(Connection& c, Id poll_id) {
  if (c.dialect() == Dialect::postgres)
    c.query("SELECT id FROM polls WHERE id = ? FOR UPDATE", {Value(poll_id)});
}

bool has_voted(Connection& c, Id poll_id, Id account_id) {
  return !c.query("SELECT 1 FROM poll_votes WHERE poll_id = ? AND account_id = ? LIMIT 1",
                  {Value(poll_id), Value(account_id)})
              .empty();
}

bool insert_vote(Connection& c, const PollVote& v) {
  return c.query(
              "INSERT INTO poll_votes (id, poll_id, account_id, choice, uri, created_at) VALUES "
              "(?, ?, ?, ?, ?, ?) ON CONFLICT (poll_id, account_id, choice) DO NOTHING",
              {Value(v.id), Value(v.poll_id), Value(v.account_id),
               Value(static_cast<std::int64_t>(v.choice)), opt(v.uri), Value(v.created_at)})
             .affected > 0;
}

void count_vote(Connection& c, Id poll_id, int choice, std::int64_t now) {
  c.query(
      "UPDATE poll_options SET votes_count = votes_count + 1 WHERE poll_id = ? AND position = ?",
      {Value(poll_id), Value(static_cast<std::int64_t>(choice))});
  c.query("UPDATE polls SET votes_count = votes_count + 1, updated_at = ? WHERE id = ?",
          {Value(now), Value(poll_id)});
}

void count_voter(Connection& c, Id poll_id) {
  c.query(
      "UPDATE polls SET voters_count = voters_count + 1 WHERE id = ? AND voters_count IS NOT NULL",
      {Value(poll_id)});
}

void refresh_remote_poll(Connection& c, const Poll& p, std::int64_t now) {
  auto stored = find_poll(c, p.id);
  if (!stored) return;
  bool same_titles =
      stored->options.size() == p.options.size() &&
      std::equal(p.options.begin(), p.options.end(), stored->options.begin(),
                 [](const PollOption& a, const PollOption& b) { return a.title == b.title; });
  if (same_titles) {
    for (std::size_t i = 0; i < p.options.size(); ++i)
      c.query("UPDATE poll_options SET votes_count = ? WHERE poll_id = ? AND position = ?",
              {Value(p.options[i].votes_count), Value(p.id), Value(static_cast<std::int64_t>(i))});
  } else {
    c.query("DELETE FROM poll_options WHERE poll_id = ?", {Value(p.id)});
    c.query("DELETE FROM poll_votes WHERE poll_id = ?", {Value(p.id)});
    insert_options(c, p.id, p.options);
  }
  std::int64_t total = 0;
  for (const auto& option : p.options) total += option.votes_count;
  c.query(
      "UPDATE polls SET votes_count = ?, voters_count = ?, expires_at = ?, multiple = ?, "
      "last_fetched_at = ?, updated_at = ? WHERE id = ?",
      {Value(total), opt(p.voters_count), opt(p.expires_at), Value(std::int64_t{p.multiple}),
       Value(now), Value(now), Value(p.id)});
}

void set_poll_fetched(Connection& c, Id poll_id, std::int64_t now) {
  c.query("UPDATE polls SET last_fetched_at = ? WHERE id = ?", {Value(now), Value(poll_id)});
}

bool close_poll(Connection& c, Id poll_id, std::int64_t now) {
  return c.query("UPDATE polls SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
                 {Value(now), Value(poll_id)})
             .affected > 0;
}

std::vector<Id> local_voter_ids(Connection& c, Id poll_id) {
  return ids_of(
      c.query("SELECT DISTINCT v.account_id FROM poll_votes v JOIN accounts a ON a.id = "
              "v.account_id WHERE v.poll_id = ? AND a.domain = '' ORDER BY v.account_id",
              {Value(poll_id)}));
}

std::vector<Id> remote_voter_ids(Connection& c, Id poll_id) {
  return ids_of(
      c.query("SELECT DISTINCT v.account_id FROM poll_votes v JOIN accounts a ON a.id = "
              "v.account_id WHERE v.poll_id = ? AND a.domain <> '' ORDER BY v.account_id",
              {Value(poll_id)}));
}

void delete_status_poll(Connection& c, Id status_id) {
  auto result = c.query("SELECT id FROM polls WHERE status_id = ?", {Value(status_id)});
  for (Id id : ids_of(result)) {
    c.query("DELETE FROM poll_votes WHERE poll_id = ?", {Value(id)});
    c.query("DELETE FROM poll_options WHERE poll_id = ?", {Value(id)});
    c.query("DELETE FROM polls WHERE id = ?", {Value(id)});
  }
}

bool job_pending(Connection& c, std::string_view queue, std::string_view payload) {
  return !c.query(
               "SELECT 1 FROM jobs WHERE queue = ? AND payload = ? AND locked_until IS NULL "
               "LIMIT 1",
               {Value(std::string(queue)), Value(std::string(payload))})
              .empty();
}

}  // namespace herd::store
