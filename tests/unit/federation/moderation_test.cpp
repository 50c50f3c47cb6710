// Flag and the account-migration properties as herd publishes and reads them.
#include "federation/moderation.hpp"

#include <gtest/gtest.h>

#include "app.hpp"
#include "federation/serialize.hpp"

namespace json = boost::json;
using namespace herd;
using namespace herd::federation;

TEST(FederationModeration, FlagIsFromTheInstanceActor) {
  App app;
  app.config.local_domain = "a.example";
  app.config.local_https = true;
  app.set_base_url();
  store::Report report;
  report.id = 7;
  report.comment = "spam";
  report.uri = "https://a.example/reports/7";
  json::object flag = flag_activity(app, report, "https://b.example/users/bob",
                                    {"https://b.example/users/bob/statuses/1"});
  EXPECT_EQ(flag.at("type"), "Flag");
  EXPECT_EQ(flag.at("id"), "https://a.example/reports/7");
  EXPECT_EQ(flag.at("actor"), "https://a.example/actor");
  EXPECT_EQ(flag.at("content"), "spam");
  EXPECT_EQ(flag.at("object"),
            (json::array{"https://b.example/users/bob", "https://b.example/users/bob/statuses/1"}));
}

TEST(FederationModeration, MigrationProperties) {
  json::object actor;
  add_migration_properties(actor, {}, "");
  EXPECT_FALSE(actor.contains("alsoKnownAs"));
  EXPECT_FALSE(actor.contains("movedTo"));
  add_migration_properties(actor, {"https://b.example/users/old"}, "https://c.example/users/new");
  EXPECT_EQ(actor.at("alsoKnownAs"), json::array{"https://b.example/users/old"});
  EXPECT_EQ(actor.at("movedTo"), "https://c.example/users/new");
  // Read back as a remote actor's list (a single string is a list of one).
  EXPECT_EQ(also_known_as_of(actor), std::vector<std::string>{"https://b.example/users/old"});
  json::object single{{"alsoKnownAs", "https://x.example/u"}};
  EXPECT_EQ(also_known_as_of(single), std::vector<std::string>{"https://x.example/u"});
}
