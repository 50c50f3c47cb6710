// `herd admin mail ...` and `herd admin accounts reset-password`:
//   herd admin mail test ADDRESS         sends a test message now (not queued) and prints the SMTP
//                                        conversation and its outcome; exit 1 when not accepted
//   herd admin mail status               queued messages (attempts, next try, last error) and the
//                                        latest undeliverable ones (mail_failures)
//   herd admin accounts reset-password NAME   a new random password, printed once (the user is
//                                        told by mail that the password changed)
#pragma once
#include <string>

#include "app.hpp"

namespace herd::admin {

// Each returns the process exit code.
int mail_test_command(App& app, const std::string& address);
int mail_status_command(App& app);
int reset_password_command(App& app, const std::string& username);

}  // namespace herd::admin
