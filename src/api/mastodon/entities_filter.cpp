// Filter, FilterKeyword, FilterStatus, FilterResult and V1::Filter entities.
#include "api/mastodon/entities.hpp"
#include "core/time.hpp"

namespace herd::api {

namespace {

json::value expires_at_json(const store::Filter& filter) {
  return filter.expires_at ? json::value(rfc3339(*filter.expires_at)) : json::value(nullptr);
}

json::array context_json(const store::Filter& filter) {
  json::array context;
  for (const auto& name : filter.context) context.emplace_back(name);
  return context;
}

}  // namespace

json::object filter_json(const store::Filter& filter,
                         const std::vector<store::FilterKeyword>* keywords,
                         const std::vector<store::FilterStatus>* statuses) {
  json::object o;
  o["id"] = std::to_string(filter.id);
  o["title"] = filter.title;
  o["context"] = context_json(filter);
  o["expires_at"] = expires_at_json(filter);
  o["filter_action"] = filter.filter_action;
  if (keywords) {
    json::array out;
    for (const auto& k : *keywords) out.push_back(filter_keyword_json(k));
    o["keywords"] = std::move(out);
  }
  if (statuses) {
    json::array out;
    for (const auto& s : *statuses) out.push_back(filter_status_json(s));
    o["statuses"] = std::move(out);
  }
  return o;
}

json::object filter_keyword_json(const store::FilterKeyword& keyword) {
  return json::object{{"id", std::to_string(keyword.id)},
                      {"keyword", keyword.keyword},
                      {"whole_word", keyword.whole_word}};
}

json::object filter_status_json(const store::FilterStatus& status) {
  return json::object{{"id", std::to_string(status.id)},
                      {"status_id", std::to_string(status.status_id)}};
}

json::object v1_filter_json(const store::Filter& filter, const store::FilterKeyword& keyword) {
  return json::object{
      {"id", std::to_string(keyword.id)},      {"phrase", keyword.keyword},
      {"context", context_json(filter)},       {"whole_word", keyword.whole_word},
      {"expires_at", expires_at_json(filter)}, {"irreversible", filter.filter_action == "hide"}};
}

json::object filter_result_json(const store::Filter& filter,
                                const std::optional<std::string>& keyword_match,
                                const std::vector<Id>& status_matches) {
  json::value keywords = nullptr, statuses = nullptr;
  if (keyword_match) keywords = json::array{json::value(*keyword_match)};
  if (!status_matches.empty()) {
    json::array ids;
    for (Id id : status_matches) ids.emplace_back(std::to_string(id));
    statuses = std::move(ids);
  }
  return json::object{{"filter", filter_json(filter)},
                      {"keyword_matches", std::move(keywords)},
                      {"status_matches", std::move(statuses)}};
}

}  // namespace herd::api
