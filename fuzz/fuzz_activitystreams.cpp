// ActivityStreams documents as a remote server sends them to the inbox or answers a fetch
// (federation/activitystreams.hpp, federation/actor_document.hpp): an activity with its embedded
// object (read as a post when it is one), an actor (the account and keys it describes), a
// collection or page (its items, first and next). Every reader the inbox uses runs on every
// object found, nested objects included (to a bounded depth).
#include <boost/json.hpp>

#include "federation/activitystreams.hpp"
#include "federation/actor_document.hpp"
#include "fuzz_input.hpp"

namespace {

namespace as = herd::federation::as;
namespace json = boost::json;

void read_object(const json::object& object, int depth) {
  using namespace herd;
  (void)as::type_of(object);
  (void)as::id_of(object);
  (void)as::host_of(as::id_of(object));
  (void)as::first_id(object, "actor");
  auto to = as::ids(object, "to");
  auto cc = as::ids(object, "cc");
  (void)as::visibility(to, cc, as::first_id(object, "followers"));
  (void)as::string_of(object, "name");
  (void)as::bool_of(object, "sensitive");
  (void)as::int_of(object, "totalItems");
  (void)as::time_of(object, "published");
  (void)as::natural_text(object, "content");
  (void)as::parse_emojis(object);
  if (auto post = as::parse_post(object)) fuzz::require(!post->id.empty(), "a post has an id");
  if (auto account = federation::account_from_actor_document("https://example.com", object)) {
    fuzz::require(!account->username.empty() && !account->domain.empty(),
                  "an actor gives a username and a domain");
    fuzz::require(!federation::is_local_uri("https://example.com", account->uri),
                  "a remote document never claims a local account");
  }
  (void)federation::keys_in_document(object);
  for (const char* name : {"orderedItems", "items"})
    for (const json::value* item : as::values(object, name)) (void)as::id_of(*item);
  if (depth >= 4) return;
  for (const char* name : {"object", "first", "next", "orderedItems", "items", "replies", "tag"})
    for (const json::value* value : as::values(object, name))
      if (value->is_object()) read_object(value->get_object(), depth + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code ec;
  json::value value = json::parse(herd::fuzz::as_text(data, size), ec);  // as the inbox does
  if (ec || !value.is_object()) return 0;
  read_object(value.get_object(), 0);
  return 0;
}
