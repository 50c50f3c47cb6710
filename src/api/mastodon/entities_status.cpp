// Status entities, rendered in batches: a page costs a fixed number of queries (reblogged
// originals, accounts, mentions, tags, media, polls, cards, applications, quotes, the viewer's
// flags), never one per status. render_json assembles the page as text from the process's status
// cache (api/status_cache.hpp) and loads and builds only the statuses it does not hold.
#include <charconv>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "api/mastodon/emojis.hpp"
#include "api/mastodon/entities.hpp"
#include "api/mastodon/entities_card.hpp"
#include "api/status_cache.hpp"
#include "core/time.hpp"
#include "service/filters.hpp"
#include "service/quotes.hpp"
#include "service/statuses.hpp"
#include "service/visibility.hpp"
#include "store/accounts.hpp"
#include "store/invalidation.hpp"
#include "store/moderation.hpp"
#include "store/preview_cards.hpp"
#include "store/quotes.hpp"
#include "store/relationships.hpp"
#include "store/statuses.hpp"
#include "store/viewer_flags.hpp"

namespace herd::api {

namespace {

using namespace std::string_view_literals;  // "..."sv: appended without strlen

json::value optional_id(const std::optional<Id>& id) {
  return id ? json::value(std::to_string(*id)) : json::value(nullptr);
}

// What the Status entities of some rows show that is the same for every viewer.
struct Content {
  std::unordered_map<Id, store::Account> accounts;
  std::unordered_set<Id> sensitized;  // accounts whose media a moderator marked sensitive
  std::unordered_map<Id, std::vector<Id>> mentions;
  std::unordered_map<Id, std::vector<std::string>> tags;
  std::unordered_map<Id, store::ApplicationName> applications;
  std::unordered_map<Id, std::vector<store::MediaAttachment>> media;
  std::unordered_map<Id, store::Poll> polls;  // by status id
  std::unordered_map<Id, store::PreviewCard> cards;
  std::unordered_map<Id, store::Quote> quotes;  // the quote each status makes

  // Loads it for these rows: their authors, and for the statuses with content (not reblog
  // wrappers) the rest; what `posted` knows the only status with content lacks is not asked.
  static Content load(store::Connection& c, const std::vector<const store::Status*>& rows,
                      const service::PostedContent* posted = nullptr) {
    Content content;
    std::vector<Id> content_ids, account_ids, application_ids;
    std::unordered_set<Id> seen;
    for (const auto* s : rows) {
      account_ids.push_back(s->account_id);
      if (s->reblog_of_id || !seen.insert(s->id).second) continue;
      content_ids.push_back(s->id);
      if (s->application_id) application_ids.push_back(*s->application_id);
    }
    if (rows.empty()) return content;
    service::PostedContent known;  // nothing known
    if (posted && content_ids.size() == 1 && content_ids.front() == posted->status_id)
      known = *posted;
    static const std::vector<Id> none;
    auto unless = [&](bool absent) -> const std::vector<Id>& {
      return absent ? none : content_ids;
    };
    content.mentions = store::load_mentions(c, unless(known.no_mentions));
    for (const auto& [status_id, ids] : content.mentions)
      account_ids.insert(account_ids.end(), ids.begin(), ids.end());
    content.tags = store::load_tag_names(c, unless(known.no_tags));
    content.media = store::load_status_media(c, unless(known.no_media));
    content.polls = store::load_status_polls(c, unless(known.no_poll));
    content.cards = store::load_status_cards(c, unless(known.no_card));
    store::PageAccounts page_accounts = store::find_page_accounts(c, account_ids);
    for (auto& a : page_accounts.accounts) content.accounts.emplace(a.id, std::move(a));
    content.sensitized = std::move(page_accounts.sensitized);
    content.applications = store::load_application_names(c, application_ids);
    content.quotes = store::load_quotes(c, unless(known.no_quote));
    return content;
  }

  std::string author_domain(const store::Status& s) const {
    auto author = accounts.find(s.account_id);
    return author != accounts.end() ? author->second.domain : "";
  }
  std::vector<std::string> media_descriptions(Id status_id) const {
    std::vector<std::string> out;
    if (auto it = media.find(status_id); it != media.end())
      for (const auto& m : it->second)
        if (m.description) out.push_back(*m.description);
    return out;
  }

  // The entity's fields from "id" to "application".
  void head_fields(const App& app, json::object& o, const store::Status& s) const {
    auto author = accounts.find(s.account_id);
    o["id"] = std::to_string(s.id);
    o["uri"] = s.uri;
    o["url"] = s.url.empty() ? s.uri : s.url;
    o["created_at"] = rfc3339(s.created_at);
    o["edited_at"] = s.edited_at ? json::value(rfc3339(*s.edited_at)) : json::value(nullptr);
    o["account"] = author != accounts.end() ? json::value(account_json(app, author->second))
                                            : json::value(nullptr);
    o["content"] = s.content;
    o["visibility"] = store::to_string(s.visibility);
    o["sensitive"] = s.sensitive || (s.has_media && sensitized.count(s.account_id) > 0);
    o["spoiler_text"] = s.spoiler_text;
    json::array media_json;
    if (auto it = media.find(s.id); it != media.end())
      for (const auto& m : it->second) media_json.push_back(media_attachment_json(app, m));
    o["media_attachments"] = std::move(media_json);
    json::array mentions_json;
    if (auto it = mentions.find(s.id); it != mentions.end()) {
      for (Id id : it->second) {
        auto a = accounts.find(id);
        if (a == accounts.end()) continue;
        mentions_json.push_back(
            json::object{{"id", std::to_string(id)},
                         {"username", a->second.username},
                         {"acct", a->second.acct()},
                         {"url", a->second.url.empty() ? a->second.uri : a->second.url}});
      }
    }
    o["mentions"] = std::move(mentions_json);
    json::array tags_json;
    if (auto it = tags.find(s.id); it != tags.end())
      for (const auto& name : it->second)
        tags_json.push_back(json::object{{"name", name}, {"url", app.tag_url(name)}});
    o["tags"] = std::move(tags_json);
    o["emojis"] = emojis_json(app, author_domain(s), {s.content, s.spoiler_text});
    json::value application = nullptr;
    if (s.application_id) {
      if (auto it = applications.find(*s.application_id); it != applications.end())
        application = json::object{{"name", it->second.name},
                                   {"website", it->second.website ? json::value(*it->second.website)
                                                                  : json::value(nullptr)}};
    }
    o["application"] = std::move(application);
  }

  // The entity's fields "card", "language" and "text".
  void tail_fields(json::object& o, const store::Status& s) const {
    if (auto card = cards.find(s.id); card != cards.end())
      o["card"] = preview_card_json(card->second);
    else
      o["card"] = nullptr;
    o["language"] = s.language ? json::value(*s.language) : json::value(nullptr);
    o["text"] = nullptr;
  }

  // The cache's entry for a status of these rows.
  std::shared_ptr<RenderedStatus> rendered(const App& app, const store::Status& s) const {
    auto out = std::make_shared<RenderedStatus>();
    json::object head, tail;
    head_fields(app, head, s);
    tail_fields(tail, s);
    out->head = json::serialize(head);
    out->head = out->head.substr(1, out->head.size() - 2);
    out->tail = json::serialize(tail);
    out->tail = out->tail.substr(1, out->tail.size() - 2);
    if (auto it = polls.find(s.id); it != polls.end()) out->poll = it->second;
    if (auto it = quotes.find(s.id); it != quotes.end()) out->quote = it->second;
    out->author_domain = author_domain(s);
    out->media_descriptions = media_descriptions(s.id);
    out->row = s;
    if (auto author = accounts.find(s.account_id); author != accounts.end()) {
      out->author_exists = true;
      out->author_suspended = author->second.suspended;
    }
    out->mentions_loaded = !s.reblog_of_id;  // load() asks the mentions of content statuses only
    if (auto it = mentions.find(s.id); it != mentions.end()) out->mentioned = it->second;
    // The accounts shown (author, mentions): what loading them notes for the response cache.
    if (accounts.count(s.account_id)) out->tags.push_back(store::tags::account(s.account_id));
    if (auto it = mentions.find(s.id); it != mentions.end())
      for (Id id : it->second)
        if (accounts.count(id)) out->tags.push_back(store::tags::account(id));
    return out;
  }
};

// A page's rows: the statuses asked for, and the reblogged originals not among them.
struct Rows {
  std::unordered_map<Id, const store::Status*> on_page;
  std::unordered_map<Id, store::Status> originals;

  // loaded: the page's facts when it loaded them (the originals among them).
  Rows(store::Connection& c, const std::vector<store::Status>& statuses,
       const store::PageFacts* loaded) {
    for (const auto& s : statuses) on_page[s.id] = &s;
    std::vector<Id> missing;
    for (const auto& s : statuses)
      if (s.reblog_of_id && !on_page.count(*s.reblog_of_id)) missing.push_back(*s.reblog_of_id);
    if (loaded) {
      for (Id id : missing)
        if (auto it = loaded->originals.find(id); it != loaded->originals.end())
          originals.emplace(id, it->second);
      return;
    }
    for (auto& s : store::find_statuses(c, missing)) originals.emplace(s.id, std::move(s));
  }
  const store::Status* original_of(Id id) const {
    if (auto it = on_page.find(id); it != on_page.end()) return it->second;
    if (auto it = originals.find(id); it != originals.end()) return &it->second;
    return nullptr;
  }
  // Every status rendered: each asked for (a reblog wrapper too) and each original, once.
  std::vector<const store::Status*> rendered(const std::vector<store::Status>& statuses) const {
    std::vector<const store::Status*> out;
    std::unordered_set<Id> seen;
    for (const auto& s : statuses) {
      if (seen.insert(s.id).second) out.push_back(&s);
      if (s.reblog_of_id)
        if (const auto* original = original_of(*s.reblog_of_id))
          if (seen.insert(original->id).second) out.push_back(original);
    }
    return out;
  }
};

// What the page shows that depends on the viewer: favourites, reblogs, bookmarks, poll votes,
// the quotes' states and quoted statuses, quote approval.
struct TextFields;

class ViewerState {
 public:
  // content_ids: the statuses with content; polls and quotes: theirs, by status id; rows: every
  // status the page renders; loaded: the page's facts when it loaded them (flags, authors).
  ViewerState(const App& app, store::Connection& c, Id viewer, bool shallow_quotes,
              const std::vector<Id>& content_ids,
              const std::unordered_map<Id, const store::Poll*>& polls,
              std::unordered_map<Id, store::Quote> quotes,
              const std::vector<const store::Status*>& rows, const store::PageFacts* loaded)
      : app_(app), viewer_(viewer), shallow_quotes_(shallow_quotes), quotes_(std::move(quotes)) {
    if (viewer_ != 0 && !polls.empty()) {
      std::vector<Id> poll_ids;
      for (const auto& [status_id, poll] : polls) poll_ids.push_back(poll->id);
      own_votes_ = store::own_votes_among(c, viewer_, poll_ids);
    }
    if (viewer_ != 0) {
      store::ViewerFlags flags =
          loaded ? loaded->flags : store::viewer_flags_among(c, viewer_, content_ids);
      favourited_ = std::move(flags.favourited);
      reblogged_ = std::move(flags.reblogged);
      bookmarked_ = std::move(flags.bookmarked);
    }
    // What the viewer may see of the quoted statuses (one more batch renders them, with shallow
    // quotes of their own).
    std::vector<Id> quoted_ids;
    for (const auto& [status_id, quote] : quotes_)
      if (quote.quoted_status_id) quoted_ids.push_back(*quote.quoted_status_id);
    std::vector<store::Status> quoted_statuses = store::find_statuses(c, quoted_ids);
    for (const auto& q : quoted_statuses) quoted_exist_.insert(q.id);
    std::vector<store::Status> visible_quoted = service::visible_only(c, viewer_, quoted_statuses);
    for (const auto& q : visible_quoted) quoted_visible_.insert(q.id);
    if (!shallow_quotes_ && !visible_quoted.empty())
      for (auto& item : StatusRenderer(app_, c, viewer_, {}, true).render(visible_quoted))
        if (auto id = parse_id(item.as_object().at("id").as_string())) quoted_json_[*id] = item;
    // The viewer's relationships with the quoted authors (blocked, muted): only when there are
    // quotes to show.
    if (viewer_ != 0 && !quoted_statuses.empty()) {
      std::vector<Id> quoted_authors;
      for (const auto& q : quoted_statuses) quoted_authors.push_back(q.account_id);
      relations_ = store::load_relationships(c, viewer_, quoted_authors);
    }
    // QuoteApproval.current_user needs the viewer's follow only for a followers policy (an
    // author who blocks the viewer has no visible statuses): one query, only for such statuses.
    std::vector<Id> followers_policy_authors;
    if (viewer_ != 0)
      for (const auto* s : rows)
        if (s->account_id != viewer_ &&
            (s->quote_policy == "followers" || s->quote_policy_manual == "followers"))
          followers_policy_authors.push_back(s->account_id);
    if (!followers_policy_authors.empty() && loaded) {
      for (Id author : followers_policy_authors)
        if (auto it = loaded->authors.find(author); it != loaded->authors.end())
          author_facts_.emplace(author, it->second);
    } else if (!followers_policy_authors.empty()) {
      author_facts_ = store::load_author_facts(c, viewer_, followers_policy_authors);
    }
  }

  // The Poll, with the viewer's votes.
  json::value poll_json_for(const store::Poll* poll, const std::string& author_domain) const {
    if (!poll) return nullptr;
    auto votes = own_votes_.find(poll->id);
    json::object o =
        poll_json(*poll, viewer_, votes != own_votes_.end() ? votes->second : std::vector<int>{});
    o["emojis"] = poll_emojis_json(app_, *poll, author_domain);
    return o;
  }

  // The entity's fields "reblogs_count" through "in_reply_to_account_id".
  template <typename Emit>
  void counts_fields(const Emit& emit, const store::Status& s) const {
    emit("reblogs_count", s.reblogs_count);
    emit("favourites_count", s.favourites_count);
    emit("replies_count", s.replies_count);
    emit("quotes_count", s.quotes_count);
    emit("in_reply_to_id", optional_id(s.in_reply_to_id));
    emit("in_reply_to_account_id", optional_id(s.in_reply_to_account_id));
  }

  // The entity's fields from "quote" to the end; flags_of: the original of a reblog wrapper,
  // whose favourite, reblog and bookmark it shows; filtered: the FilterResults (default none).
  template <typename Emit>
  void last_fields(const Emit& emit, const store::Status& s, const store::Status* flags_of,
                   const json::array* filtered) const {
    emit("quote", s.reblog_of_id ? json::value(nullptr) : quote_json(s.id));
    if constexpr (std::is_same_v<Emit, TextFields>)
      append_quote_approval(emit.out, s);  // the same text, without building it as an object
    else
      emit("quote_approval", quote_approval_json(s));
    if (viewer_ == 0) return;
    Id target = flags_of ? flags_of->id : s.id;
    emit("favourited", favourited_.count(target) > 0);
    emit("reblogged", reblogged_.count(target) > 0);
    emit("muted", false);
    emit("bookmarked", bookmarked_.count(target) > 0);
    // Mastodon sends `pinned` only where pinning is possible; clients also read it on their own
    // reblogs and direct statuses, where it is simply false.
    if (s.account_id == viewer_) emit("pinned", s.pinned_at.has_value() && !s.reblog_of_id);
    emit("filtered", filtered ? json::value(*filtered) : json::value(json::array()));
  }

 private:
  store::Relationship approval_relation(Id author) const {
    store::Relationship r;
    if (auto it = author_facts_.find(author); it != author_facts_.end()) {
      r.following = it->second.followed_by_viewer;
      r.blocked_by = it->second.blocks_viewer;
    }
    return r;
  }

  json::value quote_json(Id status_id) const {
    auto it = quotes_.find(status_id);
    if (it == quotes_.end()) return nullptr;
    const store::Quote& quote = it->second;
    std::string state = quote.state;
    bool shown = false;
    Id quoted = quote.quoted_status_id.value_or(0);
    if (state == "accepted") {
      Id author = quote.quoted_account_id.value_or(0);
      if (!quoted_exist_.count(quoted)) {
        state = "deleted";
      } else if (!quoted_visible_.count(quoted)) {
        state = "unauthorized";
      } else {
        shown = true;
        // Mastodon's StatusFilter#filter_state_for_quote: the domain first, then the account.
        auto it = relations_.find(author);
        store::Relationship relation = it != relations_.end() ? it->second : store::Relationship{};
        if (relation.domain_blocking)
          state = "blocked_domain";
        else if (relation.blocking)
          state = "blocked_account";
        else if (relation.muting)
          state = "muted_account";
      }
    }
    if (shallow_quotes_)
      return json::object{
          {"state", state},
          {"quoted_status_id", shown ? json::value(std::to_string(quoted)) : json::value(nullptr)}};
    json::value rendered = nullptr;
    if (shown)
      if (auto q = quoted_json_.find(quoted); q != quoted_json_.end()) rendered = q->second;
    return json::object{{"state", state}, {"quoted_status", std::move(rendered)}};
  }

  // QuoteApproval's policies: the automatic one and the manual one, each shown only when it is
  // "public" or "followers" (else none), and the viewer's approval.
  struct QuoteApproval {
    std::string automatic, manual, current_user;
  };
  QuoteApproval quote_approval(const store::Status& s) const {
    auto shown = [](std::string policy) {
      return policy == "public" || policy == "followers" ? policy : std::string();
    };
    return QuoteApproval{
        shown(service::effective_quote_policy(s.visibility, s.quote_policy)),
        service::effective_quote_policy(s.visibility, s.quote_policy_manual) == "nobody"
            ? std::string()
            : shown(s.quote_policy_manual),
        service::quote_approval_for(s, viewer_, approval_relation(s.account_id))};
  }

  json::object quote_approval_json(const store::Status& s) const {
    QuoteApproval approval = quote_approval(s);
    auto list = [](const std::string& policy) {
      json::array out;
      if (!policy.empty()) out.push_back(json::value(policy));
      return out;
    };
    return json::object{{"automatic", list(approval.automatic)},
                        {"manual", list(approval.manual)},
                        {"current_user", approval.current_user}};
  }

  // `,"quote_approval":{...}` as json::serialize writes quote_approval_json (its strings are
  // policy and approval names: nothing to escape).
  void append_quote_approval(std::string& out, const store::Status& s) const {
    QuoteApproval approval = quote_approval(s);
    auto list = [&](const std::string& policy) {
      if (policy.empty()) {
        out += "[]"sv;
        return;
      }
      out += "[\""sv;
      out += policy;
      out += "\"]"sv;
    };
    out += ",\"quote_approval\":{\"automatic\":"sv;
    list(approval.automatic);
    out += ",\"manual\":"sv;
    list(approval.manual);
    out += ",\"current_user\":\""sv;
    out += approval.current_user;
    out += "\"}"sv;
  }

  const App& app_;
  Id viewer_;
  bool shallow_quotes_;
  std::unordered_map<Id, store::Quote> quotes_;
  std::unordered_map<Id, std::vector<int>> own_votes_;  // by poll id
  std::unordered_set<Id> favourited_, reblogged_, bookmarked_;
  std::unordered_set<Id> quoted_exist_, quoted_visible_;
  std::unordered_map<Id, json::value> quoted_json_;
  std::unordered_map<Id, store::Relationship> relations_;
  std::unordered_map<Id, store::AuthorFacts> author_facts_;
};

// Appends `"key":value` to a Status entity being written as text, as json::serialize writes it
// (scalars and empty containers directly, without building a string first).
struct TextFields {
  std::string& out;
  void operator()(std::string_view key, const json::value& value) const {
    out += ",\""sv;
    out += key;
    out += "\":"sv;
    switch (value.kind()) {
      case json::kind::null:
        out += "null"sv;
        return;
      case json::kind::bool_:
        out += value.get_bool() ? "true"sv : "false"sv;
        return;
      case json::kind::int64: {
        char digits[24];
        auto end = std::to_chars(digits, digits + sizeof digits, value.get_int64()).ptr;
        out.append(digits, static_cast<std::size_t>(end - digits));
        return;
      }
      case json::kind::array:
        if (value.get_array().empty()) {
          out += "[]"sv;
          return;
        }
        break;
      default:
        break;
    }
    out += json::serialize(value);
  }
};

}  // namespace

StatusRenderer::StatusRenderer(const App& app, store::Connection& c, Id viewer_account_id,
                               std::string_view filter_context, bool shallow_quotes)
    : app_(app),
      c_(c),
      viewer_(viewer_account_id),
      filter_context_(filter_context),
      shallow_quotes_(shallow_quotes) {}

const service::StatusFilters* StatusRenderer::filters() {
  // The viewer's filters for this context, loaded once per renderer.
  if (viewer_ != 0 && !filter_context_.empty() && !filters_)
    filters_ = std::make_shared<service::StatusFilters>(
        page_facts_ && page_facts_->filters
            ? service::StatusFilters(*page_facts_->filters, filter_context_)
            : service::StatusFilters::load(c_, viewer_, filter_context_));
  return filters_ && !filters_->empty() ? filters_.get() : nullptr;
}

std::optional<json::array> StatusRenderer::filter_results(
    const store::Status& s, const store::Status& proper, const store::Poll* poll,
    const std::vector<std::string>& media_descriptions, bool& hidden) {
  // Matched on the text of the status proper, the same results on a reblog and its original;
  // hide drops the status.
  const service::StatusFilters* filters = this->filters();
  if (!filters || s.account_id == viewer_ || proper.account_id == viewer_) return std::nullopt;
  std::vector<std::string> options;
  if (poll)
    for (const auto& option : poll->options) options.push_back(option.title);
  auto matches = filters->match(service::searchable_text(proper, options, media_descriptions), s.id,
                                s.reblog_of_id);
  hidden = service::StatusFilters::hides(matches);
  json::array results;
  for (const auto& m : matches)
    results.push_back(filter_result_json(*m.filter, m.keyword_match, m.status_matches));
  return results;
}

json::array StatusRenderer::render(const std::vector<store::Status>& statuses) {
  json::array out;
  if (statuses.empty()) return out;
  Rows rows(c_, statuses, page_facts_);
  std::vector<const store::Status*> rendered = rows.rendered(statuses);
  Content content = Content::load(c_, rendered, posted_);
  std::vector<Id> content_ids;
  std::unordered_map<Id, const store::Poll*> polls;
  for (const auto* s : rendered)
    if (!s->reblog_of_id) content_ids.push_back(s->id);
  for (const auto& [status_id, poll] : content.polls) polls[status_id] = &poll;
  ViewerState state(app_, c_, viewer_, shallow_quotes_, content_ids, polls, content.quotes,
                    rendered, page_facts_);

  auto build = [&](const store::Status& s, const store::Status* flags_of,
                   const json::array* filtered) {
    json::object o;
    auto emit = [&](std::string_view key, json::value value) { o[key] = std::move(value); };
    content.head_fields(app_, o, s);
    state.counts_fields(emit, s);
    o["reblog"] = nullptr;
    auto poll = content.polls.find(s.id);
    o["poll"] = state.poll_json_for(poll != content.polls.end() ? &poll->second : nullptr,
                                    content.author_domain(s));
    content.tail_fields(o, s);
    state.last_fields(emit, s, flags_of, filtered);
    return o;
  };
  for (const auto& s : statuses) {
    const store::Status* original = s.reblog_of_id ? rows.original_of(*s.reblog_of_id) : nullptr;
    const store::Status& proper = original ? *original : s;
    bool hidden = false;
    auto poll = content.polls.find(proper.id);
    auto filtered = filter_results(s, proper, poll != content.polls.end() ? &poll->second : nullptr,
                                   content.media_descriptions(proper.id), hidden);
    if (hidden) continue;
    const json::array* filtered_ptr = filtered ? &*filtered : nullptr;
    json::object item = build(s, original, filtered_ptr);
    if (original) item["reblog"] = build(*original, nullptr, filtered_ptr);
    out.push_back(std::move(item));
  }
  return out;
}

std::string StatusRenderer::render_json(const std::vector<store::Status>& statuses,
                                        std::optional<std::uint64_t> generation) {
  return render_pieces(statuses, generation).flatten();
}

http::BodyPieces StatusRenderer::render_pieces(const std::vector<store::Status>& statuses,
                                               std::optional<std::uint64_t> generation) {
  if (statuses.empty()) {
    http::BodyPieces body;
    body.text() = "[]";
    return body;
  }
  StatusCache* cache = generation ? status_cache() : nullptr;
  Rows rows(c_, statuses, page_facts_);
  std::vector<const store::Status*> rendered = rows.rendered(statuses);

  // The cached renderings, and the statuses missing: loaded and built in one batch, then cached.
  std::unordered_map<Id, std::shared_ptr<const RenderedStatus>> text;
  std::vector<const store::Status*> missing;
  std::vector<Id> touched;  // taken from the page's held entries (counted as got, at once)
  for (const auto* s : rendered) {
    std::shared_ptr<const RenderedStatus> entry;
    if (cache && held_) {
      if (auto held = held_->find(s->id); held != held_->end()) {
        entry = held->second;
        touched.push_back(s->id);
      }
    }
    if (cache && !entry) entry = cache->get(s->id, *generation);
    if (entry) {
      for (store::CacheTag tag : entry->tags) store::Dependencies::note(tag);
      text.emplace(s->id, std::move(entry));
    } else {
      missing.push_back(s);
    }
  }
  if (!touched.empty()) cache->touch(touched);
  if (!missing.empty()) {
    Content content = Content::load(c_, missing);
    for (const auto* s : missing) {
      std::shared_ptr<const RenderedStatus> entry = content.rendered(app_, *s);
      if (cache) cache->put(s->id, *generation, entry);
      text.emplace(s->id, std::move(entry));
    }
  }

  std::vector<Id> content_ids;
  std::unordered_map<Id, const store::Poll*> polls;
  std::unordered_map<Id, store::Quote> quotes;
  for (const auto* s : rendered) {
    if (s->reblog_of_id) continue;
    content_ids.push_back(s->id);
    const RenderedStatus& r = *text.at(s->id);
    if (r.poll) polls[s->id] = &*r.poll;
    if (r.quote) quotes.emplace(s->id, *r.quote);
  }
  ViewerState state(app_, c_, viewer_, shallow_quotes_, content_ids, polls, std::move(quotes),
                    rendered, page_facts_);

  http::BodyPieces body;
  std::string* out = &body.text();      // where the request's own bytes go (or a reblog's original)
  out->reserve(2 + text.size() * 640);  // each status's per-request fields: one allocation
  // A cached text: a piece of the body (not copied), or copied into a reblog's original.
  auto cached = [&](const std::string& bytes, const std::shared_ptr<const RenderedStatus>& owner) {
    if (out == &body.text())
      body.external(bytes, owner);
    else
      *out += bytes;
  };
  auto write = [&](const store::Status& s, const store::Status* flags_of,
                   const json::array* filtered, const std::string* reblog) {
    const std::shared_ptr<const RenderedStatus>& entry = text.at(s.id);
    const RenderedStatus& r = *entry;
    TextFields emit{*out};
    *out += '{';
    cached(r.head, entry);
    state.counts_fields(emit, s);
    *out += ",\"reblog\":"sv;
    if (reblog)  // (a conditional expression would copy it into a temporary string)
      *out += *reblog;
    else
      *out += "null"sv;
    emit("poll", state.poll_json_for(r.poll ? &*r.poll : nullptr, r.author_domain));
    *out += ',';
    cached(r.tail, entry);
    state.last_fields(emit, s, flags_of, filtered);
    *out += '}';
  };
  *out += '[';
  bool first = true;
  for (const auto& s : statuses) {
    const store::Status* original = s.reblog_of_id ? rows.original_of(*s.reblog_of_id) : nullptr;
    const store::Status& proper = original ? *original : s;
    const RenderedStatus& r = *text.at(proper.id);
    bool hidden = false;
    auto filtered =
        filter_results(s, proper, r.poll ? &*r.poll : nullptr, r.media_descriptions, hidden);
    if (hidden) continue;
    const json::array* filtered_ptr = filtered ? &*filtered : nullptr;
    if (!first) *out += ',';
    first = false;
    if (original) {
      std::string reblog;
      out = &reblog;
      write(*original, nullptr, filtered_ptr, nullptr);
      out = &body.text();
      write(s, original, filtered_ptr, &reblog);
    } else {
      write(s, nullptr, filtered_ptr, nullptr);
    }
  }
  *out += ']';
  return body;
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
