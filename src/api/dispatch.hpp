// Turns a Router into the server's dispatch function: request parsing, CORS (every response,
// OPTIONS preflight answered 204), routing (404/405 as JSON), and the error model: ApiError ->
// its status with {"error": message}; any other exception -> 500 {"error": "Internal server
// error"} with the detail only in the log.
#pragma once
#include "http/router.hpp"
#include "http/server.hpp"

namespace herd::api {

http::Dispatch make_dispatch(const http::Router& router);

}  // namespace herd::api
