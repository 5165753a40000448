#include "docker/unix_http.h"

#include <curl/curl.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>

namespace latlab::docker {

namespace {

// libcurl's global state, set up once before the first handle (thread-safe
// since 7.84 when curl_version_info says CURL_VERSION_THREADSAFE; the static
// initialiser runs once in any case).
void global_init() {
  static const bool done = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)done;
}

struct Transfer {
  const HttpRequest* req = nullptr;
  HttpResponse* resp = nullptr;
  CURL* curl = nullptr;
  bool aborted = false;
  bool status_known = false;
  bool to_sink = false;
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  // "HTTP/1.1 409 Conflict\r\n": the reason of the last status line (after a
  // 100 Continue, the final one).
  if (line.rfind("HTTP/", 0) == 0) {
    const size_t sp1 = line.find(' ');
    const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    std::string reason;
    if (sp2 != std::string_view::npos) reason = std::string(line.substr(sp2 + 1));
    while (!reason.empty() && (reason.back() == '\r' || reason.back() == '\n')) reason.pop_back();
    t->resp->reason = std::move(reason);
  }
  return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  if (!t->status_known) {
    curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->resp->status);
    t->status_known = true;
    t->to_sink = t->req->sink && t->resp->status >= 200 && t->resp->status < 300;
  }
  if (t->to_sink) {
    if (!t->req->sink(std::string_view(data, len))) {
      t->aborted = true;
      return 0;  // CURLE_WRITE_ERROR
    }
    return len;
  }
  t->resp->body.append(data, len);
  return len;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->req->keep_going && !t->req->keep_going()) {
    t->aborted = true;
    return 1;  // CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

}  // namespace

std::string url_escape(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

UnixHttpClient::UnixHttpClient(std::string socket_path) : socket_path_(std::move(socket_path)) {
  global_init();
}

UnixHttpClient::~UnixHttpClient() {
  for (CURL* c : idle_) curl_easy_cleanup(c);
}

Result<HttpResponse> UnixHttpClient::perform(const HttpRequest& req) {
  const std::string where = "the Docker engine did not answer at " + socket_path_;
  CURL* c = nullptr;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      c = idle_.back();
      idle_.pop_back();
    }
  }
  if (c == nullptr) c = curl_easy_init();
  if (c == nullptr) return Error(where + ": curl_easy_init failed", ENOMEM, ExitCode::environment);
  // Back to the idle ones whatever happens.
  struct Lease {
    UnixHttpClient* self;
    CURL* c;
    ~Lease() {
      std::lock_guard lock(self->mu_);
      self->idle_.push_back(c);
    }
  } lease{this, c};
  HttpResponse resp;
  Transfer t{&req, &resp, c};
  char errbuf[CURL_ERROR_SIZE] = {};
  const std::string url = "http://localhost" + req.target;

  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip for large bodies
  std::string ctype = "Content-Type: " + req.content_type;
  if (req.method != "GET" && req.method != "DELETE") headers = curl_slist_append(headers, ctype.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> own_headers(headers, curl_slist_free_all);

  curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socket_path_.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, req.keep_going ? 0L : 1L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(req.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  if (req.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, nullptr);
  } else if (req.method == "DELETE") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
  } else {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method == "POST" ? nullptr : req.method.c_str());
  }

  const CURLcode rc = curl_easy_perform(c);
  // The handle outlives this call: nothing of it may point at our locals.
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, nullptr);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, nullptr);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, nullptr);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, nullptr);

  if (rc != CURLE_OK) {
    if (t.aborted) return Error(where + ": aborted", ECANCELED);
    std::string detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    long os_errno = 0;
    curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
    if (rc == CURLE_COULDNT_CONNECT && os_errno != 0) detail = std::string("connect: ") + std::strerror(static_cast<int>(os_errno));
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      return Error(where + " within " + std::to_string(req.timeout.count()) + " s: " + detail, ETIMEDOUT,
                   ExitCode::environment);
    }
    return Error(where + ": " + detail, ECONNREFUSED, ExitCode::environment);
  }
  if (!t.status_known) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

}  // namespace latlab::docker
