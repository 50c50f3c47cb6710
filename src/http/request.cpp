#include "http/request.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"

namespace herd::http {

namespace json = boost::json;

std::string_view Request::header(std::string_view name) const {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  auto it = headers.find(lower);
  return it == headers.end() ? std::string_view{} : std::string_view(it->second);
}

const std::string& Request::path_param(const std::string& name) const {
  static const std::string empty;
  auto it = path_params.find(name);
  return it == path_params.end() ? empty : it->second;
}

Response Response::json(const json::value& value, int status) {
  return json_text(json::serialize(value), status);
}
Response Response::json_text(std::string serialized, int status) {
  Response response;
  response.status = status;
  response.body = std::move(serialized);
  return response;
}
Response Response::html(std::string body, int status) {
  return text(std::move(body), "text/html; charset=utf-8", status);
}
Response Response::text(std::string body, std::string content_type, int status) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}
Response Response::error(int status, std::string_view message) {
  json::object body;
  body["error"] = message;
  return json(body, status);
}
Response Response::redirect(std::string location, int status) {
  Response response = text("", "text/html; charset=utf-8", status);
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_as_space && c == '+' ? ' ' : c);
  }
  return out;
}

bool valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : 9;
    if (extra == 9 || (extra == 1 && c < 0xC2) || i + extra >= text.size() + (extra ? 0 : 1)) {
      if (extra != 0) return false;
    }
    if (i + extra >= text.size() && extra) return false;
    std::uint32_t code = extra == 0 ? c : c & (0x3F >> extra);
    for (size_t k = 1; k <= extra; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    if ((extra == 2 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) ||
        (extra == 3 && (code < 0x10000 || code > 0x10FFFF)))
      return false;
    i += extra + 1;
  }
  return true;
}

// Form and query components: '%' must start a valid escape and the result must be UTF-8.
static std::string decode_form_component(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && (i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0))
      fail(ErrorKind::bad_request, "Invalid percent-encoding in form or query parameters");
  }
  std::string out = percent_decode(text, true);
  if (!valid_utf8(out)) fail(ErrorKind::bad_request, "Parameters must be UTF-8");
  return out;
}

std::string percent_encode(std::string_view text) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

// Splits "a[b][]" into {"a", "b", ""}. A key without brackets is one segment.
static std::vector<std::string> split_key(std::string_view key) {
  std::vector<std::string> parts;
  size_t open = key.find('[');
  if (open == std::string_view::npos || open == 0) {
    parts.emplace_back(key);
    return parts;
  }
  parts.emplace_back(key.substr(0, open));
  size_t pos = open;
  while (pos < key.size() && key[pos] == '[') {
    size_t close = key.find(']', pos);
    if (close == std::string_view::npos) {  // unbalanced: keep the whole key literally
      return {std::string(key)};
    }
    parts.emplace_back(key.substr(pos + 1, close - pos - 1));
    pos = close + 1;
  }
  if (pos != key.size()) return {std::string(key)};
  return parts;
}

void merge_param(json::object& root, std::string_view key, json::value value) {
  std::vector<std::string> parts = split_key(key);
  json::object* current = &root;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    bool last = i + 1 == parts.size();
    bool next_is_append = !last && parts[i + 1].empty();
    if (last) {
      (*current)[part] = std::move(value);
      return;
    }
    if (next_is_append) {
      json::value& slot = (*current)[part];
      if (!slot.is_array()) {
        json::array fresh;
        if (!slot.is_null() && !slot.is_object()) fresh.push_back(slot);
        slot = std::move(fresh);
      }
      json::array& array = slot.as_array();
      if (i + 2 == parts.size()) {  // a[] = value
        array.push_back(std::move(value));
        return;
      }
      // a[][b]=v: start a new object when the last one already has b.
      const std::string& child = parts[i + 2];
      if (array.empty() || !array.back().is_object() || array.back().as_object().contains(child)) {
        array.push_back(json::object{});
      }
      current = &array.back().as_object();
      ++i;  // skip the "" segment
      continue;
    }
    json::value& slot = (*current)[part];
    if (!slot.is_object()) slot = json::object{};
    current = &slot.as_object();
  }
}

void parse_urlencoded(std::string_view text, json::object& into) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t amp = text.find('&', pos);
    if (amp == std::string_view::npos) amp = text.size();
    std::string_view pair = text.substr(pos, amp - pos);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key = decode_form_component(pair.substr(0, eq));
      std::string value = eq == std::string_view::npos ? "" : decode_form_component(pair.substr(eq + 1));
      if (!key.empty()) merge_param(into, key, json::value(value));
    }
    pos = amp + 1;
  }
}

void parse_json_body(std::string_view body, json::object& into) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec) fail(ErrorKind::bad_request, "Invalid JSON in request body: " + ec.message());
  if (!parsed.is_object()) fail(ErrorKind::bad_request, "Request body must be a JSON object");
  for (auto& [key, value] : parsed.as_object()) {
    // Rails-style keys in JSON ("poll[options]") are rare but cheap to support.
    merge_param(into, key, value);
  }
}

static std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Value of `name=` (quoted or not) in a header like `form-data; name="x"; filename="y"`.
static std::optional<std::string> header_attribute(std::string_view header, std::string_view name) {
  size_t pos = 0;
  while ((pos = header.find(';', pos)) != std::string_view::npos) {
    ++pos;
    std::string_view rest = trim(header.substr(pos));
    if (rest.size() > name.size() && rest.substr(0, name.size()) == name && rest[name.size()] == '=') {
      std::string_view value = rest.substr(name.size() + 1);
      if (!value.empty() && value.front() == '"') {
        size_t end = value.find('"', 1);
        if (end == std::string_view::npos) return std::string(value.substr(1));
        return std::string(value.substr(1, end - 1));
      }
      size_t end = value.find(';');
      return std::string(trim(value.substr(0, end)));
    }
  }
  return std::nullopt;
}

void parse_multipart(std::string_view content_type, std::string_view body, json::object& into,
                     std::vector<UploadedFile>& files) {
  auto boundary_value = header_attribute(content_type, "boundary");
  if (!boundary_value || boundary_value->empty())
    fail(ErrorKind::bad_request, "multipart/form-data without a boundary");
  std::string delimiter = "--" + *boundary_value;
  size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) fail(ErrorKind::bad_request, "Malformed multipart body");
  for (;;) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return;  // closing delimiter
    if (body.substr(pos, 2) == "\r\n") pos += 2;
    size_t headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) fail(ErrorKind::bad_request, "Malformed multipart part");
    std::string_view part_headers = body.substr(pos, headers_end - pos);
    size_t data_start = headers_end + 4;
    size_t next = body.find("\r\n" + delimiter, data_start);
    if (next == std::string_view::npos) fail(ErrorKind::bad_request, "Unterminated multipart body");
    std::string_view data = body.substr(data_start, next - data_start);

    std::optional<std::string> name, filename;
    std::string part_type;
    size_t line_start = 0;
    while (line_start <= part_headers.size()) {
      size_t line_end = part_headers.find("\r\n", line_start);
      if (line_end == std::string_view::npos) line_end = part_headers.size();
      std::string_view line = part_headers.substr(line_start, line_end - line_start);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string header_name(trim(line.substr(0, colon)));
        std::transform(header_name.begin(), header_name.end(), header_name.begin(), ::tolower);
        std::string_view value = trim(line.substr(colon + 1));
        if (header_name == "content-disposition") {
          name = header_attribute(value, "name");
          filename = header_attribute(value, "filename");
        } else if (header_name == "content-type") {
          part_type = std::string(value);
        }
      }
      line_start = line_end + 2;
    }
    if (name) {
      // A part is a file when it has a filename or a non-text content type (toot, masto.js and
      // others differ; GoToSocial's "filename required" quirk broke clients).
      bool is_file = filename.has_value() ||
                     (!part_type.empty() && part_type.rfind("text/plain", 0) != 0);
      if (is_file) {
        files.push_back(UploadedFile{*name, filename.value_or(""), part_type, std::string(data)});
      } else {
        if (!valid_utf8(data)) fail(ErrorKind::bad_request, "Parameters must be UTF-8");
        merge_param(into, *name, json::value(std::string(data)));
      }
    }
    pos = next + 2;
  }
}

void parse_request(Request& request) {
  size_t question = request.target.find('?');
  std::string_view raw_path = std::string_view(request.target).substr(0, question);
  request.path = percent_decode(raw_path, false);
  request.query = question == std::string::npos ? "" : request.target.substr(question + 1);
  request.params = {};
  request.parsed = false;
  parse_urlencoded(request.query, request.params);
  if (request.body.empty()) {
    request.parsed = true;
    return;
  }
  std::string type(request.header("content-type"));
  std::transform(type.begin(), type.end(), type.begin(), ::tolower);
  if (type.rfind("application/json", 0) == 0 || type.find("+json") != std::string::npos) {
    parse_json_body(request.body, request.params);
  } else if (type.rfind("multipart/form-data", 0) == 0) {
    parse_multipart(request.header("content-type"), request.body, request.params, request.files);
  } else if (type.rfind("application/x-www-form-urlencoded", 0) == 0 || type.empty()) {
    parse_urlencoded(request.body, request.params);
  }
  request.parsed = true;
}

}  // namespace herd::http
