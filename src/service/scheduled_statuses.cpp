#include "service/scheduled_statuses.hpp"

#include <boost/json.hpp>

#include "api/mastodon/limits.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "service/media.hpp"
#include "service/polls.hpp"
#include "service/quotes.hpp"

namespace herd::service {

namespace json = boost::json;

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

json::value optional_string(const std::optional<std::string>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

std::optional<std::string> string_at(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::string params_json(const NewStatus& input) {
  json::object o;
  o["text"] = input.text;
  json::array media;
  for (const auto& id : input.media_ids) media.emplace_back(id);
  o["media_ids"] = std::move(media);
  o["sensitive"] = input.sensitive ? json::value(*input.sensitive) : json::value(nullptr);
  o["spoiler_text"] = input.spoiler_text;
  o["visibility"] = optional_string(input.visibility);
  o["language"] = optional_string(input.language);
  o["in_reply_to_id"] = input.in_reply_to_id ? json::value(std::to_string(*input.in_reply_to_id))
                                             : json::value(nullptr);
  o["application_id"] = input.application_id ? json::value(std::to_string(*input.application_id))
                                             : json::value(nullptr);
  o["quoted_status_id"] = input.quoted_status_id
                              ? json::value(std::to_string(*input.quoted_status_id))
                              : json::value(nullptr);
  o["quote_approval_policy"] = optional_string(input.quote_approval_policy);
  if (input.poll) {
    json::array options;
    for (const auto& option : input.poll->options) options.emplace_back(option);
    o["poll"] =
        json::object{{"options", std::move(options)},
                     {"expires_in", input.poll->expires_in ? json::value(*input.poll->expires_in)
                                                           : json::value(nullptr)},
                     {"multiple", input.poll->multiple},
                     {"hide_totals", input.poll->hide_totals}};
  } else {
    o["poll"] = nullptr;
  }
  return json::serialize(o);
}

void validate(App& app, Id account_id, const NewStatus& input) {
  if (input.poll) validate_poll(*input.poll, !input.media_ids.empty());
  validate_status_text(input.text, input.spoiler_text, !input.media_ids.empty());
  if (input.visibility && !input.visibility->empty() && !store::parse_visibility(*input.visibility))
    fail(ErrorKind::validation, "Validation failed: Visibility is not included in the list");
  read_quote_policy(input.quote_approval_policy);
  app.db->read([&](store::Connection& c) { media_to_attach(c, account_id, input.media_ids); });
}

void check_time(std::int64_t at, std::int64_t now) {
  if (at < now + kMinScheduleAheadMs)
    fail(ErrorKind::validation,
         "Validation failed: Scheduled at The scheduled date must be in the future");
}

void check_limits(store::Connection& c, Id account_id, std::int64_t at, Id except = 0) {
  std::int64_t total = store::count_scheduled_statuses(c, account_id) - (except ? 1 : 0);
  if (total >= kMaxScheduledTotal)
    fail(ErrorKind::validation,
         "Validation failed: Scheduled at has exceeded the limit of 300 scheduled statuses");
  std::int64_t day = at - at % kDayMs;
  std::int64_t that_day = store::count_scheduled_between(c, account_id, day, day + kDayMs);
  if (except)
    if (auto current = store::find_scheduled_status(c, except))
      if (current->scheduled_at >= day && current->scheduled_at < day + kDayMs) --that_day;
  if (that_day >= kMaxScheduledPerDay)
    fail(ErrorKind::validation,
         "Validation failed: Scheduled at You have exceeded the limit of 25 scheduled posts for "
         "today");
}

}  // namespace

store::ScheduledStatus schedule_status(App& app, Id account_id, const NewStatus& input,
                                       std::int64_t at) {
  std::int64_t now = now_unix_ms();
  check_time(at, now);
  validate(app, account_id, input);
  store::ScheduledStatus scheduled;
  scheduled.id = next_id();
  scheduled.account_id = account_id;
  scheduled.scheduled_at = at;
  scheduled.params_json = params_json(input);
  scheduled.created_at = now;
  app.db->write([&](store::Connection& c) {
    check_limits(c, account_id, at);
    store::insert_scheduled_status(c, scheduled);
  });
  return scheduled;
}

store::ScheduledStatus own_scheduled_status(store::Connection& c, Id account_id, Id id) {
  auto found = store::find_scheduled_status(c, id);
  if (!found || found->account_id != account_id) not_found();
  return *found;
}

store::ScheduledStatus reschedule_status(App& app, Id account_id, Id id, std::int64_t at) {
  check_time(at, now_unix_ms());
  return app.db->write_value([&](store::Connection& c) {
    store::ScheduledStatus scheduled = own_scheduled_status(c, account_id, id);
    check_limits(c, account_id, at, id);
    store::reschedule_status(c, id, at);
    scheduled.scheduled_at = at;
    return scheduled;
  });
}

void cancel_scheduled_status(App& app, Id account_id, Id id) {
  app.db->write([&](store::Connection& c) {
    own_scheduled_status(c, account_id, id);
    store::delete_scheduled_status(c, id);
  });
}

NewStatus scheduled_params(const store::ScheduledStatus& scheduled) {
  NewStatus input;
  boost::system::error_code ec;
  json::value v = json::parse(scheduled.params_json, ec);
  if (ec || !v.is_object()) return input;
  const json::object& o = v.get_object();
  input.text = string_at(o, "text").value_or("");
  if (auto* media = o.if_contains("media_ids"); media && media->is_array())
    for (const auto& id : media->get_array())
      if (id.is_string()) input.media_ids.emplace_back(id.get_string());
  if (auto* sensitive = o.if_contains("sensitive"); sensitive && sensitive->is_bool())
    input.sensitive = sensitive->get_bool();
  input.spoiler_text = string_at(o, "spoiler_text").value_or("");
  input.visibility = string_at(o, "visibility");
  input.language = string_at(o, "language");
  if (auto reply = string_at(o, "in_reply_to_id")) input.in_reply_to_id = parse_id(*reply);
  if (auto application = string_at(o, "application_id"))
    input.application_id = parse_id(*application);
  if (auto quoted = string_at(o, "quoted_status_id")) input.quoted_status_id = parse_id(*quoted);
  input.quote_approval_policy = string_at(o, "quote_approval_policy");
  if (auto* poll = o.if_contains("poll"); poll && poll->is_object()) {
    NewPoll p;
    if (auto* options = poll->get_object().if_contains("options"); options && options->is_array())
      for (const auto& option : options->get_array())
        if (option.is_string()) p.options.emplace_back(option.get_string());
    if (auto* expires = poll->get_object().if_contains("expires_in");
        expires && expires->is_int64())
      p.expires_in = expires->get_int64();
    if (auto* multiple = poll->get_object().if_contains("multiple");
        multiple && multiple->is_bool())
      p.multiple = multiple->get_bool();
    if (auto* hide = poll->get_object().if_contains("hide_totals"); hide && hide->is_bool())
      p.hide_totals = hide->get_bool();
    input.poll = std::move(p);
  }
  return input;
}

int publish_due_statuses(App& app, std::int64_t now) {
  auto due = app.db->read_value(
      [&](store::Connection& c) { return store::due_scheduled_statuses(c, now, 20); });
  for (const auto& scheduled : due) {
    NewStatus input = scheduled_params(scheduled);
    input.idempotency_key = "scheduled-" + std::to_string(scheduled.id);
    try {
      post_status(app, scheduled.account_id, input);
    } catch (const ApiError& error) {
      log::warn("scheduled status {} of account {} dropped: {}", scheduled.id, scheduled.account_id,
                error.what());
    }
    app.db->write([&](store::Connection& c) { store::delete_scheduled_status(c, scheduled.id); });
  }
  return static_cast<int>(due.size());
}

}  // namespace herd::service
