// The List entity.
#include "api/mastodon/entities.hpp"
#include "store/lists.hpp"

namespace herd::api {

json::object list_json(const store::List& list) {
  return json::object{{"id", std::to_string(list.id)},
                      {"title", list.title},
                      {"replies_policy", list.replies_policy},
                      {"exclusive", list.exclusive}};
}

}  // namespace herd::api
