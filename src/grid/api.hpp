// The control plane's HTTP surface: the REST API (JSON; owners authenticate with
// `Authorization: Bearer <owner token>`, node agents with the node token) and the deploy form.
//   GET    /api/grid/v1/packages            packages and prices
//   GET    /api/grid/v1/gateways            gateways
//   GET    /api/grid/v1/farms, /countries   for the capacity filter
//   GET    /api/grid/v1/nodes?farm=&country=&package=&cpu=&memory_mb=&disk_gb=[&all=true]
//                                           suggested nodes (up, enough free), most free first
//   GET    /api/grid/v1/nodes/:id           one node, with a check for a package (?package=...)
//   POST   /api/grid/v1/deployments         deploy (201 with admin_password, shown once)
//   GET    /api/grid/v1/deployments         the owner's deployments
//   GET    /api/grid/v1/deployments/:name   details with live cpu/memory/disk use
//   DELETE /api/grid/v1/deployments/:name   stop, unroute, free capacity
//   POST   /api/grid/v1/agent/register, /api/grid/v1/agent/heartbeat (node token)
//   GET    /                                the deploy form
#pragma once
#include <boost/json.hpp>

#include "grid/service.hpp"
#include "http/router.hpp"

namespace herd::grid {

void add_grid_routes(http::Router& router, GridService& service);
void add_form_routes(http::Router& router, GridService& service);

boost::json::object deployment_json(GridService& service, const Deployment& d);
boost::json::object node_json(const Node& n);

}  // namespace herd::grid
