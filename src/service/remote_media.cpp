#include "service/remote_media.hpp"

#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "api/mastodon/limits.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "federation/http_client.hpp"
#include "service/custom_emojis.hpp"
#include "service/media.hpp"
#include "service/profile_images.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/media.hpp"
#include "store/remote_media.hpp"

namespace herd::service {

namespace json = boost::json;

namespace {

constexpr std::int64_t kLockMs = 2 * 60'000;    // longer than one fetch (20 s) and processing
constexpr std::int64_t kFirstRetryMs = 30'000;  // then 4 times longer each time: 30 s ... 32 min
constexpr std::size_t kProfileImageLimit = 8 * 1024 * 1024;
constexpr std::size_t kEmojiLimit = 256 * 1024;  // Mastodon's, local and remote

bool remote_url(const std::string& url) {
  return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
}

// What the remote server or the file itself refused: trying again cannot help.
struct PermanentFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The bytes at url (at most `limit`), through the SSRF-guarded client.
std::string fetch_media(const App& app, const std::string& url, std::size_t limit) {
  federation::ClientOptions options = federation::client_options(app.config);
  options.max_response_bytes = limit;
  federation::HttpClient client(options);
  try {
    federation::FetchResponse response =
        client.get(url, std::nullopt, "image/*, video/*, audio/*, */*;q=0.5");
    if (response.status >= 400 && response.status < 500)
      throw PermanentFailure("HTTP " + std::to_string(response.status));
    if (!response.ok()) throw std::runtime_error("HTTP " + std::to_string(response.status));
    return std::move(response.body);
  } catch (const federation::FetchError& error) {
    using Kind = federation::FetchError::Kind;
    if (error.kind() == Kind::bad_url || error.kind() == Kind::refused ||
        error.kind() == Kind::too_large || error.kind() == Kind::too_many_redirects)
      throw PermanentFailure(error.what());
    throw;
  }
}

// One local copy to make: where from, for what, how to store the fetched bytes (returns the files
// written), how to record them (false: the row changed meanwhile, the files are removed) and what
// to do once recorded.
struct Copy {
  std::string url, domain, purpose;
  std::size_t limit = 0;
  std::function<std::vector<std::string>(const std::string& bytes)> store;
  std::function<bool(store::Connection& c)> record;
  std::function<void()> recorded = [] {};
};

const char* image_name(ProfileImage kind) {
  return kind == ProfileImage::avatar ? "avatar" : "header";
}

std::string image_payload(Id account_id, ProfileImage kind, const std::string& url) {
  return json::serialize(json::object{
      {"account_id", std::to_string(account_id)}, {"image", image_name(kind)}, {"url", url}});
}

std::string id_text(const json::object& payload, std::string_view key) {
  return std::string(payload.at(key).as_string());
}

// An avatar or header job: nullopt when there is nothing to do (the account is gone, shows
// another URL now, has its copy, or its domain rejects media).
std::optional<Copy> image_copy(App& app, const json::object& payload) {
  Id account_id = std::stoll(id_text(payload, "account_id"));
  ProfileImage kind =
      payload.at("image").as_string() == "header" ? ProfileImage::header : ProfileImage::avatar;
  std::string url = id_text(payload, "url");
  bool header = kind == ProfileImage::header;
  auto account =
      app.db->read_value([&](store::Connection& c) { return store::find_account(c, account_id); });
  if (!account || account->local() || (header ? account->header_url : account->avatar_url) != url ||
      !(header ? account->header_file : account->avatar_file).empty() ||
      rejects_media(app, account->domain))
    return std::nullopt;
  Copy copy{url,
            account->domain,
            std::string(image_name(kind)) + " of " + account->acct(),
            kProfileImageLimit + 1,
            {},
            {}};
  auto file = std::make_shared<std::string>();
  copy.store = [&app, kind, file](const std::string& bytes) {
    *file = store_profile_image(app, kind, bytes);
    return std::vector<std::string>{*file};
  };
  copy.record = [account_id, header, url, file](store::Connection& c) {
    return store::set_account_image_file(c, account_id, header, url, *file);
  };
  return copy;
}

// A remote attachment job: nullopt when there is nothing to do (the attachment is gone, has its
// copy or another URL, is `unknown`, or its domain rejects media).
std::optional<Copy> attachment_copy(App& app, const json::object& payload) {
  Id media_id = std::stoll(id_text(payload, "media_id"));
  std::string url = id_text(payload, "url");
  std::optional<store::MediaAttachment> media;
  std::optional<store::Account> author;
  app.db->read([&](store::Connection& c) {
    media = store::find_media(c, media_id);
    if (media) author = store::find_account(c, media->account_id);
  });
  if (!media || !author || media->remote_url != url || !media->file.empty() ||
      media->type == "unknown" || rejects_media(app, author->domain))
    return std::nullopt;
  bool av = media->type == "video" || media->type == "audio";
  Copy copy{url,
            author->domain,
            "attachment " + std::to_string(media_id) + " of " + author->acct(),
            static_cast<std::size_t>(av ? limits::video_size_limit : limits::image_size_limit) + 1,
            {},
            {}};
  auto copied = std::make_shared<store::MediaAttachment>(*media);
  copy.store = [&app, copied](const std::string& bytes) {
    return store_remote_copy(app, *copied, bytes);
  };
  copy.record = [copied, url](store::Connection& c) {
    auto now = store::find_media(c, copied->id);
    if (!now || now->remote_url != url || !now->file.empty() || now->type == "unknown")
      return false;
    store::update_media_processed(c, *copied);
    return true;
  };
  return copy;
}

// A custom emoji job: nullopt when there is nothing to do (the emoji is gone, shows another URL,
// has its copy, or its domain rejects media).
std::optional<Copy> emoji_copy(App& app, const json::object& payload) {
  Id emoji_id = std::stoll(id_text(payload, "emoji_id"));
  std::string url = id_text(payload, "url");
  auto emoji = app.db->read_value(
      [&](store::Connection& c) { return store::find_custom_emoji(c, emoji_id); });
  if (!emoji || emoji->local() || emoji->image_url != url || !emoji->file_path.empty() ||
      rejects_media(app, emoji->domain))
    return std::nullopt;
  Copy copy{url,
            emoji->domain,
            "emoji :" + emoji->shortcode + ": of " + emoji->domain,
            kEmojiLimit + 1,
            {},
            {}};
  auto files = std::make_shared<std::pair<std::string, std::string>>();
  copy.store = [&app, files](const std::string& bytes) {
    *files = store_emoji_copy(app, bytes);
    return std::vector<std::string>{files->first};  // (removing it removes its still too)
  };
  copy.record = [emoji_id, url, files](store::Connection& c) {
    return store::set_custom_emoji_file(c, emoji_id, url, files->first, files->second,
                                        now_unix_ms());
  };
  copy.recorded = [&app, key = CustomEmojiRegistry::Key{emoji->domain, emoji->shortcode}] {
    custom_emoji_registry().reload(*app.db, {key});  // this process shows the copy at once
  };
  return copy;
}

void give_up(App& app, const store::Job& job, const Copy& copy, const std::string& error,
             std::int64_t now) {
  log::warn("remote media: {} ({}) not stored after {} attempt(s): {}", copy.purpose, copy.url,
            job.attempts + 1, error);
  app.db->write_unversioned([&](store::Connection& c) {
    store::RemoteMediaFailure failure{next_id(), copy.url, copy.domain, copy.purpose, error, now};
    store::insert_remote_media_failure(c, failure);
    store::delete_job(c, job.id);
  });
}

// Fetches, stores and records the copy; retries later or gives up as the header says.
void make_copy(App& app, const store::Job& job, const Copy& copy, std::int64_t now) {
  std::vector<std::string> files;
  try {
    files = copy.store(fetch_media(app, copy.url, copy.limit));
  } catch (const ApiError& error) {  // not an image, too large, an image bomb...
    give_up(app, job, copy, error.what(), now);
    return;
  } catch (const PermanentFailure& error) {
    give_up(app, job, copy, error.what(), now);
    return;
  } catch (const std::exception& error) {
    if (job.attempts + 1 >= kRemoteMediaAttempts) {
      give_up(app, job, copy, error.what(), now);
      return;
    }
    std::int64_t delay = kFirstRetryMs << (2 * job.attempts);
    log::info("remote media: {} ({}) attempt {} failed, again in {} s: {}", copy.purpose, copy.url,
              job.attempts + 1, delay / 1000, error.what());
    app.db->write_unversioned([&](store::Connection& c) {
      store::retry_job(c, job.id, now + delay, job.attempts + 1, error.what());
    });
    return;
  }
  bool recorded = false;
  try {
    recorded = app.db->write_value([&](store::Connection& c) {
      store::delete_job(c, job.id);
      return copy.record(c);
    });
  } catch (...) {
    remove_media_copies(app, files);
    throw;
  }
  if (!recorded) {
    remove_media_copies(app, files);  // changed meanwhile
    return;
  }
  log::info("remote media: stored the {} ({}) as {}", copy.purpose, copy.url,
            files.empty() ? "" : files.front());
  copy.recorded();
}

// Migration 61's job: the still of an emoji stored before stills were made.
void make_emoji_still(App& app, const store::Job& job, Id emoji_id, std::int64_t now) {
  try {
    std::string still = make_missing_emoji_still(app, emoji_id);
    if (!still.empty()) log::info("custom emoji {}: its still image stored as {}", emoji_id, still);
  } catch (const ApiError& error) {  // its file is missing or no usable image
    log::warn("custom emoji {}: no still image made: {}", emoji_id, error.what());
    app.db->write_unversioned([&](store::Connection& c) {
      store::insert_remote_media_failure(
          c, {next_id(), "", "", "still image of custom emoji " + std::to_string(emoji_id),
              error.what(), now});
    });
  }
  app.db->write_unversioned([&](store::Connection& c) { store::delete_job(c, job.id); });
}

void run_job(App& app, const store::Job& job, std::int64_t now) {
  std::optional<Copy> copy;
  std::optional<Id> still_of;
  try {
    json::object payload = json::parse(job.payload).as_object();
    if (payload.contains("emoji_still")) still_of = std::stoll(id_text(payload, "emoji_still"));
    copy = still_of                       ? std::optional<Copy>()
           : payload.contains("media_id") ? attachment_copy(app, payload)
           : payload.contains("emoji_id") ? emoji_copy(app, payload)
                                          : image_copy(app, payload);
  } catch (const std::exception& error) {
    log::warn("remote media job {}: unreadable ({}), dropped", job.id, error.what());
  }
  if (still_of) {
    make_emoji_still(app, job, *still_of, now);
    return;
  }
  if (!copy) {  // nothing to do (gone, changed, done, rejected) or unreadable
    app.db->write_unversioned([&](store::Connection& c) { store::delete_job(c, job.id); });
    return;
  }
  make_copy(app, job, *copy, now);
}

}  // namespace

std::vector<std::string> carry_image_copies(store::Account& updated,
                                            const store::Account& existing) {
  std::vector<std::string> dropped;
  auto carry = [&](const std::string& url, std::string& file, const std::string& old_url,
                   const std::string& old_file) {
    if (url == old_url) {
      file = old_file;
    } else {
      file.clear();
      if (!old_file.empty()) dropped.push_back(old_file);
    }
  };
  carry(updated.avatar_url, updated.avatar_file, existing.avatar_url, existing.avatar_file);
  carry(updated.header_url, updated.header_file, existing.header_url, existing.header_file);
  return dropped;
}

void queue_image_copies(store::Connection& c, const store::Account& account) {
  if (account.local() || account.suspended || store::domain_rejects_media(c, account.domain))
    return;
  std::int64_t now = now_unix_ms();
  auto queue = [&](ProfileImage kind, const std::string& url, const std::string& file) {
    if (!file.empty() || !remote_url(url)) return;
    std::string payload = image_payload(account.id, kind, url);
    if (store::has_job(c, kRemoteMediaQueue, payload)) return;
    store::insert_job(c, next_id(), kRemoteMediaQueue, payload, now, now);
  };
  queue(ProfileImage::avatar, account.avatar_url, account.avatar_file);
  queue(ProfileImage::header, account.header_url, account.header_file);
}

void queue_attachment_copies(store::Connection& c,
                             const std::vector<store::MediaAttachment>& media) {
  std::int64_t now = now_unix_ms();
  for (const auto& m : media) {
    if (!m.remote_url || !remote_url(*m.remote_url) || !m.file.empty() || m.type == "unknown")
      continue;
    json::object payload{{"media_id", std::to_string(m.id)}, {"url", *m.remote_url}};
    store::insert_job(c, next_id(), kRemoteMediaQueue, json::serialize(payload), now, now);
  }
}

void queue_emoji_copy(store::Connection& c, const store::CustomEmoji& emoji, bool again) {
  if (emoji.local() || !emoji.file_path.empty() || !remote_url(emoji.image_url)) return;
  std::string payload = json::serialize(
      json::object{{"emoji_id", std::to_string(emoji.id)}, {"url", emoji.image_url}});
  if (store::has_job(c, kRemoteMediaQueue, payload) ||
      (!again && store::has_remote_media_failure(c, emoji.image_url)))
    return;
  std::int64_t now = now_unix_ms();
  store::insert_job(c, next_id(), kRemoteMediaQueue, payload, now, now);
}

bool rejects_media(App& app, const std::string& domain) {
  return app.db->read_value(
      [&](store::Connection& c) { return store::domain_rejects_media(c, domain); });
}

void remove_media_copies(App& app, const std::vector<std::string>& files) {
  for (const auto& file : files) remove_profile_image_file(app, file);
}

int run_remote_media_jobs(App& app, std::int64_t now) {
  bool due = app.db->read_value(
      [&](store::Connection& c) { return store::has_due_jobs(c, kRemoteMediaQueue, now); });
  if (!due) return 0;
  std::vector<store::Job> jobs;
  app.db->write_unversioned([&](store::Connection& c) {
    jobs = store::claim_jobs(c, kRemoteMediaQueue, now, kLockMs, 4);
  });
  for (const auto& job : jobs) {
    try {
      run_job(app, job, now);
    } catch (const std::exception& error) {  // the database: the job's lock runs out, retried
      log::warn("remote media job {}: {}", job.id, error.what());
    }
  }
  return static_cast<int>(jobs.size());
}

}  // namespace herd::service
