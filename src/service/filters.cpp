#include "service/filters.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "service/statuses.hpp"
#include "service/visibility.hpp"
#include "store/statuses.hpp"
#include "text/format.hpp"

namespace herd::service {

namespace {

constexpr const char* kContexts[] = {"home", "notifications", "public", "thread", "account"};

[[noreturn]] void invalid(const std::string& errors) {
  fail(ErrorKind::validation, "Validation failed: " + errors);
}

// Rails' errors joined: "Title can't be blank, Context can't be blank, ...".
void check_filter(const store::Filter& filter) {
  std::vector<std::string> errors;
  if (blank(filter.title)) errors.emplace_back("Title can't be blank");
  if (filter.context.empty()) errors.emplace_back("Context can't be blank");
  bool valid = !filter.context.empty();
  for (const auto& name : filter.context)
    if (std::find(std::begin(kContexts), std::end(kContexts), name) == std::end(kContexts))
      valid = false;
  if (!valid) errors.emplace_back("Context None or invalid context supplied");
  if (filter.filter_action != "warn" && filter.filter_action != "hide" &&
      filter.filter_action != "blur")
    errors.emplace_back("Action is not included in the list");
  if (errors.empty()) return;
  std::string joined;
  for (const auto& e : errors) joined += (joined.empty() ? "" : ", ") + e;
  invalid(joined);
}

std::vector<std::string> unique_context(const std::vector<std::string>& context) {
  std::vector<std::string> out;
  for (const auto& name : context)
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  return out;
}

void apply_expiry(store::Filter& filter, const ExpiresIn& expires_in, std::int64_t now) {
  if (!expires_in.given) return;
  filter.expires_at = expires_in.seconds
                          ? std::optional<std::int64_t>(now + *expires_in.seconds * 1000)
                          : std::nullopt;
}

std::string checked_keyword(const std::optional<std::string>& keyword, const char* field) {
  if (!keyword || blank(*keyword)) invalid(std::string(field) + " can't be blank");
  return *keyword;
}

FilterWithRules with_rules(store::Connection& c, store::Filter filter) {
  FilterWithRules out;
  out.keywords = store::keywords_of_filter(c, filter.id);
  out.statuses = store::statuses_of_filter(c, filter.id);
  out.filter = std::move(filter);
  return out;
}

// keywords_attributes: create, change or destroy keywords of the filter.
void apply_keywords(store::Connection& c, Id filter_id, const std::vector<KeywordInput>& inputs,
                    std::int64_t now) {
  for (const auto& input : inputs) {
    if (!input.id) {
      if (input.destroy) continue;
      store::FilterKeyword keyword{next_id(), filter_id,
                                   checked_keyword(input.keyword, "Keywords keyword"),
                                   input.whole_word.value_or(true), now};
      store::insert_filter_keyword(c, keyword);
      continue;
    }
    auto keyword = store::find_filter_keyword(c, *input.id);
    if (!keyword || keyword->filter_id != filter_id) not_found();
    if (input.destroy) {
      store::delete_filter_keyword(c, keyword->id);
      continue;
    }
    if (input.keyword) keyword->keyword = checked_keyword(input.keyword, "Keywords keyword");
    if (input.whole_word) keyword->whole_word = *input.whole_word;
    store::update_filter_keyword(c, *keyword);
  }
}

}  // namespace

std::vector<FilterWithRules> filters_of(store::Connection& c, Id owner_id) {
  store::FilterSet set = store::filters_of(c, owner_id);
  std::vector<FilterWithRules> out;
  for (auto& filter : set.filters) {
    FilterWithRules f;
    for (const auto& k : set.keywords)
      if (k.filter_id == filter.id) f.keywords.push_back(k);
    for (const auto& s : set.statuses)
      if (s.filter_id == filter.id) f.statuses.push_back(s);
    f.filter = std::move(filter);
    out.push_back(std::move(f));
  }
  return out;
}

FilterWithRules own_filter(store::Connection& c, Id owner_id, Id filter_id) {
  auto filter = store::find_filter(c, filter_id);
  if (!filter || filter->account_id != owner_id) not_found();
  return with_rules(c, std::move(*filter));
}

FilterWithRules create_filter(App& app, Id owner_id, const FilterInput& input) {
  std::int64_t now = now_unix_ms();
  store::Filter filter;
  filter.id = next_id();
  filter.account_id = owner_id;
  filter.title = input.title.value_or("");
  filter.context = unique_context(input.context.value_or(std::vector<std::string>{}));
  filter.filter_action = input.filter_action.value_or("warn");
  apply_expiry(filter, input.expires_in, now);
  filter.created_at = filter.updated_at = now;
  check_filter(filter);
  return app.db->write_value([&](store::Connection& c) {
    store::insert_filter(c, filter);
    apply_keywords(c, filter.id, input.keywords, now);
    return with_rules(c, filter);
  });
}

FilterWithRules update_filter(App& app, Id owner_id, Id filter_id, const FilterInput& input) {
  std::int64_t now = now_unix_ms();
  return app.db->write_value([&](store::Connection& c) {
    store::Filter filter = own_filter(c, owner_id, filter_id).filter;
    if (input.title) filter.title = *input.title;
    if (input.context) filter.context = unique_context(*input.context);
    if (input.filter_action) filter.filter_action = *input.filter_action;
    apply_expiry(filter, input.expires_in, now);
    filter.updated_at = now;
    check_filter(filter);
    store::update_filter(c, filter);
    apply_keywords(c, filter.id, input.keywords, now);
    return with_rules(c, filter);
  });
}

void delete_filter(App& app, Id owner_id, Id filter_id) {
  app.db->write([&](store::Connection& c) {
    own_filter(c, owner_id, filter_id);
    store::delete_filter(c, filter_id);
  });
}

store::FilterKeyword own_filter_keyword(store::Connection& c, Id owner_id, Id keyword_id) {
  auto keyword = store::find_filter_keyword(c, keyword_id);
  if (!keyword) not_found();
  auto filter = store::find_filter(c, keyword->filter_id);
  if (!filter || filter->account_id != owner_id) not_found();
  return *keyword;
}

store::FilterKeyword add_filter_keyword(App& app, Id owner_id, Id filter_id,
                                        const KeywordInput& input) {
  return app.db->write_value([&](store::Connection& c) {
    own_filter(c, owner_id, filter_id);
    store::FilterKeyword keyword{next_id(), filter_id, checked_keyword(input.keyword, "Keyword"),
                                 input.whole_word.value_or(true), now_unix_ms()};
    store::insert_filter_keyword(c, keyword);
    return keyword;
  });
}

store::FilterKeyword update_filter_keyword(App& app, Id owner_id, Id keyword_id,
                                           const KeywordInput& input) {
  return app.db->write_value([&](store::Connection& c) {
    store::FilterKeyword keyword = own_filter_keyword(c, owner_id, keyword_id);
    if (input.keyword) keyword.keyword = checked_keyword(input.keyword, "Keyword");
    if (input.whole_word) keyword.whole_word = *input.whole_word;
    store::update_filter_keyword(c, keyword);
    return keyword;
  });
}

void delete_filter_keyword(App& app, Id owner_id, Id keyword_id) {
  app.db->write([&](store::Connection& c) {
    own_filter_keyword(c, owner_id, keyword_id);
    store::delete_filter_keyword(c, keyword_id);
  });
}

store::FilterStatus own_filter_status(store::Connection& c, Id owner_id, Id filter_status_id) {
  auto status = store::find_filter_status(c, filter_status_id);
  if (!status) not_found();
  auto filter = store::find_filter(c, status->filter_id);
  if (!filter || filter->account_id != owner_id) not_found();
  return *status;
}

store::FilterStatus add_filter_status(App& app, Id owner_id, Id filter_id,
                                      std::optional<Id> status_id) {
  return app.db->write_value([&](store::Connection& c) {
    own_filter(c, owner_id, filter_id);
    auto status = status_id ? store::find_status(c, *status_id) : std::nullopt;
    if (!status) invalid("Status must exist");
    if (!can_see(c, owner_id, *status)) invalid("Status is invalid");
    store::FilterStatus row{next_id(), filter_id, status->id, now_unix_ms()};
    if (!store::insert_filter_status(c, row)) invalid("Status has already been taken");
    return row;
  });
}

void delete_filter_status(App& app, Id owner_id, Id filter_status_id) {
  app.db->write([&](store::Connection& c) {
    own_filter_status(c, owner_id, filter_status_id);
    store::delete_filter_status(c, filter_status_id);
  });
}

// ---- v1 ------------------------------------------------------------------------------------

std::vector<V1Filter> v1_filters_of(store::Connection& c, Id owner_id) {
  std::vector<V1Filter> out;
  for (auto& f : service::filters_of(c, owner_id))
    for (auto& k : f.keywords) out.push_back(V1Filter{std::move(k), f.filter});
  std::sort(out.begin(), out.end(),
            [](const V1Filter& a, const V1Filter& b) { return a.keyword.id < b.keyword.id; });
  return out;
}

V1Filter own_v1_filter(store::Connection& c, Id owner_id, Id keyword_id) {
  store::FilterKeyword keyword = own_filter_keyword(c, owner_id, keyword_id);
  auto filter = store::find_filter(c, keyword.filter_id);
  if (!filter) not_found();
  return V1Filter{std::move(keyword), std::move(*filter)};
}

V1Filter create_v1_filter(App& app, Id owner_id, const V1FilterInput& input) {
  FilterInput filter;
  filter.title = input.phrase;
  filter.context = input.context;
  if (input.irreversible) filter.filter_action = *input.irreversible ? "hide" : "warn";
  filter.expires_in = input.expires_in;
  filter.keywords.push_back(KeywordInput{std::nullopt, input.phrase, input.whole_word, false});
  FilterWithRules created = create_filter(app, owner_id, filter);
  return V1Filter{created.keywords.at(0), created.filter};
}

V1Filter update_v1_filter(App& app, Id owner_id, Id keyword_id, const V1FilterInput& input) {
  std::int64_t now = now_unix_ms();
  return app.db->write_value([&](store::Connection& c) {
    V1Filter v1 = own_v1_filter(c, owner_id, keyword_id);
    if (input.phrase) v1.keyword.keyword = checked_keyword(input.phrase, "Keyword");
    if (input.whole_word) v1.keyword.whole_word = *input.whole_word;
    store::update_filter_keyword(c, v1.keyword);
    store::Filter filter = v1.filter;
    if (input.phrase) filter.title = *input.phrase;
    if (input.context) filter.context = unique_context(*input.context);
    if (input.irreversible) filter.filter_action = *input.irreversible ? "hide" : "warn";
    apply_expiry(filter, input.expires_in, now);
    bool changed = filter.title != v1.filter.title || filter.context != v1.filter.context ||
                   filter.filter_action != v1.filter.filter_action ||
                   filter.expires_at != v1.filter.expires_at;
    if (changed) {
      if (store::keywords_of_filter(c, filter.id).size() > 1)
        fail(ErrorKind::validation,
             "These parameters cannot be changed from this application because they apply to "
             "more than one filter keyword. Use a more recent application or the web interface.");
      check_filter(filter);
      filter.updated_at = now;
      store::update_filter(c, filter);
    }
    v1.filter = filter;
    return v1;
  });
}

void delete_v1_filter(App& app, Id owner_id, Id keyword_id) {
  delete_filter_keyword(app, owner_id, keyword_id);
}

// ---- applying ------------------------------------------------------------------------------

std::string searchable_text(const store::Status& status, const std::vector<std::string>& options,
                            const std::vector<std::string>& media_descriptions) {
  std::string out = status.spoiler_text;
  auto add = [&](const std::string& part) {
    if (!out.empty()) out += "\n\n";
    out += part;
  };
  add(text::strip_html(status.content));
  for (const auto& option : options) add(option);
  for (const auto& description : media_descriptions) add(description);
  return out;
}

StatusFilters::StatusFilters(const store::FilterSet& set, std::string_view context) {
  for (const auto& filter : set.filters) {
    if (std::find(filter.context.begin(), filter.context.end(), context) == filter.context.end())
      continue;
    Compiled compiled;
    compiled.filter = filter;
    for (const auto& k : set.keywords)
      if (k.filter_id == filter.id) compiled.keywords.add(k.keyword, k.whole_word);
    for (const auto& s : set.statuses)
      if (s.filter_id == filter.id) compiled.status_ids.insert(s.status_id);
    filters_.push_back(std::move(compiled));
  }
}

StatusFilters StatusFilters::load(store::Connection& c, Id viewer, std::string_view context) {
  if (viewer == 0 || context.empty()) return StatusFilters();
  return StatusFilters(store::active_filters(c, viewer, now_unix_ms()), context);
}

std::vector<FilterMatch> StatusFilters::match(std::string_view searchable, Id status_id,
                                              std::optional<Id> reblog_of_id) const {
  std::vector<FilterMatch> out;
  for (const auto& f : filters_) {
    FilterMatch m;
    m.filter = &f.filter;
    m.keyword_match = f.keywords.find(searchable);
    if (f.status_ids.count(status_id)) m.status_matches.push_back(status_id);
    if (reblog_of_id && f.status_ids.count(*reblog_of_id))
      m.status_matches.push_back(*reblog_of_id);
    if (m.keyword_match || !m.status_matches.empty()) out.push_back(std::move(m));
  }
  return out;
}

bool StatusFilters::hides(const std::vector<FilterMatch>& matches) {
  return std::any_of(matches.begin(), matches.end(),
                     [](const FilterMatch& m) { return m.filter->filter_action == "hide"; });
}

}  // namespace herd::service
