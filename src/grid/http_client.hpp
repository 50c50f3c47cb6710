// A small blocking HTTP client on libcurl, for the CLI, the node agent and the control plane's
// calls to agents, instances and the gateway. No proxies from the environment are used.
#pragma once
#include <boost/json.hpp>
#include <stdexcept>
#include <string>

namespace herd::grid {

struct HttpResult {
  long status = 0;
  std::string body;
  // The body as JSON (null when it is not JSON).
  boost::json::value json() const;
  // The {"error": ...} message of an error body, or the body itself.
  std::string error_message() const;
};

// Connection failures (refused, timed out, DNS) throw.
class HttpUnreachable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpOptions {
  std::string bearer;       // Authorization: Bearer ...
  std::string host_header;  // overrides Host
  long timeout_ms = 10000;
};

HttpResult http_request(const std::string& method, const std::string& url,
                        const std::string& json_body = "", const HttpOptions& options = {});

}  // namespace herd::grid
