#include "docker/api_call.h"

namespace latlab::docker {

std::string api_target(const std::string& path) { return std::string("/v1.41") + path; }

Error api_error(const std::string& what, const HttpResponse& resp, int conflict_errno) {
  std::string message;
  try {
    const auto j = nlohmann::json::parse(resp.body);
    if (j.is_object() && j.contains("message") && j["message"].is_string()) message = j["message"].get<std::string>();
  } catch (const nlohmann::json::exception&) {
  }
  if (message.empty()) message = resp.body;
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r' || message.back() == ' '))
    message.pop_back();
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';  // one line
  }
  int err = EIO;
  switch (resp.status) {
    case 400: err = EINVAL; break;
    case 403: err = EACCES; break;
    case 404: err = ENOENT; break;
    case 409: err = conflict_errno; break;
    default: break;
  }
  std::string text = "docker: " + what + ": " + std::to_string(resp.status);
  if (!resp.reason.empty()) text += " " + resp.reason;
  if (!message.empty()) text += ": " + message;
  return Error(std::move(text), err);
}

Error transport_error(const std::string& what, Error e) { return e.context("docker: " + what); }

Result<nlohmann::json> parse_body(const std::string& what, const HttpResponse& resp) {
  if (resp.body.empty()) return nlohmann::json();
  try {
    return nlohmann::json::parse(resp.body);
  } catch (const nlohmann::json::exception& ex) {
    return Error("docker: " + what + ": the engine's answer is not JSON: " + ex.what(), EPROTO);
  }
}

Result<nlohmann::json> call_json(UnixHttpClient& http, const std::string& what, const std::string& method,
                                 const std::string& path, const nlohmann::json* body, int conflict_errno) {
  HttpRequest req;
  req.method = method;
  req.target = api_target(path);
  if (body != nullptr) req.body = body->dump();
  auto resp = http.perform(req);
  if (!resp) return transport_error(what, std::move(resp).error());
  if (resp->status < 200 || resp->status >= 300) return api_error(what, *resp, conflict_errno);
  return parse_body(what, *resp);
}

}  // namespace latlab::docker
