#include "service/remote_media.hpp"

#include <boost/json.hpp>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "federation/http_client.hpp"
#include "service/profile_images.hpp"
#include "store/accounts.hpp"
#include "store/federation.hpp"
#include "store/remote_media.hpp"

namespace herd::service {

namespace json = boost::json;

namespace {

constexpr std::int64_t kLockMs = 2 * 60'000;    // longer than one fetch (20 s) and processing
constexpr std::int64_t kFirstRetryMs = 30'000;  // then 4 times longer each time: 30 s ... 32 min
constexpr std::size_t kProfileImageLimit = 8 * 1024 * 1024;

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
    federation::FetchResponse response = client.get(url, std::nullopt, "image/*, */*;q=0.5");
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

struct ImageJob {
  Id account_id = 0;
  ProfileImage kind = ProfileImage::avatar;
  std::string url;
};

const char* image_name(ProfileImage kind) {
  return kind == ProfileImage::avatar ? "avatar" : "header";
}

std::string payload_of(const ImageJob& job) {
  return json::serialize(json::object{{"account_id", std::to_string(job.account_id)},
                                      {"image", image_name(job.kind)},
                                      {"url", job.url}});
}

ImageJob parse_payload(const std::string& payload) {
  json::object o = json::parse(payload).as_object();
  ImageJob job;
  job.account_id = std::stoll(std::string(o.at("account_id").as_string()));
  job.kind = o.at("image").as_string() == "header" ? ProfileImage::header : ProfileImage::avatar;
  job.url = std::string(o.at("url").as_string());
  return job;
}

void give_up(App& app, const store::Job& job, const ImageJob& image, const std::string& domain,
             const std::string& purpose, const std::string& error, std::int64_t now) {
  log::warn("remote media: {} ({}) not stored after {} attempt(s): {}", purpose, image.url,
            job.attempts + 1, error);
  app.db->write_unversioned([&](store::Connection& c) {
    store::RemoteMediaFailure failure{next_id(), image.url, domain, purpose, error, now};
    store::insert_remote_media_failure(c, failure);
    store::delete_job(c, job.id);
  });
}

void run_job(App& app, const store::Job& job, std::int64_t now) {
  ImageJob image;
  try {
    image = parse_payload(job.payload);
  } catch (const std::exception& error) {
    log::warn("remote media job {}: unreadable ({}), dropped", job.id, error.what());
    app.db->write_unversioned([&](store::Connection& c) { store::delete_job(c, job.id); });
    return;
  }
  auto account = app.db->read_value(
      [&](store::Connection& c) { return store::find_account(c, image.account_id); });
  bool header = image.kind == ProfileImage::header;
  if (!account || account->local() ||
      (header ? account->header_url : account->avatar_url) != image.url ||
      !(header ? account->header_file : account->avatar_file).empty()) {
    // Gone, changed meanwhile (a newer job has the new URL) or done.
    app.db->write_unversioned([&](store::Connection& c) { store::delete_job(c, job.id); });
    return;
  }
  if (rejects_media(app, account->domain)) {  // blocked after the job was queued
    log::info("remote media job {}: {} rejects media, nothing fetched", job.id, account->domain);
    app.db->write_unversioned([&](store::Connection& c) { store::delete_job(c, job.id); });
    return;
  }
  std::string purpose = std::string(image_name(image.kind)) + " of " + account->acct();
  std::string file;
  try {
    std::string bytes = fetch_media(app, image.url, kProfileImageLimit + 1);
    file = store_profile_image(app, image.kind, bytes);
  } catch (const ApiError& error) {  // not an image, too large, an image bomb...
    give_up(app, job, image, account->domain, purpose, error.what(), now);
    return;
  } catch (const PermanentFailure& error) {
    give_up(app, job, image, account->domain, purpose, error.what(), now);
    return;
  } catch (const std::exception& error) {
    if (job.attempts + 1 >= kRemoteMediaAttempts) {
      give_up(app, job, image, account->domain, purpose, error.what(), now);
      return;
    }
    std::int64_t delay = kFirstRetryMs << (2 * job.attempts);
    log::info("remote media: {} ({}) attempt {} failed, again in {} s: {}", purpose, image.url,
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
      return store::set_account_image_file(c, image.account_id, header, image.url, file);
    });
  } catch (...) {
    remove_profile_image_file(app, file);
    throw;
  }
  if (!recorded) {
    remove_profile_image_file(app, file);  // the account changed meanwhile
    return;
  }
  log::info("remote media: stored the {} ({}) as {}", purpose, image.url, file);
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
    std::string payload = payload_of(ImageJob{account.id, kind, url});
    if (store::has_job(c, kRemoteMediaQueue, payload)) return;
    store::insert_job(c, next_id(), kRemoteMediaQueue, payload, now, now);
  };
  queue(ProfileImage::avatar, account.avatar_url, account.avatar_file);
  queue(ProfileImage::header, account.header_url, account.header_file);
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
