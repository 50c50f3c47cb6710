#include "admin/mail.hpp"

#include <boost/json.hpp>
#include <iostream>

#include "core/time.hpp"
#include "mail/catalog.hpp"
#include "mail/queue.hpp"
#include "service/credentials.hpp"
#include "store/mail.hpp"

namespace herd::admin {

int mail_test_command(App& app, const std::string& address) {
  if (!app.config.mail_enabled()) {
    std::cerr << "herd admin mail test: SMTP_SERVER is not set: no mail can be sent\n";
    return 1;
  }
  mail::Content content;
  content.subject = mail::subject("test", "en", {{"instance", app.config.instance_title}});
  content.heading = "Test message";
  content.paragraphs = {
      "This message was sent by `herd admin mail test` to check the mail "
      "settings of " +
      app.config.instance_title + ". Nothing else to do."};
  content.action_label = "Open " + app.config.instance_title;
  content.action_url = app.base_url() + "/";
  mail::Message message = mail::compose(app, address, content);
  std::cout << "Sending to " << address << " through " << app.config.smtp_server << ":"
            << app.config.smtp_port << " (" << app.config.smtp_tls << ")\n";
  mail::SmtpOutcome outcome = mail::send_now(app, message);
  std::cout << outcome.transcript;
  if (outcome.sent) {
    std::cout << "OK: the server accepted the message " << message.message_id << "\n";
    return 0;
  }
  std::cout << "FAILED: " << outcome.error
            << (outcome.permanent ? " (permanent)" : " (temporary: worth retrying)") << "\n";
  return 1;
}

int mail_status_command(App& app) {
  app.db->read([&](store::Connection& c) {
    auto queued = store::queued_mail(c, 50);
    std::cout << queued.size() << " queued message(s)" << (queued.size() == 50 ? " (first 50)" : "")
              << "\n";
    for (const auto& q : queued) {
      std::string to = "?", subject = "?";
      try {
        auto o = boost::json::parse(q.payload).as_object();
        to = std::string(o.at("to").as_string());
        subject = std::string(o.at("subject").as_string());
      } catch (const std::exception&) {
      }
      std::cout << "  " << q.id << "\t" << to << "\t\"" << subject << "\"\tattempts " << q.attempts
                << "\tnext " << rfc3339(q.run_at)
                << (q.last_error.empty() ? "" : "\tlast error: " + q.last_error) << "\n";
    }
    auto failures = store::recent_mail_failures(c, 50);
    std::cout << failures.size() << " undeliverable message(s)\n";
    for (const auto& f : failures)
      std::cout << "  " << rfc3339(f.failed_at) << "\t" << f.recipient << "\t\"" << f.subject
                << "\"\tafter " << f.attempts << " attempt(s): " << f.error << "\n";
  });
  return 0;
}

int reset_password_command(App& app, const std::string& username) {
  std::string password = service::admin_reset_password(app, username);
  std::cout << "new password for @" << username << ": " << password << "\n";
  return 0;
}

}  // namespace herd::admin
