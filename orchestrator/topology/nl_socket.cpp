#include "topology/nl_socket.h"

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cstring>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace latlab::topology {

namespace {

// libnl calls this for every NLMSG_ERROR with a non-zero error. The nlmsgerr
// sits in a full netlink message: find the extended-ACK TLVs after it.
int on_error(sockaddr_nl* /*nla*/, nlmsgerr* e, void* arg) {
  auto* st = static_cast<NlSocket::AckState*>(arg);
  st->err = -e->error;
  st->ext_ack.clear();
  auto* nlh = reinterpret_cast<nlmsghdr*>(reinterpret_cast<char*>(e) - NLMSG_HDRLEN);
  if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) != 0) {
    size_t hlen = sizeof(nlmsgerr);
    if ((nlh->nlmsg_flags & NLM_F_CAPPED) == 0) hlen += e->msg.nlmsg_len - NLMSG_HDRLEN;
    size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hlen);
    if (off < nlh->nlmsg_len) {
      auto* head = reinterpret_cast<nlattr*>(reinterpret_cast<char*>(nlh) + off);
      int len = static_cast<int>(nlh->nlmsg_len - off);
      if (nlattr* m = nla_find(head, len, NLMSGERR_ATTR_MSG); m != nullptr) {
        const char* s = static_cast<const char*>(nla_data(m));
        st->ext_ack.assign(s, strnlen(s, static_cast<size_t>(nla_len(m))));
      }
    }
  }
  return NL_STOP;
}

}  // namespace

NlMsg nl_request(int type, int flags) { return NlMsg(nlmsg_alloc_simple(type, flags)); }

Error kernel_error(const std::string& what, int err, const std::string& ext_ack) {
  Error e = Error::from_errno(what, err);
  if (!ext_ack.empty()) {
    return Error(e.message() + ": " + ext_ack, err);
  }
  return e;
}

Result<NlSocket> NlSocket::open() {
  nl_sock* sk = nl_socket_alloc();
  if (sk == nullptr) return Error("allocate netlink socket: out of memory", ENOMEM);
  auto st = std::make_unique<AckState>();
  int rc = nl_connect(sk, NETLINK_ROUTE);
  if (rc < 0) {
    nl_socket_free(sk);
    return Error(std::string("connect netlink socket: ") + nl_geterror(rc));
  }
  int one = 1;
  // Best effort: old kernels lack these options; errors then carry errno only.
  (void)setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
  (void)setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
  nl_socket_set_buffer_size(sk, 1 << 20, 1 << 20);
  nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, on_error, st.get());
  return NlSocket(sk, std::move(st));
}

NlSocket::NlSocket(NlSocket&& o) noexcept : sk_(std::exchange(o.sk_, nullptr)), st_(std::move(o.st_)) {}

NlSocket& NlSocket::operator=(NlSocket&& o) noexcept {
  if (this != &o) {
    if (sk_ != nullptr) nl_socket_free(sk_);
    sk_ = std::exchange(o.sk_, nullptr);
    st_ = std::move(o.st_);
  }
  return *this;
}

NlSocket::~NlSocket() {
  if (sk_ != nullptr) nl_socket_free(sk_);
}

Error NlSocket::error_from(int nl_err, const std::string& what) const {
  if (st_->err != 0) return kernel_error(what, st_->err, st_->ext_ack);
  return Error(what + ": " + nl_geterror(nl_err));
}

Status NlSocket::request(NlMsg msg, const std::string& what) {
  if (!msg) return Error(what + ": out of memory building the netlink request", ENOMEM);
  st_->err = 0;
  st_->ext_ack.clear();
  int rc = nl_send_auto(sk_, msg.get());
  if (rc < 0) return Error(what + ": send netlink request: " + nl_geterror(rc));
  rc = nl_wait_for_ack(sk_);
  if (rc < 0) return error_from(rc, what);
  return Ok{};
}

namespace {
struct DumpCtx {
  const std::function<void(nlmsghdr*)>* on_msg;
};
int on_valid(nl_msg* msg, void* arg) {
  auto* ctx = static_cast<DumpCtx*>(arg);
  (*ctx->on_msg)(nlmsg_hdr(msg));
  return NL_OK;
}
}  // namespace

Status NlSocket::dump(NlMsg msg, const std::function<void(nlmsghdr*)>& on_msg,
                      const std::string& what) {
  if (!msg) return Error(what + ": out of memory building the netlink request", ENOMEM);
  st_->err = 0;
  st_->ext_ack.clear();
  int rc = nl_send_auto(sk_, msg.get());
  if (rc < 0) return Error(what + ": send netlink request: " + nl_geterror(rc));
  nl_cb* base = nl_socket_get_cb(sk_);  // a new reference
  nl_cb* cb = nl_cb_clone(base);
  nl_cb_put(base);
  if (cb == nullptr) return Error(what + ": out of memory", ENOMEM);
  DumpCtx ctx{&on_msg};
  nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &ctx);
  rc = nl_recvmsgs(sk_, cb);
  nl_cb_put(cb);
  if (rc < 0) return error_from(rc, what);
  return Ok{};
}

}  // namespace latlab::topology
