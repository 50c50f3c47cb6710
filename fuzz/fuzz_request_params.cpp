// Request parameters (http/request.hpp, http/params.hpp): the first line is the request target
// (path and query), the second the Content-Type, the rest the body (JSON, urlencoded or
// multipart, with Rails-style keys). Malformed input must end in ApiError (a 400 for the client),
// nothing else; then the typed reads the API handlers use run over every parameter.
#include <string>

#include "core/error.hpp"
#include "fuzz_input.hpp"
#include "http/params.hpp"
#include "http/request.hpp"

namespace {

// Runs a typed read; a parameter of the wrong type is the client's error (400), nothing else.
template <typename Read>
void typed(Read read) {
  try {
    read();
  } catch (const herd::ApiError& error) {
    herd::fuzz::require(error.status() == 400, "a parameter of the wrong type is a 400");
  }
}

void read_typed(const boost::json::object& params, int depth = 0) {
  using namespace herd;
  int keys = 0;
  for (const auto& entry : params) {
    if (++keys > 16) break;  // enough to reach every kind of value; throwing is slow under ASan
    std::string_view key = entry.key();
    typed([&] { (void)http::param_bool(params, key); });
    typed([&] { (void)http::param_int(params, key); });
    typed([&] { (void)http::param_string(params, key); });
    (void)http::param_strings(params, key);
    (void)http::param_objects(params, key);
    if (entry.value().is_object() && depth < 4) read_typed(entry.value().get_object(), depth + 1);
  }
  (void)http::param(params, "poll.options");
  (void)http::param_strings(params, "media_ids");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace herd;
  std::string_view input = fuzz::as_text(data, size);
  http::Request request;
  request.method = "POST";
  request.target = std::string(fuzz::take_line(input));
  request.headers["content-type"] = std::string(fuzz::take_line(input));
  request.body = std::string(input);
  try {
    http::parse_request(request);
  } catch (const ApiError& error) {
    fuzz::require(error.status() == 400 || error.status() == 413 || error.status() == 422,
                  "malformed parameters are a client error");
    return 0;
  }
  read_typed(request.params);
  return 0;
}
