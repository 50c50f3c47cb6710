#include "grid/validation.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace herd::grid {
namespace {

std::string refusal(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const ApiError& error) {
    EXPECT_EQ(error.status(), 422);
    return error.what();
  }
  return "";
}

DeployRequest good() {
  DeployRequest r;
  r.name = "mytoot";
  r.admin_email = "me@example.com";
  return r;
}

TEST(GridValidation, Names) {
  EXPECT_EQ(refusal([] { validate_name("ab"); }), "");
  EXPECT_EQ(refusal([] { validate_name("a1234567890bcde"); }), "");
  EXPECT_EQ(refusal([] { validate_name("a"); }), "Name must be at least 2 characters.");
  EXPECT_EQ(refusal([] { validate_name("a1234567890bcdef"); }),
            "Name must be at most 15 characters.");
  EXPECT_EQ(refusal([] { validate_name("1abc"); }), "Name must start with a lowercase letter.");
  EXPECT_EQ(refusal([] { validate_name("Abc"); }), "Name must start with a lowercase letter.");
  EXPECT_EQ(refusal([] { validate_name("ab-c"); }),
            "Name can only include lowercase letters and digits.");
  EXPECT_EQ(refusal([] { validate_name("abC"); }),
            "Name can only include lowercase letters and digits.");
  EXPECT_EQ(refusal([] { validate_name(""); }), "Name is required.");
}

TEST(GridValidation, CustomDomains) {
  EXPECT_EQ(validate_custom_domain("Social.Example.ORG", "grid.example"), "social.example.org");
  EXPECT_EQ(validate_custom_domain("a-b.c.io", "grid.example"), "a-b.c.io");
  for (const char* bad : {"localhost", "bad domain.org", "-x.example.org", "x-.example.org",
                          "example.org.", "1.2.3.4", "a..b.org", ""})
    EXPECT_TRUE(refusal([&] {
                  validate_custom_domain(bad, "grid.example");
                }).find("not a valid host name") != std::string::npos)
        << bad;
  EXPECT_TRUE(refusal([&] {
                validate_custom_domain("grid.example", "grid.example");
              }).find("grid's own domain") != std::string::npos);
  EXPECT_TRUE(refusal([&] {
                validate_custom_domain("x.grid.example", "grid.example");
              }).find("grid's own domain") != std::string::npos);
  EXPECT_EQ(validate_custom_domain("xgrid.example", "grid.example"), "xgrid.example");
}

TEST(GridValidation, Packages) {
  EXPECT_EQ(package_resources("minimum", {}, {}, {}), (Resources{1, 2048, 10}));
  EXPECT_EQ(package_resources("standard", {}, {}, {}), (Resources{2, 4096, 50}));
  EXPECT_EQ(package_resources("Recommended", {}, {}, {}), (Resources{4, 4096, 100}));
  EXPECT_EQ(package_resources("custom", 32, 262144, 10000), (Resources{32, 262144, 10000}));
  EXPECT_EQ(package_resources("custom", 1, 256, 1), (Resources{1, 256, 1}));
  EXPECT_EQ(refusal([] { package_resources("custom", 0, 256, 1); }),
            "Minimum allowed cpu is 1 vCores.");
  EXPECT_EQ(refusal([] { package_resources("custom", 33, 256, 1); }),
            "Maximum allowed cpu is 32 vCores.");
  EXPECT_EQ(refusal([] { package_resources("custom", 1, 255, 1); }),
            "Minimum allowed memory is 256 MB.");
  EXPECT_EQ(refusal([] { package_resources("custom", 1, 262145, 1); }),
            "Maximum allowed memory is 262144 MB.");
  EXPECT_EQ(refusal([] { package_resources("custom", 1, 256, 10001); }),
            "Maximum allowed disk is 10000 GB.");
  EXPECT_EQ(refusal([] { package_resources("custom", 1, 256, {}); }),
            "Disk is required for the custom package.");
  EXPECT_NE(refusal([] { package_resources("huge", {}, {}, {}); }), "");
}

TEST(GridValidation, AdminEmailIsRequiredAndChecked) {
  EXPECT_EQ(refusal([] { validate_admin_email(""); }), "Admin email is required.");
  EXPECT_NE(refusal([] { validate_admin_email("not-an-email"); }), "");
  EXPECT_NE(refusal([] { validate_admin_email("a@b"); }), "");
  EXPECT_NE(refusal([] { validate_admin_email("admin@example.com"); }), "");
  EXPECT_EQ(refusal([] { validate_admin_email("first.last+x@mail.example.org"); }), "");
  auto request = good();
  request.admin_email = "";
  EXPECT_EQ(refusal([&] { validate_request(request); }), "Admin email is required.");
}

TEST(GridValidation, AdminUsername) {
  EXPECT_EQ(refusal([] { validate_admin_username("adminuser"); }), "");
  EXPECT_NE(refusal([] { validate_admin_username("abcd"); }), "");
  EXPECT_NE(refusal([] { validate_admin_username("1abcde"); }), "");
  EXPECT_NE(refusal([] { validate_admin_username("ab_cde"); }), "");
  EXPECT_EQ(refusal([] { validate_admin_username("Admin"); }), "The username admin is reserved.");
}

TEST(GridValidation, DefaultsAndGeneratedPassword) {
  auto plan = validate_request(good());
  EXPECT_EQ(plan.request.admin_username, "adminuser");
  EXPECT_EQ(plan.request.package, "minimum");
  EXPECT_EQ(plan.resources, (Resources{1, 2048, 10}));
  EXPECT_GE(plan.request.admin_password.size(), 12u);
  EXPECT_NE(plan.request.admin_password, validate_request(good()).request.admin_password);
  auto given = good();
  given.admin_password = "s3cret-pass";
  EXPECT_EQ(validate_request(given).request.admin_password, "s3cret-pass");
}

TEST(GridValidation, Smtp) {
  SmtpSettings smtp;
  EXPECT_EQ(refusal([&] { validate_smtp(smtp); }), "");  // no mail server is fine
  smtp.host = "smtp.example.com";
  smtp.port = 0;
  EXPECT_EQ(refusal([&] { validate_smtp(smtp); }), "SMTP port must be between 1 and 65535.");
  smtp.port = 65536;
  EXPECT_EQ(refusal([&] { validate_smtp(smtp); }), "SMTP port must be between 1 and 65535.");
  smtp.port = 465;
  smtp.tls = "ssl";
  EXPECT_EQ(refusal([&] { validate_smtp(smtp); }), "SMTP TLS must be starttls, tls or none.");
  smtp.tls = "tls";
  smtp.from_address = "bad";
  EXPECT_NE(refusal([&] { validate_smtp(smtp); }), "");
  smtp.from_address = "Herd <noreply@example.com>";
  EXPECT_NE(refusal([&] { validate_smtp(smtp); }), "");
  smtp.from_address = "noreply@example.com";
  EXPECT_EQ(refusal([&] { validate_smtp(smtp); }), "");
  smtp.host = "bad host";
  EXPECT_NE(refusal([&] { validate_smtp(smtp); }), "");
}

TEST(GridValidation, DomainAndCost) {
  EXPECT_EQ(deployment_domain("mytoot", 42, "gent02.grid.tf"), "mytoot42.gent02.grid.tf");
  Prices prices{0.5, 0.25, 0.01};
  EXPECT_DOUBLE_EQ(hourly_cost({2, 4096, 50}, prices), 1.0 + 1.0 + 0.5);
}

}  // namespace
}  // namespace herd::grid
