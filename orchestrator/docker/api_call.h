// What engine_api.cpp and exec_child.cpp share (internal to latlab_docker):
// paths under /v1.41, the one-line error of a non-2xx answer, JSON bodies.
#pragma once

#include <cerrno>
#include <nlohmann/json.hpp>
#include <string>

#include "docker/unix_http.h"
#include "util/result.h"

namespace latlab::docker {

// "/v1.41" + path (path already escaped where needed).
std::string api_target(const std::string& path);

// "docker: <what>: 409 Conflict: <the engine's message>", with ENOENT for 404,
// conflict_errno for 409 (EEXIST on a create), EINVAL for 400, EACCES for
// 403, EIO otherwise.
Error api_error(const std::string& what, const HttpResponse& resp, int conflict_errno = EBUSY);

// A transport failure, with what was asked in front: "docker: <what>: the Docker engine did not answer ...".
Error transport_error(const std::string& what, Error e);

// The body as JSON; an error naming what when it is not.
Result<nlohmann::json> parse_body(const std::string& what, const HttpResponse& resp);

// One request whose 2xx answer is JSON (or empty: null).
Result<nlohmann::json> call_json(UnixHttpClient& http, const std::string& what, const std::string& method,
                                 const std::string& path, const nlohmann::json* body = nullptr,
                                 int conflict_errno = EBUSY);

// "\"x\"" for messages.
inline std::string q(const std::string& s) { return "\"" + s + "\""; }

}  // namespace latlab::docker
