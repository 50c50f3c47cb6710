// Turns a Router into the server's dispatch function: request parsing, CORS (every response,
// OPTIONS preflight answered 204), routing (404/405 as JSON), and the error model: ApiError ->
// its status with {"error": message}; any other exception -> 500 {"error": "Internal server
// error"} with the detail only in the log.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>

#include "http/router.hpp"
#include "http/server.hpp"

namespace herd::api {

class ResponseCache;
class RequestLimits;

// Asked before anything else (rate limits, cache, routing): a refusal is sent instead of handling
// the request (IP blocks with severity no_access). may_block is false on the I/O thread's fast
// path; `decided` false then sends the request on to the full path.
struct GateVerdict {
  bool decided = true;
  std::optional<http::Response> refusal;
};
using Gate = std::function<GateVerdict(const http::Request&, bool may_block)>;

// generation: the database's write generation (store::Database::generation); cache: optional
// whole-response cache for read-heavy GETs (see response_cache.hpp), nullptr to disable; limits:
// rate limits (rate_limits.hpp) checked before routing, nullptr when off.
http::Dispatch make_dispatch(const http::Router& router,
                             std::function<std::uint64_t()> generation = {},
                             ResponseCache* cache = nullptr, RequestLimits* limits = nullptr,
                             Gate gate = {});

// Which requests the server may run on its I/O thread (http::ServerOptions::runs_inline): those
// whose route is a quick read (http::Cost::quick_read). Only for a database whose reads never wait
// on the network (SQLite): the caller decides.
std::function<bool(http::Request&)> make_runs_inline(const http::Router& router);

// The server's fast path: a cached GET answered on the I/O thread (nullopt otherwise), counted
// under the rate limits when their verdict needs no database.
http::FastPath make_fast_path(std::function<std::uint64_t()> generation, ResponseCache* cache,
                              RequestLimits* limits = nullptr, Gate gate = {});

}  // namespace herd::api
