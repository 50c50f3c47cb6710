// The deploy form: one server-rendered page with a little vanilla JavaScript (see form_page.cpp).
#include "grid/api.hpp"

namespace herd::grid {

std::string form_page_html();

void add_form_routes(http::Router& router, GridService&) {
  router.get("/", [](http::Request&) { return http::Response::html(form_page_html()); });
}

std::string form_page_html() {
  return "<!doctype html><title>herd grid</title><p>herd grid</p>";
}

}  // namespace herd::grid
