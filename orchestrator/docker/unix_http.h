// HTTP/1.1 over a unix socket (the Docker engine's), on libcurl easy
// handles whose connections are kept open and reused from request to
// request. Callers on several threads each get a handle of their own (idle
// ones are reused), so requests of one client can run at once.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

typedef void CURL;

namespace latlab::docker {

struct HttpResponse {
  long status = 0;
  std::string reason;  // "Conflict" (from the status line)
  std::string body;    // the whole body (with a sink: only when the status is not 2xx)
};

struct HttpRequest {
  std::string method = "GET";
  std::string target;  // "/v1.41/containers/json?all=1" (already escaped)
  std::string body;
  std::string content_type = "application/json";
  std::chrono::seconds timeout{60};  // 0 = none
  // With a sink, a 2xx body goes there piece by piece as it arrives; a false
  // return aborts the transfer.
  std::function<bool(std::string_view)> sink;
  // Asked about once a second while a transfer is idle; false aborts it.
  std::function<bool()> keep_going;
};

class UnixHttpClient {
 public:
  explicit UnixHttpClient(std::string socket_path);
  ~UnixHttpClient();
  UnixHttpClient(const UnixHttpClient&) = delete;
  UnixHttpClient& operator=(const UnixHttpClient&) = delete;

  const std::string& socket_path() const { return socket_path_; }

  // Any HTTP status is a response; only a transport failure is an error:
  // "the Docker engine did not answer at /var/run/docker.sock: connect: No such
  // file or directory" (ECONNREFUSED, exit code 3), or "...: aborted" when a
  // sink or keep_going stopped it (ECANCELED).
  Result<HttpResponse> perform(const HttpRequest& req);

 private:
  std::string socket_path_;
  std::vector<CURL*> idle_;  // handles not in use, each with its open connection
  std::mutex mu_;
};

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_escape(std::string_view s);

}  // namespace latlab::docker
