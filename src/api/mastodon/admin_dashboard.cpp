// The admin dashboard's figures, as Mastodon's admin API serves them (staff: moderators, admins
// and owners; scope admin:read):
//   POST /api/v1/admin/measures    keys[], start_at, end_at (dates, inclusive), and per key its
//        argument (tag_accounts[id], instance_accounts[domain]...): [Admin::Measure] with key,
//        unit, total, previous_total (the same length of time just before), data per day.
//   POST /api/v1/admin/dimensions  keys[], start_at, end_at, limit (10): [Admin::Dimension] with
//        data items (key, human_key, value; unit and human_value for space_usage).
//   POST /api/v1/admin/retention   start_at, end_at, frequency (day | month): [Admin::Cohort],
//        one per period of sign-ups, with the share of those users active in each later period.
// Unknown keys are left out, as Mastodon does. Activity is a local user's API use
// (store::record_account_activity), counted once per day.
#include "store/admin_dashboard.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <tuple>

#include "api/admin.hpp"
#include "api/auth.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "http/params.hpp"
#include "service/admin_blocks.hpp"

namespace herd::api {

namespace json = boost::json;

namespace {

constexpr std::int64_t kDayMs = 86400000;
constexpr std::int64_t kMaxDays = 400;

// start_at / end_at as the midnight (UTC) of their day; 400 when missing or malformed.
std::int64_t read_day(const http::Request& request, std::string_view key) {
  std::string text = http::param_string(request.params, key).value_or("");
  if (text.empty()) fail(ErrorKind::bad_request, std::string(key) + " is missing");
  auto ms = parse_rfc3339(text);
  if (!ms && text.size() == 10) ms = parse_rfc3339(text + "T00:00:00Z");
  if (!ms) fail(ErrorKind::bad_request, std::string(key) + " is not a date");
  return *ms - ((*ms % kDayMs) + kDayMs) % kDayMs;
}

struct Range {
  std::int64_t start, end;  // [start, end): end is the day after end_at
};

Range read_range(const http::Request& request) {
  Range range{read_day(request, "start_at"), read_day(request, "end_at") + kDayMs};
  if (range.end <= range.start) fail(ErrorKind::bad_request, "end_at is before start_at");
  if (range.end - range.start > kMaxDays * kDayMs) range.start = range.end - kMaxDays * kDayMs;
  return range;
}

std::vector<std::string> read_keys(const http::Request& request) {
  std::vector<std::string> keys;
  auto it = request.params.find("keys");
  if (it == request.params.end()) return keys;
  if (it->value().is_array()) {
    for (const auto& v : it->value().as_array())
      if (v.is_string()) keys.emplace_back(v.as_string());
  } else if (it->value().is_string()) {
    keys.emplace_back(it->value().as_string());
  }
  return keys;
}

// The argument of a keyed measure or dimension: params[key][name] (tag_accounts[id]=...).
std::string argument_of(const http::Request& request, const std::string& key,
                        const std::string& name) {
  auto it = request.params.find(key);
  if (it == request.params.end() || !it->value().is_object()) return "";
  auto& object = it->value().as_object();
  auto found = object.find(name);
  if (found == object.end()) return "";
  if (found->value().is_string()) return std::string(found->value().as_string());
  if (found->value().is_int64()) return std::to_string(found->value().as_int64());
  return "";
}

std::string human_bytes(std::int64_t bytes) {
  static const char* units[] = {"Bytes", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0)
    std::snprintf(text, sizeof text, "%lld %s", static_cast<long long>(bytes), units[0]);
  else
    std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

http::Response measures(App& app, http::Request& request) {
  require_staff(app, request, "admin:read");
  service::record_account_activity(app);  // what was noted, counted
  Range range = read_range(request);
  std::int64_t length = range.end - range.start;
  json::array out;
  for (const auto& key : read_keys(request)) {
    if (!store::measure_known(key)) continue;
    std::string argument_name = store::measure_argument(key);
    std::string argument;
    if (!argument_name.empty()) {
      argument = argument_of(request, key, argument_name);
      if (argument.empty())
        fail(ErrorKind::bad_request, key + "[" + argument_name + "] is missing");
    }
    store::MeasureFigures figures, previous;
    app.db->read([&](store::Connection& c) {
      figures = *store::measure(c, key, argument, range.start, range.end);
      previous = *store::measure(c, key, argument, range.start - length, range.start);
    });
    json::array data;
    for (std::int64_t day = range.start; day < range.end; day += kDayMs) {
      auto it = figures.by_day.find(day);
      data.push_back(
          json::object{{"date", rfc3339(day)},
                       {"value", std::to_string(it == figures.by_day.end() ? 0 : it->second)}});
    }
    bool bytes = key == "instance_media_attachments";
    json::object measure{{"key", key},
                         {"unit", bytes ? json::value("bytes") : json::value(nullptr)},
                         {"total", std::to_string(figures.total)},
                         {"previous_total", std::to_string(previous.total)},
                         {"data", std::move(data)}};
    if (bytes) measure["human_value"] = human_bytes(figures.total);
    out.push_back(std::move(measure));
  }
  return http::Response::json(out);
}

json::object item(const std::string& key, const std::string& human_key, const std::string& value) {
  return json::object{{"key", key}, {"human_key", human_key}, {"value", value}};
}

http::Response dimensions(App& app, http::Request& request) {
  require_staff(app, request, "admin:read");
  Range range = read_range(request);
  int limit = static_cast<int>(http::param_int(request.params, "limit").value_or(10));
  limit = std::clamp(limit, 1, 100);
  json::array out;
  for (const auto& key : read_keys(request)) {
    json::array data;
    if (key == "space_usage") {
      std::int64_t database = 0, media = 0;
      app.db->read([&](store::Connection& c) {
        database = store::database_size(c);
        media = store::local_media_bytes(c);
      });
      bool sqlite = app.db->dialect() == store::Dialect::sqlite;
      for (auto [name, human, bytes] : {std::tuple{sqlite ? "sqlite" : "postgresql",
                                                   sqlite ? "SQLite" : "PostgreSQL", database},
                                        std::tuple{"media", "Media storage", media}}) {
        json::object o = item(name, human, std::to_string(bytes));
        o["unit"] = "bytes";
        o["human_value"] = human_bytes(bytes);
        data.push_back(std::move(o));
      }
    } else if (key == "software_versions") {
      std::string database =
          app.db->read_value([](store::Connection& c) { return store::database_version(c); });
      data.push_back(item("herd", "herd", HERD_VERSION));
      auto space = database.find(' ');
      data.push_back(item(database.substr(0, space) == "SQLite" ? "sqlite" : "postgresql",
                          database.substr(0, space), database.substr(space + 1)));
    } else {
      std::string argument_name = key.rfind("tag_", 0) == 0        ? "id"
                                  : key.rfind("instance_", 0) == 0 ? "domain"
                                                                   : "";
      std::string argument;
      if (!argument_name.empty()) {
        argument = argument_of(request, key, argument_name);
        if (argument.empty())
          fail(ErrorKind::bad_request, key + "[" + argument_name + "] is missing");
      }
      auto items = app.db->read_value([&](store::Connection& c) {
        return store::dimension(c, key, argument, range.start, range.end, limit);
      });
      if (!items) continue;
      for (const auto& entry : *items) {
        std::string human = entry.key;
        if ((key == "servers" || key == "tag_servers") && human.empty()) human = app.domain();
        if (key.find("languages") != std::string::npos && human.empty()) human = "Unknown";
        data.push_back(item(entry.key, human, std::to_string(entry.value)));
      }
    }
    out.push_back(json::object{{"key", key}, {"data", std::move(data)}});
  }
  return http::Response::json(out);
}

// The start (UTC) of the month `ms` falls in, moved by `months`.
std::int64_t month_start(std::int64_t ms, int months = 0) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm t{};
  gmtime_r(&seconds, &t);
  t.tm_mday = 1;
  t.tm_hour = t.tm_min = t.tm_sec = 0;
  t.tm_mon += months;
  return static_cast<std::int64_t>(timegm(&t)) * 1000;
}

http::Response retention(App& app, http::Request& request) {
  require_staff(app, request, "admin:read");
  service::record_account_activity(app);  // what was noted, counted
  Range range = read_range(request);
  std::string frequency = http::param_string(request.params, "frequency").value_or("day");
  if (frequency != "day" && frequency != "month")
    fail(ErrorKind::bad_request, "frequency must be day or month");
  bool monthly = frequency == "month";
  auto advance = [&](std::int64_t at) { return monthly ? month_start(at, 1) : at + kDayMs; };
  std::vector<std::int64_t> periods;
  for (std::int64_t at = monthly ? month_start(range.start) : range.start; at < range.end;
       at = advance(at))
    periods.push_back(at);
  json::array out;
  app.db->read([&](store::Connection& c) {
    for (std::size_t i = 0; i < periods.size(); ++i) {
      auto cohort = store::users_created(c, periods[i], advance(periods[i]));
      json::array data;
      for (std::size_t j = i; j < periods.size(); ++j) {
        // Signing up is the first period's activity, as Mastodon counts it.
        std::int64_t active = j == i
                                  ? static_cast<std::int64_t>(cohort.size())
                                  : store::active_among(c, cohort, periods[j], advance(periods[j]));
        double rate = cohort.empty() ? 0.0 : static_cast<double>(active) / cohort.size();
        data.push_back(json::object{
            {"date", rfc3339(periods[j])}, {"rate", rate}, {"value", std::to_string(active)}});
      }
      out.push_back(json::object{
          {"period", rfc3339(periods[i])}, {"frequency", frequency}, {"data", std::move(data)}});
    }
  });
  return http::Response::json(out);
}

}  // namespace

void add_admin_dashboard_routes(http::Router& router, App& app) {
  router.post("/api/v1/admin/measures", [&app](http::Request& r) { return measures(app, r); });
  router.post("/api/v1/admin/dimensions", [&app](http::Request& r) { return dimensions(app, r); });
  router.post("/api/v1/admin/retention", [&app](http::Request& r) { return retention(app, r); });
}

}  // namespace herd::api
