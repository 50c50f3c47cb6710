// The WebSocket frame reader of the streaming API: the bytes a client sends after the upgrade,
// read by Beast's websocket::stream in the server role with the options http/upgrade.cpp sets
// (64 KiB messages at most), each text message then read as a subscribe/unsubscribe message
// (stream/client_message.hpp) as api/mastodon/streaming.cpp does. A connected in-memory stream
// stands in for the socket: what the server writes back (pongs, the close frame) goes to the peer.
// As the server does, the handshake accepts an upgrade request parsed beforehand; that request is
// fixed, so it is built once (LLVMFuzzerInitialize), as is the io_context (its services open
// epoll and eventfd descriptors), and each input only pays for its own stream and handshake.
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/websocket.hpp>

#include "fuzz_input.hpp"
#include "stream/client_message.hpp"

namespace {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace http = boost::beast::http;

boost::asio::io_context* io;  // never freed: they live as long as the process
http::request<http::empty_body>* upgrade;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  io = new boost::asio::io_context;
  upgrade = new http::request<http::empty_body>(http::verb::get, "/api/v1/streaming", 11);
  upgrade->set(http::field::host, "example.com");
  upgrade->set(http::field::upgrade, "websocket");
  upgrade->set(http::field::connection, "Upgrade");
  upgrade->set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  upgrade->set(http::field::sec_websocket_version, "13");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace herd;
  beast::test::stream client(*io);
  websocket::stream<beast::test::stream> ws(*io);
  client.connect(ws.next_layer());
  boost::system::error_code ec;
  ws.read_message_max(64 * 1024);
  ws.accept(*upgrade, ec);
  fuzz::require(!ec, "the fixed upgrade request is accepted");
  ws.next_layer().append(fuzz::as_text(data, size));
  client.close();  // the end of the input is the end of the connection
  beast::flat_buffer buffer;
  for (int messages = 0; messages < 64; ++messages) {
    buffer.clear();
    ws.read(buffer, ec);
    if (ec) break;
    fuzz::require(buffer.size() <= 64 * 1024, "a message is at most 64 KiB");
    if (ws.got_text()) (void)stream::parse_client_message(beast::buffers_to_string(buffer.data()));
  }
  return 0;
}
