// A move-only owner of a libnl route socket, with requests that return the
// kernel's own error text: errno plus the extended ACK message
// (NETLINK_EXT_ACK), as iproute2's nl_dump_ext_ack prints it.
#pragma once

#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <functional>
#include <memory>
#include <string>

#include "util/result.h"

namespace latlab::topology {

struct NlMsgDeleter {
  void operator()(nl_msg* m) const { nlmsg_free(m); }
};
using NlMsg = std::unique_ptr<nl_msg, NlMsgDeleter>;

// Allocates a request (NLM_F_REQUEST is added at send time).
NlMsg nl_request(int type, int flags);

class NlSocket {
 public:
  // A NETLINK_ROUTE socket in the calling thread's current network namespace.
  // The socket stays bound to that namespace for its whole life.
  static Result<NlSocket> open();

  NlSocket(NlSocket&&) noexcept;
  NlSocket& operator=(NlSocket&&) noexcept;
  NlSocket(const NlSocket&) = delete;
  NlSocket& operator=(const NlSocket&) = delete;
  ~NlSocket();

  nl_sock* get() const { return sk_; }

  // Sends the request and waits for the kernel's ACK. On failure the error reads
  // "<what>: File exists (EEXIST)" plus ": <extended ack>" when the kernel gave one.
  Status request(NlMsg msg, const std::string& what);

  // Sends a dump request and hands every reply message to on_msg.
  Status dump(NlMsg msg, const std::function<void(nlmsghdr*)>& on_msg, const std::string& what);

  // Turns a libnl return code into an Error, using the last kernel errno/ext ack
  // when the failure came from the kernel.
  Error error_from(int nl_err, const std::string& what) const;

  struct AckState {
    int err = 0;            // positive errno from the kernel's NLMSG_ERROR
    std::string ext_ack;    // NLMSGERR_ATTR_MSG
  };

 private:
  NlSocket(nl_sock* sk, std::unique_ptr<AckState> st) : sk_(sk), st_(std::move(st)) {}
  nl_sock* sk_ = nullptr;
  std::unique_ptr<AckState> st_;  // stable address for libnl's error callback
};

// "File exists (EEXIST)" (+ ": kernel text") for a kernel errno.
Error kernel_error(const std::string& what, int err, const std::string& ext_ack);

}  // namespace latlab::topology
