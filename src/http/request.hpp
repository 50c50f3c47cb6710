// The HTTP request and response as handlers see them, independent of the network library.
// Parameters from the query string and the body (JSON, urlencoded, multipart) are merged into one
// JSON object with Rails-style keys expanded: `a[]=x` -> {"a":["x"]}, `a[b][c]=v` -> nested
// objects, `a[0]=x` -> {"a":{"0":"x"}} (params.hpp reads that as an array too).
#pragma once
#include <boost/json.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herd::http {

struct Upgrade;  // http/stream.hpp

struct UploadedFile {
  std::string field;
  std::string filename;
  std::string content_type;
  std::string data;
};

struct Request;
struct Response;
using Handler = std::function<Response(Request&)>;

// The route a request was matched to ahead of dispatch (Router::quick_read): its handler and
// pattern, which live as long as the router.
struct RouteMatch {
  const Handler* handler = nullptr;
  const std::string* pattern = nullptr;
};

struct Request {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // as received: path + "?" + query
  std::string path;                            // percent-decoded path, without the query
  std::string query;                           // raw query string (without "?")
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string remote_address;
  std::map<std::string, std::string> path_params;  // ":id" captures from the router
  boost::json::object params;                      // query + body, merged (body wins)
  std::vector<UploadedFile> files;                 // multipart file parts
  // True once parse_request has filled path, query, params and files from this target and body
  // (then not parsed again on the way to the handler).
  bool parsed = false;
  // Set when the route was matched before dispatch (the server's quick-read check): path_params
  // then hold its captures and dispatch does not route the request again.
  RouteMatch routed;

  // Header value or "" (name is case-insensitive).
  std::string_view header(std::string_view name) const;
  // A path capture (":id" -> "id"); "" when absent.
  const std::string& path_param(const std::string& name) const;
};

// A body made of pieces, sent in order with one gather write: a page assembled from cached texts
// (api/mastodon/entities_status.cpp) is not copied into one string first. The response's own
// bytes are appended to text(); external() adds bytes it does not own, kept alive by `owner`.
class BodyPieces {
 public:
  std::string& text() { return text_; }
  void external(std::string_view bytes, std::shared_ptr<const void> owner) {
    close_run();
    pieces_.push_back(Piece{bytes.data(), 0, bytes.size()});
    external_bytes_ += bytes.size();
    if (owners_.empty() || owners_.back() != owner) owners_.push_back(std::move(owner));
  }
  std::size_t size() const { return text_.size() + external_bytes_; }
  // Calls f(std::string_view) with each piece, in order (empty ones left out).
  template <typename F>
  void for_each(F&& f) const {
    for (const Piece& p : pieces_)
      f(p.data ? std::string_view(p.data, p.size)
               : std::string_view(text_).substr(p.offset, p.size));
    if (text_.size() > run_start_) f(std::string_view(text_).substr(run_start_));
  }
  std::size_t count() const { return pieces_.size() + (text_.size() > run_start_ ? 1 : 0); }
  std::string flatten() const {
    std::string out;
    out.reserve(size());
    for_each([&](std::string_view piece) { out += piece; });
    return out;
  }

 private:
  struct Piece {
    const char* data;  // null: text_[offset, offset + size)
    std::size_t offset, size;
  };
  void close_run() {
    if (text_.size() > run_start_)
      pieces_.push_back(Piece{nullptr, run_start_, text_.size() - run_start_});
    run_start_ = text_.size();
  }
  std::string text_;
  std::vector<Piece> pieces_;
  std::size_t run_start_ = 0;  // where text_'s bytes not in pieces_ yet start
  std::size_t external_bytes_ = 0;
  std::vector<std::shared_ptr<const void>> owners_;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, sent instead of `body` without copying (cached responses share one buffer).
  std::shared_ptr<const std::string> shared_body;
  // When set, the server keeps the connection as a WebSocket or event stream (http/stream.hpp).
  std::shared_ptr<Upgrade> upgrade;

  // When set, the body is these pieces instead (sent without copying them into one string).
  std::shared_ptr<const BodyPieces> pieces;

  // The body when not in pieces (flatten() first where it may be).
  const std::string& payload() const { return shared_body ? *shared_body : body; }
  std::size_t payload_size() const { return pieces ? pieces->size() : payload().size(); }
  // Makes a body in pieces one string (`body`): for what keeps it (the response cache).
  void flatten() {
    if (!pieces) return;
    body = pieces->flatten();
    pieces.reset();
  }

  static Response json(const boost::json::value& value, int status = 200);
  static Response json_text(std::string serialized, int status = 200);
  static Response html(std::string body, int status = 200);
  static Response text(std::string body, std::string content_type, int status = 200);
  static Response error(int status, std::string_view message);
  static Response redirect(std::string location, int status = 302);
  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// Parsing, exposed for the server and for tests. Each throws ApiError(bad_request) on malformed
// input with a message saying what is wrong.
std::string percent_decode(std::string_view text, bool plus_as_space);
std::string percent_encode(std::string_view text);  // RFC 3986 unreserved kept
bool valid_utf8(std::string_view text);
void merge_param(boost::json::object& root, std::string_view key, boost::json::value value);
void parse_urlencoded(std::string_view text, boost::json::object& into);
void parse_json_body(std::string_view body, boost::json::object& into);
void parse_multipart(std::string_view content_type, std::string_view body,
                     boost::json::object& into, std::vector<UploadedFile>& files);
// Fills path/query/params/files from target, headers and body; sets request.parsed.
void parse_request(Request& request);

}  // namespace herd::http
