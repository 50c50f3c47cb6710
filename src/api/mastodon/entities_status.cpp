// Status and Notification entities, rendered in batches: a page costs a fixed number of queries
// (reblogged originals, accounts, mentions, tags, media, applications, the viewer's favourites,
// reblogs and bookmarks), never one per status.
#include <unordered_map>
#include <unordered_set>

#include "api/mastodon/emojis.hpp"
#include "api/mastodon/entities.hpp"
#include "api/mastodon/entities_card.hpp"
#include "core/time.hpp"
#include "service/filters.hpp"
#include "service/quotes.hpp"
#include "service/visibility.hpp"
#include "store/accounts.hpp"
#include "store/moderation.hpp"
#include "store/preview_cards.hpp"
#include "store/quotes.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"
#include "store/viewer_flags.hpp"

namespace herd::api {

namespace {

json::value optional_id(const std::optional<Id>& id) {
  return id ? json::value(std::to_string(*id)) : json::value(nullptr);
}

struct Batch {
  std::unordered_map<Id, store::Status> originals;  // reblogged statuses by id
  std::unordered_map<Id, store::Account> accounts;
  std::unordered_map<Id, std::vector<Id>> mentions;
  std::unordered_map<Id, std::vector<std::string>> tags;
  std::unordered_map<Id, store::ApplicationName> applications;
  std::unordered_map<Id, std::vector<store::MediaAttachment>> media;
  std::unordered_map<Id, store::Poll> polls;           // by status id
  std::unordered_map<Id, std::vector<int>> own_votes;  // by poll id
  std::unordered_set<Id> favourited, reblogged, bookmarked;
};

}  // namespace

StatusRenderer::StatusRenderer(const App& app, store::Connection& c, Id viewer_account_id,
                               std::string_view filter_context, bool shallow_quotes)
    : app_(app),
      c_(c),
      viewer_(viewer_account_id),
      filter_context_(filter_context),
      shallow_quotes_(shallow_quotes) {}

json::array StatusRenderer::render(const std::vector<store::Status>& statuses) {
  json::array out;
  if (statuses.empty()) return out;
  Batch batch;

  // 1. Reblogged originals not already on the page.
  std::unordered_map<Id, const store::Status*> on_page;
  for (const auto& s : statuses) on_page[s.id] = &s;
  std::vector<Id> missing;
  for (const auto& s : statuses)
    if (s.reblog_of_id && !on_page.count(*s.reblog_of_id)) missing.push_back(*s.reblog_of_id);
  for (auto& s : store::find_statuses(c_, missing)) batch.originals.emplace(s.id, std::move(s));
  auto original_of = [&](Id id) -> const store::Status* {
    if (auto it = on_page.find(id); it != on_page.end()) return it->second;
    if (auto it = batch.originals.find(id); it != batch.originals.end()) return &it->second;
    return nullptr;
  };

  // 2. Statuses with content (everything but reblog wrappers), and who wrote each.
  std::vector<Id> content_ids, account_ids, application_ids;
  std::unordered_set<Id> seen;
  auto add_content = [&](const store::Status& s) {
    if (s.reblog_of_id || !seen.insert(s.id).second) return;
    content_ids.push_back(s.id);
    if (s.application_id) application_ids.push_back(*s.application_id);
  };
  for (const auto& s : statuses) {
    account_ids.push_back(s.account_id);
    if (s.reblog_of_id) {
      if (const auto* original = original_of(*s.reblog_of_id)) {
        account_ids.push_back(original->account_id);
        add_content(*original);
      }
    } else {
      add_content(s);
    }
  }
  batch.mentions = store::load_mentions(c_, content_ids);
  for (const auto& [status_id, ids] : batch.mentions)
    account_ids.insert(account_ids.end(), ids.begin(), ids.end());
  batch.tags = store::load_tag_names(c_, content_ids);
  batch.media = store::load_status_media(c_, content_ids);
  batch.polls = store::load_status_polls(c_, content_ids);
  const auto cards = store::load_status_cards(c_, content_ids);
  if (viewer_ != 0 && !batch.polls.empty()) {
    std::vector<Id> poll_ids;
    for (const auto& [status_id, poll] : batch.polls) poll_ids.push_back(poll.id);
    batch.own_votes = store::own_votes_among(c_, viewer_, poll_ids);
  }
  // With the accounts a moderator marked sensitive: their media always show as sensitive.
  store::PageAccounts page_accounts = store::find_page_accounts(c_, account_ids);
  for (auto& a : page_accounts.accounts) batch.accounts.emplace(a.id, std::move(a));
  const std::unordered_set<Id> sensitized = std::move(page_accounts.sensitized);
  batch.applications = store::load_application_names(c_, application_ids);
  if (viewer_ != 0) {
    store::ViewerFlags flags = store::viewer_flags_among(c_, viewer_, content_ids);
    batch.favourited = std::move(flags.favourited);
    batch.reblogged = std::move(flags.reblogged);
    batch.bookmarked = std::move(flags.bookmarked);
  }

  // 2b. The quotes these statuses make, and what the viewer may see of the quoted statuses (one
  // more batch renders them, with shallow quotes of their own).
  const auto quotes = store::load_quotes(c_, content_ids);
  std::vector<Id> quoted_ids;
  for (const auto& [status_id, quote] : quotes)
    if (quote.quoted_status_id) quoted_ids.push_back(*quote.quoted_status_id);
  std::vector<store::Status> quoted_statuses = store::find_statuses(c_, quoted_ids);
  std::unordered_set<Id> quoted_exist, quoted_visible;
  for (const auto& q : quoted_statuses) quoted_exist.insert(q.id);
  std::vector<store::Status> visible_quoted = service::visible_only(c_, viewer_, quoted_statuses);
  for (const auto& q : visible_quoted) quoted_visible.insert(q.id);
  std::unordered_map<Id, json::value> quoted_json;
  if (!shallow_quotes_ && !visible_quoted.empty())
    for (auto& item : StatusRenderer(app_, c_, viewer_, {}, true).render(visible_quoted))
      if (auto id = parse_id(item.as_object().at("id").as_string())) quoted_json[*id] = item;
  // The viewer's relationships with the quoted authors (blocked, muted): only when there are
  // quotes to show.
  std::unordered_map<Id, store::Relationship> relations;
  if (viewer_ != 0 && !quoted_statuses.empty()) {
    std::vector<Id> quoted_authors;
    for (const auto& q : quoted_statuses) quoted_authors.push_back(q.account_id);
    relations = store::load_relationships(c_, viewer_, quoted_authors);
  }
  auto relation_to = [&](Id account) {
    auto it = relations.find(account);
    return it != relations.end() ? it->second : store::Relationship{};
  };
  // QuoteApproval.current_user needs the viewer's follow only for a followers policy (an author
  // who blocks the viewer has no visible statuses): one query, only for such statuses.
  std::vector<Id> followers_policy_authors;
  if (viewer_ != 0)
    for (const auto& [id, s] : on_page)
      if (s->account_id != viewer_ &&
          (s->quote_policy == "followers" || s->quote_policy_manual == "followers"))
        followers_policy_authors.push_back(s->account_id);
  for (const auto& [id, s] : batch.originals)
    if (viewer_ != 0 && s.account_id != viewer_ &&
        (s.quote_policy == "followers" || s.quote_policy_manual == "followers"))
      followers_policy_authors.push_back(s.account_id);
  const auto author_facts = followers_policy_authors.empty()
                                ? std::unordered_map<Id, store::AuthorFacts>{}
                                : store::load_author_facts(c_, viewer_, followers_policy_authors);
  auto approval_relation = [&](Id author) {
    store::Relationship r;
    if (auto it = author_facts.find(author); it != author_facts.end()) {
      r.following = it->second.followed_by_viewer;
      r.blocked_by = it->second.blocks_viewer;
    }
    return r;
  };
  auto quote_json = [&](Id status_id) -> json::value {
    auto it = quotes.find(status_id);
    if (it == quotes.end()) return nullptr;
    const store::Quote& quote = it->second;
    std::string state = quote.state;
    bool shown = false;
    if (state == "accepted") {
      Id quoted = quote.quoted_status_id.value_or(0);
      Id author = quote.quoted_account_id.value_or(0);
      if (!quoted_exist.count(quoted)) {
        state = "deleted";
      } else if (!quoted_visible.count(quoted)) {
        state = "unauthorized";
      } else {
        shown = true;
        // Mastodon's StatusFilter#filter_state_for_quote: the domain first, then the account.
        auto relation = relation_to(author);
        if (relation.domain_blocking)
          state = "blocked_domain";
        else if (relation.blocking)
          state = "blocked_account";
        else if (relation.muting)
          state = "muted_account";
      }
    }
    Id quoted = quote.quoted_status_id.value_or(0);
    if (shallow_quotes_)
      return json::object{
          {"state", state},
          {"quoted_status_id", shown ? json::value(std::to_string(quoted)) : json::value(nullptr)}};
    json::value rendered = nullptr;
    if (shown)
      if (auto q = quoted_json.find(quoted); q != quoted_json.end()) rendered = q->second;
    return json::object{{"state", state}, {"quoted_status", std::move(rendered)}};
  };
  auto quote_approval_json = [&](const store::Status& s) {
    auto list = [](const std::string& policy) {
      json::array out;
      if (policy == "public" || policy == "followers") out.push_back(json::value(policy));
      return out;
    };
    std::string automatic = service::effective_quote_policy(s.visibility, s.quote_policy);
    std::string manual =
        service::effective_quote_policy(s.visibility, s.quote_policy_manual) == "nobody"
            ? ""
            : s.quote_policy_manual;
    return json::object{
        {"automatic", list(automatic)},
        {"manual", list(manual)},
        {"current_user", service::quote_approval_for(s, viewer_, approval_relation(s.account_id))}};
  };

  // 3. Build.
  auto build = [&](const store::Status& s, const store::Status* flags_of) -> json::object {
    json::object o;
    auto author = batch.accounts.find(s.account_id);
    o["id"] = std::to_string(s.id);
    o["uri"] = s.uri;
    o["url"] = s.url.empty() ? s.uri : s.url;
    o["created_at"] = rfc3339(s.created_at);
    o["edited_at"] = s.edited_at ? json::value(rfc3339(*s.edited_at)) : json::value(nullptr);
    o["account"] = author != batch.accounts.end() ? json::value(account_json(app_, author->second))
                                                  : json::value(nullptr);
    o["content"] = s.content;
    o["visibility"] = store::to_string(s.visibility);
    o["sensitive"] = s.sensitive || (s.has_media && sensitized.count(s.account_id) > 0);
    o["spoiler_text"] = s.spoiler_text;
    json::array media;
    if (auto it = batch.media.find(s.id); it != batch.media.end())
      for (const auto& m : it->second) media.push_back(media_attachment_json(app_, m));
    o["media_attachments"] = std::move(media);
    json::array mentions;
    if (auto it = batch.mentions.find(s.id); it != batch.mentions.end()) {
      for (Id id : it->second) {
        auto a = batch.accounts.find(id);
        if (a == batch.accounts.end()) continue;
        mentions.push_back(
            json::object{{"id", std::to_string(id)},
                         {"username", a->second.username},
                         {"acct", a->second.acct()},
                         {"url", a->second.url.empty() ? a->second.uri : a->second.url}});
      }
    }
    o["mentions"] = std::move(mentions);
    json::array tags;
    if (auto it = batch.tags.find(s.id); it != batch.tags.end())
      for (const auto& name : it->second)
        tags.push_back(json::object{{"name", name}, {"url", app_.tag_url(name)}});
    o["tags"] = std::move(tags);
    std::string author_domain = author != batch.accounts.end() ? author->second.domain : "";
    o["emojis"] = emojis_json(app_, author_domain, {s.content, s.spoiler_text});
    json::value application = nullptr;
    if (s.application_id) {
      if (auto it = batch.applications.find(*s.application_id); it != batch.applications.end())
        application = json::object{{"name", it->second.name},
                                   {"website", it->second.website ? json::value(*it->second.website)
                                                                  : json::value(nullptr)}};
    }
    o["application"] = std::move(application);
    o["reblogs_count"] = s.reblogs_count;
    o["favourites_count"] = s.favourites_count;
    o["replies_count"] = s.replies_count;
    o["quotes_count"] = s.quotes_count;
    o["in_reply_to_id"] = optional_id(s.in_reply_to_id);
    o["in_reply_to_account_id"] = optional_id(s.in_reply_to_account_id);
    o["reblog"] = nullptr;
    o["poll"] = nullptr;
    if (auto it = batch.polls.find(s.id); it != batch.polls.end()) {
      auto votes = batch.own_votes.find(it->second.id);
      o["poll"] = poll_json(it->second, viewer_,
                            votes != batch.own_votes.end() ? votes->second : std::vector<int>{});
      o["poll"].as_object()["emojis"] = poll_emojis_json(app_, it->second, author_domain);
    }
    if (auto card = cards.find(s.id); card != cards.end())
      o["card"] = preview_card_json(card->second);
    else
      o["card"] = nullptr;
    o["language"] = s.language ? json::value(*s.language) : json::value(nullptr);
    o["text"] = nullptr;
    o["quote"] = s.reblog_of_id ? json::value(nullptr) : quote_json(s.id);
    o["quote_approval"] = quote_approval_json(s);
    if (viewer_ != 0) {
      Id target = flags_of ? flags_of->id : s.id;
      o["favourited"] = batch.favourited.count(target) > 0;
      o["reblogged"] = batch.reblogged.count(target) > 0;
      o["muted"] = false;
      o["bookmarked"] = batch.bookmarked.count(target) > 0;
      // Mastodon sends `pinned` only where pinning is possible; clients also read it on their own
      // reblogs and direct statuses, where it is simply false.
      if (s.account_id == viewer_) o["pinned"] = s.pinned_at.has_value() && !s.reblog_of_id;
      o["filtered"] = json::array();
    }
    return o;
  };

  // 4. The viewer's filters for this context (loaded once per renderer): matched on the text of
  // the status proper, the same results on a reblog and its original; hide drops the status.
  if (viewer_ != 0 && !filter_context_.empty() && !filters_)
    filters_ = std::make_shared<service::StatusFilters>(
        service::StatusFilters::load(c_, viewer_, filter_context_));
  auto filter_results = [&](const store::Status& s, const store::Status& proper,
                            bool& hidden) -> std::optional<json::array> {
    if (!filters_ || filters_->empty() || s.account_id == viewer_ || proper.account_id == viewer_)
      return std::nullopt;
    std::vector<std::string> options, descriptions;
    if (auto it = batch.polls.find(proper.id); it != batch.polls.end())
      for (const auto& option : it->second.options) options.push_back(option.title);
    if (auto it = batch.media.find(proper.id); it != batch.media.end())
      for (const auto& m : it->second)
        if (m.description) descriptions.push_back(*m.description);
    auto matches = filters_->match(service::searchable_text(proper, options, descriptions), s.id,
                                   s.reblog_of_id);
    hidden = service::StatusFilters::hides(matches);
    json::array results;
    for (const auto& m : matches)
      results.push_back(filter_result_json(*m.filter, m.keyword_match, m.status_matches));
    return results;
  };

  for (const auto& s : statuses) {
    const store::Status* original = s.reblog_of_id ? original_of(*s.reblog_of_id) : nullptr;
    bool hidden = false;
    auto filtered = filter_results(s, original ? *original : s, hidden);
    if (hidden) continue;
    json::object item = build(s, original);
    if (original) item["reblog"] = build(*original, nullptr);
    if (filtered) {
      item["filtered"] = *filtered;
      if (original) item["reblog"].as_object()["filtered"] = std::move(*filtered);
    }
    out.push_back(std::move(item));
  }
  return out;
}

json::object StatusRenderer::render_one(const store::Status& status) {
  return render({status}).at(0).as_object();
}

json::array notifications_json(const App& app, store::Connection& c, Id viewer,
                               const std::vector<store::Notification>& notifications,
                               std::string_view filter_context) {
  json::array out;
  if (notifications.empty()) return out;
  std::vector<Id> status_ids, account_ids;
  for (const auto& n : notifications) {
    account_ids.push_back(n.from_account_id);
    if (n.status_id) status_ids.push_back(*n.status_id);
  }
  // Statuses the viewer can still see, rendered in one batch.
  auto statuses = service::visible_only(c, viewer, store::find_statuses(c, status_ids));
  json::array rendered = StatusRenderer(app, c, viewer, filter_context).render(statuses);
  std::unordered_map<Id, json::value*> status_json;  // statuses a hide filter matched are absent
  for (auto& item : rendered)
    if (auto id = parse_id(item.as_object().at("id").as_string())) status_json[*id] = &item;
  std::unordered_map<Id, store::Account> accounts;
  for (auto& a : store::find_accounts(c, account_ids)) accounts.emplace(a.id, std::move(a));
  auto reports = notification_reports_json(app, c, notifications);

  for (const auto& n : notifications) {
    auto account = accounts.find(n.from_account_id);
    if (account == accounts.end()) continue;
    json::value status = nullptr;
    if (n.status_id) {
      auto it = status_json.find(*n.status_id);
      if (it == status_json.end()) continue;  // gone or hidden: clients need the status
      status = *it->second;
    }
    json::object o;
    o["id"] = std::to_string(n.id);
    o["type"] = n.type;
    o["created_at"] = rfc3339(n.created_at);
    o["group_key"] = n.group_key.empty() ? "ungrouped-" + std::to_string(n.id) : n.group_key;
    o["account"] = account_json(app, account->second);
    o["status"] = std::move(status);
    if (auto report = reports.find(n.id); report != reports.end()) o["report"] = report->second;
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace herd::api
