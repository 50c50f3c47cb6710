// Internal to http/: the server hands a connection whose Response carries an Upgrade
// (http/stream.hpp) to one of these. Each runs until the connection ends; spawn it on an executor
// run by one thread (the reader and the writer of the connection run concurrently on it, and the
// hub's wake-ups of all the thread's connections come as one task: see Wakeups in upgrade.cpp).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <string>

#include "http/stream.hpp"

namespace herd::http::detail {

// Completes the WebSocket handshake for `request` (Beast answers 400 itself when it is not a valid
// upgrade), then serves messages both ways.
boost::asio::awaitable<void> serve_websocket(
    boost::beast::tcp_stream stream,
    boost::beast::http::request<boost::beast::http::string_body> request,
    std::shared_ptr<Upgrade> upgrade);

// Writes `head` (status line and headers, already serialised), then the event stream; `chunked`
// frames every write as an HTTP/1.1 chunk.
boost::asio::awaitable<void> serve_event_stream(boost::beast::tcp_stream stream, std::string head,
                                                bool chunked, std::shared_ptr<Upgrade> upgrade);

}  // namespace herd::http::detail
