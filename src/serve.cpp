#include "serve.hpp"

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "api/dispatch.hpp"
#include "api/rate_limits.hpp"
#include "api/response_cache.hpp"
#include "api/routes.hpp"
#include "api/status_cache.hpp"
#include "api/viewer_flag_cache.hpp"
#include "app.hpp"
#include "core/config.hpp"
#include "core/log.hpp"
#include "core/log_buffer.hpp"
#include "core/security_settings.hpp"
#include "core/startup_pages.hpp"
#include "core/time.hpp"
#include "federation/context.hpp"
#include "federation/delivery.hpp"
#include "federation/http_client.hpp"
#include "federation/refresh.hpp"
#include "federation/replies.hpp"
#include "http/server.hpp"
#include "mail/queue.hpp"
#include "media/storage.hpp"
#include "service/account_deletion.hpp"
#include "service/accounts.hpp"
#include "service/admin_blocks.hpp"
#include "service/archives.hpp"
#include "service/custom_emojis.hpp"
#include "service/imports.hpp"
#include "service/job_runner.hpp"
#include "service/media.hpp"
#include "service/polls.hpp"
#include "service/preview_cards.hpp"
#include "service/rate_limits.hpp"
#include "service/remote_media.hpp"
#include "service/scheduled_statuses.hpp"
#include "service/search.hpp"
#include "service/web_push.hpp"
#include "store/database.hpp"
#include "store/group_commit.hpp"
#include "store/id_tags.hpp"
#include "store/invalidation.hpp"
#include "stream/hub.hpp"

namespace herd {

std::string serve_settings_help() {
  std::string out =
      "\nSettings (environment variables; the same names in lower case in the TOML file):\n";
  for (const auto& doc : setting_docs()) {
    char line[512];
    std::snprintf(line, sizeof line, "  %-28s %s\n", doc.name, doc.description);
    out += line;
  }
  return out;
}

int serve_main(const std::string& config_path) {
  // Few arenas keep memory small with several threads; a high trim threshold keeps the allocator
  // from returning and re-faulting response-sized buffers on every request.
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  App app;
  stream::Hub hub;  // live events for streaming clients; see stream/hub.hpp
  try {
    app.config = load_config(config_path, environment());
    require_admin_email(app.config);
  } catch (const ConfigError& error) {
    std::cerr << "herd: configuration error: " << error.what() << "\n"
              << "Run `herd serve --help` for the list of settings.\n";
    return 2;
  }
  app.set_base_url();
  log::use_json(app.config.json_logs);
  int threads = app.config.threads;
  // I/O threads: one per core. Workers (handlers, which may block on SQLite, argon2id or a remote
  // server): HERD_THREADS, default 4 per core.
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int workers = threads > 0 ? threads : 4 * cores;
  // HERD_IO_THREADS: how many I/O threads (default one per core, at least 2).
  const char* io_threads = std::getenv("HERD_IO_THREADS");
  threads = io_threads && std::atoi(io_threads) > 0 ? std::atoi(io_threads) : std::max(2, cores);
  // PostgreSQL: quick reads run in fibers on the I/O threads, which await the database's socket on
  // their event loops meanwhile (http/fiber.hpp; a fiber stays on the I/O thread of its
  // connection); HERD_PG_FIBERS=0 keeps them on workers. HERD_INLINE_READS then caps the fibers in
  // flight on each I/O thread (default 8); each holds one connection of the pool at a time (no
  // quick read takes a second while it holds one), and one that finds the pool empty waits
  // suspended, so that a pool the other threads emptied only delays it.
  const char* fibers_setting = std::getenv("HERD_PG_FIBERS");
  bool fibers_off = fibers_setting && (std::string_view(fibers_setting) == "0" ||
                                       std::string_view(fibers_setting) == "false");
  bool fibers = app.config.database_url.rfind("postgres", 0) == 0 && !fibers_off;
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer does not support swapcontext (its interceptor reports the first switch, and
  // an exception thrown on a fiber's stack): a sanitizer build keeps PostgreSQL's reads on workers.
  if (fibers && fibers_setting)
    log::warn("HERD_PG_FIBERS is ignored in a build with AddressSanitizer");
  fibers = false;
#endif
  const char* inline_reads = std::getenv("HERD_INLINE_READS");
  int max_inline = inline_reads ? std::atoi(inline_reads) : fibers ? 8 : threads;
  int pool_size = workers + 2 + (fibers ? threads * std::max(0, max_inline) : 0);
  try {
    app.db = store::attach_group_commit(
        hub.attach(store::open_database(app.config.database_url, pool_size)));
    app.stream = &hub;
    if (app.db->dialect() == store::Dialect::postgres) hub.listen(app.config.database_url);
    int applied = store::migrate(*app.db);
    if (applied) log::info("applied {} database migration(s)", applied);
    store::claim_id_tag(*app.db);
    service::custom_emoji_registry().refresh(*app.db);
    if (auto password = service::bootstrap_admin(app)) {
      std::cout << "Admin account: " << app.config.admin_username << " <" << app.config.admin_email
                << ">\nAdmin password: " << *password << "\n(shown once; keep it somewhere safe)\n"
                << std::flush;
    }
  } catch (const std::exception& error) {
    std::cerr << "herd: cannot start: " << error.what() << "\n";
    return 1;
  }

  std::optional<service::RateLimiter> rate_limiter;
  std::optional<api::RequestLimits> request_limits;
  if (app.config.rate_limits.enabled) {
    rate_limiter.emplace(app.config.rate_limits, *app.db);
    app.rate_limiter = &*rate_limiter;
    request_limits.emplace(app, *rate_limiter);
  }
  api::RequestLimits* limits = request_limits ? &*request_limits : nullptr;
  http::Router router = api::build_router(app);
  http::ServerOptions options;
  options.bind = app.config.bind;
  options.port = app.config.port;
  options.threads = threads;
  options.workers = workers;
  options.max_body_bytes = app.config.max_body_bytes;
  options.max_upload_bytes = app.config.max_upload_bytes;
  options.max_connections_per_address = security_settings().max_connections_per_ip;
  options.uncapped = [&app](const std::string& address) {
    return federation::address_listed(address, app.config.trusted_proxies);
  };
  // ActivityPub documents are cached only when fetches need no signature (LIMITED_FEDERATION_MODE
  // implies signed fetches, as AUTHORIZED_FETCH).
  api::ResponseCache cache(
      app.config.response_cache_mb << 20,
      !app.config.authorized_fetch && !security_settings().limited_federation_mode);
  store::Database* database = app.db.get();
  auto generation = [database] { return database->cache_generation(); };
  api::ResponseCache* response_cache = app.config.response_cache_mb ? &cache : nullptr;
  // Writes that say what they change (posts, favourites...) drop only the cached responses and
  // rendered statuses read from it (store/invalidation.hpp). HERD_PRECISE_INVALIDATION (for
  // comparisons): "statuses" keeps it to writes that change only statuses' state (favourites,
  // bookmarks: as before issue 12's second step), "responses" to the response cache (the status
  // cache then follows every write, as before), "none" makes every write empty both caches;
  // default "all".
  std::string precise =
      std::getenv("HERD_PRECISE_INVALIDATION") ? std::getenv("HERD_PRECISE_INVALIDATION") : "all";
  // What every viewer sees of a status, rendered as JSON text (api/status_cache.hpp).
  api::StatusCache rendered_statuses(app.config.status_cache_mb << 20,
                                     precise == "all" || precise == "statuses");
  api::StatusCache* status_cache = app.config.status_cache_mb ? &rendered_statuses : nullptr;
  api::install_status_cache(status_cache);
  struct Uninstall {
    ~Uninstall() { api::install_status_cache(nullptr); }
  } uninstall;
  // What each recent viewer favourited, reblogged and bookmarked (api/viewer_flag_cache.hpp),
  // beside the status cache: 2 MiB, about 1,000 viewers with 256 of each.
  api::ViewerFlagCache viewer_flags(std::size_t{2} << 20, rendered_statuses.precise());
  api::ViewerFlagCache* flag_cache = status_cache ? &viewer_flags : nullptr;
  api::viewer_flag_cache().install(flag_cache);
  struct UninstallFlags {
    ~UninstallFlags() { api::viewer_flag_cache().install(nullptr); }
  } uninstall_flags;
  if (status_cache && !status_cache->precise()) {  // not told of drops
    status_cache = nullptr;
    flag_cache = nullptr;
  }
  // The inbox's actor cache follows the same drops (store/actor_cache.hpp); without a listener
  // every write moves the cache generation, which empties it too.
  store::ActorCache* actors = &federation::of(app).actors();
  std::optional<store::ChangeListening> changes;
  if ((response_cache || status_cache) && precise != "none")
    changes.emplace(
        [response_cache, status_cache, flag_cache, actors,
         only_statuses = precise == "statuses"](const std::vector<store::CacheTag>& tags) {
          if (only_statuses)
            for (store::CacheTag tag : tags)
              if (!store::tags::is_status(tag) && !store::tags::is_flags_of(tag))
                throw std::runtime_error("not a status");  // then the caches are emptied
          actors->drop(tags);
          if (response_cache) response_cache->drop(tags);
          if (status_cache) status_cache->drop(tags);
          if (flag_cache) flag_cache->drop(tags);
        });
  // SQLite answers reads from this process without waiting on anyone: quick reads (timeline
  // pages) run on the I/O thread that read them, saving two thread hand-overs a request.
  // HERD_INLINE_READS: how many I/O threads may do so at once (0: none; default all). On
  // PostgreSQL they run in fibers (above) unless HERD_PG_FIBERS=0.
  options.max_inline = max_inline;
  options.inline_fibers = fibers;
  if ((app.db->dialect() == store::Dialect::sqlite || fibers) && max_inline > 0)
    options.runs_inline = api::make_runs_inline(router);
  api::Gate gate = api::make_ip_gate(app);
  http::Server server(options, api::make_dispatch(router, generation, response_cache, limits, gate),
                      api::make_fast_path(generation, response_cache, limits, gate));
  try {
    server.listen();
  } catch (const std::exception& error) {
    std::cerr << "herd: " << error.what() << " (check BIND and PORT)\n";
    return 1;
  }
  log::info("herd {} serving {} on http://{}:{} ({} I/O threads, {} workers, {})", HERD_VERSION,
            app.base_url(), app.config.bind, server.port(), threads, workers,
            app.db->dialect() == store::Dialect::sqlite ? "SQLite"
            : fibers                                    ? "PostgreSQL, quick reads in fibers"
                                                        : "PostgreSQL");
  // Media on object storage: the settings are checked now, the bucket and credentials too (a
  // refusal is logged; uploads then fail with 503 and the storage's reason until it is fixed).
  try {
    if (media::S3Client* s3 = media::storage(app.config).s3()) {
      try {
        s3->check();
        log::info("media on object storage: bucket {} at {}", s3->settings().bucket,
                  s3->public_url(""));
      } catch (const media::S3Error& error) {
        log::error("media storage: {} (uploads fail until this is fixed)", error.what());
      }
    }
  } catch (const std::invalid_argument& error) {
    std::cerr << "herd: " << error.what() << "\n";
    return 1;
  }
  federation::DeliveryWorker delivery(app);  // sends queued deliveries until the server stops
  // Background tasks, a call a second each, on few threads (service/job_runner.hpp).
  service::JobRunner jobs;
  jobs.every("polls", std::chrono::seconds(1), [&app] {
    service::run_poll_jobs(app, now_unix_ms());  // ends polls, spreads their counts
  });
  jobs.every("scheduled statuses", std::chrono::seconds(1), [&app] {
    service::publish_due_statuses(app, now_unix_ms());  // posts scheduled statuses when due
  });
  jobs.every("media", std::chrono::seconds(1), [&app] {
    service::run_media_jobs(app, now_unix_ms());  // processes video, audio and animated GIFs
  });
  jobs.every("remote media", std::chrono::seconds(1), [&app] {
    service::run_remote_media_jobs(app, now_unix_ms());  // local copies of remote avatars...
  });
  jobs.every("preview cards", std::chrono::seconds(1), [&app] {
    service::fetch_due_preview_cards(app, now_unix_ms());  // link previews of new statuses
  });
  jobs.every("actor refresh", std::chrono::seconds(1), [&app] {
    federation::run_actor_refresh_jobs(app, now_unix_ms());  // refetches stale remote actors
  });
  jobs.every("custom emojis", std::chrono::seconds(1), [&app] {
    // Emojis added or removed by `herd admin emoji` (another process).
    service::custom_emoji_registry().refresh(*app.db);
  });
  service::vapid_key(app);  // generated at first start (service/web_push.hpp)
  jobs.every("web push", std::chrono::seconds(1), [&app] {
    service::run_web_push_jobs(app, now_unix_ms());  // sends queued Web Push notifications
  });
  if (rate_limiter)
    jobs.every("rate limits", std::chrono::seconds(1), [&rate_limiter] {
      rate_limiter->flush(now_unix_ms());  // shares this process's counts with the others
    });
  jobs.every("search backfill", std::chrono::seconds(1), [&app] {
    // statuses older than the index (migration 34): a batch at a time until done
    for (int i = 0; i < 20 && service::run_search_backfill(app); ++i) {
    }
  });
  jobs.every("fetch replies", std::chrono::seconds(1), [&app] {
    federation::run_reply_fetch_jobs(app, now_unix_ms());  // missing replies of opened threads
  });
  jobs.every("mail", std::chrono::seconds(1), [&app] {
    mail::run_mail_jobs(app, now_unix_ms());  // sends queued mail (mail/queue.hpp)
  });
  jobs.every("account jobs", std::chrono::seconds(1), [&app] {
    service::run_account_deletion_jobs(app, now_unix_ms());  // data of deleted accounts
    service::run_import_jobs(app, now_unix_ms());            // CSV imports
  });
  jobs.every("archives", std::chrono::seconds(1), [&app] {
    service::run_archive_jobs(app, now_unix_ms());  // "Request your archive" zips
  });
  jobs.every("account activity", std::chrono::seconds(1), [&app] {
    service::record_account_activity(app);  // who used the API today (service/admin_blocks.hpp)
  });
  // Two seconds after the start (the first ticks done), the pages only starting touched leave the
  // mappings (core/startup_pages.hpp). HERD_KEEP_STARTUP_PAGES=1 keeps them (for comparisons).
  if (const char* keep = std::getenv("HERD_KEEP_STARTUP_PAGES"); !keep || std::string(keep) != "1")
    jobs.once("startup pages", std::chrono::seconds(2), [] {
      log::info("startup pages released: {:.1f} MiB (they stay in the page cache)",
                static_cast<double>(release_startup_pages()) / (1 << 20));
    });
  if (!app.config.mail_enabled())
    log::info("no SMTP_SERVER: messages are logged, not sent; sign-ups need no confirmation");
  // Request lines are written in batches, within 5 ms (core/log_buffer.hpp).
  log::BufferedRequests request_lines;
  server.run();
  service::record_account_activity(app);
  hub.stop_listening();  // no event from other processes reaches a connection being torn down
  log::info("stopped");
  return 0;
}

}  // namespace herd
