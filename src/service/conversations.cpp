#include "service/conversations.hpp"

#include <algorithm>
#include <unordered_map>

#include "core/error.hpp"
#include "core/time.hpp"
#include "service/visibility.hpp"
#include "store/accounts.hpp"
#include "store/statuses.hpp"
#include "stream/publish.hpp"

namespace herd::service {

namespace {

constexpr int kScanned = 1000;  // direct statuses looked at per request

std::vector<Id> others(Id viewer, Id author, const std::vector<Id>& mentioned) {
  std::vector<Id> ids{author};
  ids.insert(ids.end(), mentioned.begin(), mentioned.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<Id> out;
  for (Id id : ids)
    if (id != viewer) out.push_back(id);
  if (out.empty()) out.push_back(viewer);
  return out;
}

std::string key_of(const std::vector<Id>& participants) {
  std::string key;
  for (Id id : participants) key += (key.empty() ? "" : ",") + std::to_string(id);
  return key;
}

bool in_page(Id id, const store::PageQuery& page) {
  if (page.max_id && id >= *page.max_id) return false;
  if (page.since_id && id <= *page.since_id) return false;
  if (page.min_id && id <= *page.min_id) return false;
  return true;
}

}  // namespace

std::vector<Conversation> conversations_of(store::Connection& c, Id viewer,
                                           const store::PageQuery& page) {
  auto statuses = visible_only(c, viewer, store::recent_direct_statuses(c, viewer, kScanned));
  std::vector<Id> ids;
  for (const auto& s : statuses) ids.push_back(s.id);
  auto mentions = store::load_mentions(c, ids);
  // Newest status first: the first status of each group is its last status.
  std::vector<Conversation> groups;
  std::unordered_map<std::string, std::size_t> index;
  for (const auto& s : statuses) {
    auto participants = others(viewer, s.account_id, mentions[s.id]);
    std::string key = key_of(participants);
    if (index.count(key)) continue;
    index.emplace(key, groups.size());
    Conversation conversation;
    conversation.row.participant_key = key;
    conversation.participants = std::move(participants);
    conversation.last_status = s;
    groups.push_back(std::move(conversation));
  }
  std::vector<std::string> keys;
  for (const auto& g : groups) keys.push_back(g.row.participant_key);
  std::unordered_map<std::string, store::AccountConversation> rows;
  for (auto& row : store::conversations_by_keys(c, viewer, keys))
    rows.emplace(row.participant_key, row);
  std::vector<Conversation> out;
  for (auto& g : groups) {
    auto it = rows.find(g.row.participant_key);
    if (it == rows.end()) continue;  // recorded when its statuses were stored
    if (g.last_status.id <= it->second.removed_up_to) continue;
    if (!in_page(g.last_status.id, page)) continue;
    g.row = it->second;
    out.push_back(std::move(g));
  }
  if (page.min_id) {  // the page just after min_id: the oldest ones above it
    if (static_cast<int>(out.size()) > page.limit) out.erase(out.begin(), out.end() - page.limit);
  } else if (static_cast<int>(out.size()) > page.limit) {
    out.resize(page.limit);
  }
  return out;
}

void record_direct_status(App& app, store::Connection& c, const store::Status& status,
                          const std::vector<Id>& mentioned) {
  if (status.visibility != store::Visibility::direct || status.reblog_of_id) return;
  std::vector<Id> participants{status.account_id};
  participants.insert(participants.end(), mentioned.begin(), mentioned.end());
  std::int64_t now = now_unix_ms();
  std::vector<Id> local;
  for (const auto& account : store::find_accounts(c, participants))
    if (account.local() && std::find(local.begin(), local.end(), account.id) == local.end())
      local.push_back(account.id);
  for (Id account : local)
    store::touch_conversation(c, account, key_of(others(account, status.account_id, mentioned)),
                              account != status.account_id, now);
  stream::conversation_updated(app, status, local);
}

Conversation mark_conversation_read(App& app, Id viewer, Id conversation_id) {
  app.db->write([&](store::Connection& c) {
    auto row = store::find_account_conversation(c, conversation_id);
    if (!row || row->account_id != viewer) not_found();
    store::mark_conversation_read(c, conversation_id);
  });
  return app.db->read_value([&](store::Connection& c) {
    store::PageQuery all;
    all.limit = kScanned;
    for (auto& conversation : conversations_of(c, viewer, all))
      if (conversation.row.id == conversation_id) return conversation;
    not_found();
  });
}

void remove_conversation(App& app, Id viewer, Id conversation_id) {
  app.db->write([&](store::Connection& c) {
    auto row = store::find_account_conversation(c, conversation_id);
    if (!row || row->account_id != viewer) not_found();
    // Hidden up to its newest status: a newer message brings it back.
    Id newest = 0;
    store::PageQuery all;
    all.limit = kScanned;
    for (const auto& conversation : conversations_of(c, viewer, all))
      if (conversation.row.id == conversation_id) newest = conversation.last_status.id;
    store::remove_conversation(c, conversation_id, newest);
  });
}

}  // namespace herd::service
