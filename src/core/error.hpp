// Typed errors a service raises for expected failures. The HTTP layer maps each kind to a status
// code and a JSON body {"error": message}; internal details never reach a client.
#pragma once
#include <stdexcept>
#include <string>

namespace herd {

enum class ErrorKind {
  bad_request,    // 400: malformed input (JSON, form, parameters)
  unauthorized,   // 401: missing or invalid credentials
  forbidden,      // 403: valid credentials without the needed scope or right
  not_found,      // 404: unknown, or not visible to the viewer
  conflict,       // 409
  too_large,      // 413
  validation,     // 422: well-formed but refused (with a human message)
  rate_limited,   // 429
  unavailable,    // 503
};

class ApiError : public std::runtime_error {
 public:
  ApiError(ErrorKind kind, std::string message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }
  int status() const;  // the HTTP status code for kind()

 private:
  ErrorKind kind_;
};

[[noreturn]] inline void fail(ErrorKind kind, std::string message) {
  throw ApiError(kind, std::move(message));
}
[[noreturn]] inline void not_found(std::string what = "Record not found") {
  throw ApiError(ErrorKind::not_found, std::move(what));
}

inline int ApiError::status() const {
  switch (kind_) {
    case ErrorKind::bad_request: return 400;
    case ErrorKind::unauthorized: return 401;
    case ErrorKind::forbidden: return 403;
    case ErrorKind::not_found: return 404;
    case ErrorKind::conflict: return 409;
    case ErrorKind::too_large: return 413;
    case ErrorKind::validation: return 422;
    case ErrorKind::rate_limited: return 429;
    case ErrorKind::unavailable: return 503;
  }
  return 500;
}

}  // namespace herd
