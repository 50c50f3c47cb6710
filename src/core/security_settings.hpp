// Settings of the admin's blocks and the connection caps. They are read, validated and documented
// (`herd serve --help`) with every other setting by load_config() (core/config.hpp), which
// records them here for the process; defaults until then. Kept apart from Config so that adding
// one does not rebuild every file that includes app.hpp.
#pragma once

namespace herd {

struct SecuritySettings {
  bool limited_federation_mode = false;  // LIMITED_FEDERATION_MODE: only allowed domains federate
  bool email_dns_check = false;          // HERD_EMAIL_DNS_CHECK: MX records checked at sign-up
  bool trendable_by_default = false;     // HERD_TRENDABLE_BY_DEFAULT: trends without review
  int max_connections_per_ip = 512;      // HERD_MAX_CONNECTIONS_PER_IP (0: no cap)
  int max_streams_per_account = 64;      // HERD_MAX_STREAMS_PER_ACCOUNT (0: no cap)
};

const SecuritySettings& security_settings();
void set_security_settings(const SecuritySettings& settings);

}  // namespace herd
