// The WebSocket frame reader of the streaming API: the bytes a client sends after the upgrade,
// read by Beast's websocket::stream in the server role with the options http/upgrade.cpp sets
// (64 KiB messages at most), each text message then read as a subscribe/unsubscribe message
// (stream/client_message.hpp) as api/mastodon/streaming.cpp does. A connected in-memory stream
// stands in for the socket: what the server writes back (pongs, the close frame) goes to the peer.
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "fuzz_input.hpp"
#include "stream/client_message.hpp"

namespace {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

constexpr std::string_view kUpgrade =
    "GET /api/v1/streaming HTTP/1.1\r\n"
    "Host: example.com\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace herd;
  boost::asio::io_context io;
  beast::test::stream client(io);
  websocket::stream<beast::test::stream> ws(io);
  client.connect(ws.next_layer());
  ws.next_layer().append(kUpgrade);
  boost::system::error_code ec;
  ws.read_message_max(64 * 1024);
  ws.accept(ec);
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
