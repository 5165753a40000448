// What a probe kind provides to the probe engine: a socket to wait on, a way
// to send request `seq`, and a reader that turns whatever arrived into TX
// stamps, replies and foreign packets.
#pragma once

#include <poll.h>

#include <cstdint>

#include "core/socket_report.h"

namespace latlab::agent {

struct ReplyEvent {
  std::uint64_t seq = 0;
  std::int64_t t_recv_kernel_realtime_ns;  // kNoTime when absent
  std::int64_t t_recv_user_ns = 0;         // CLOCK_MONOTONIC
  std::int64_t peer_proc_ns;               // kNoTime when absent
  int ttl = -1;
};

class ProbeSink {
 public:
  virtual ~ProbeSink() = default;
  virtual void tx_stamp(std::uint64_t seq, std::int64_t realtime_ns) = 0;
  virtual void reply(const ReplyEvent& event) = 0;
  virtual void foreign() = 0;
  [[nodiscard]] virtual std::uint64_t next_seq() const = 0;
};

class ProbeTransport {
 public:
  virtual ~ProbeTransport() = default;
  [[nodiscard]] virtual int fd() const = 0;
  // Sends request `seq`; t_send_user_ns is read right before the send call.
  // Returns 0 or the errno of the failed send.
  virtual int send_request(std::uint64_t seq, std::int64_t& t_send_user_ns) = 0;
  // Reads what poll() reported (revents) and reports it to `sink`.
  virtual void handle_input(short revents, ProbeSink& sink) = 0;
  [[nodiscard]] virtual std::uint32_t request_bytes() const = 0;
  [[nodiscard]] virtual bool tx_stamps() const = 0;
  // Back-to-back mode: wait in recvmsg itself (fewer system calls than
  // ppoll + recvmsg) for at most `max_wait_ns` (rounded to the socket's
  // receive timeout, set once). Returns false if the transport cannot.
  virtual bool blocking_receive(ProbeSink& /*sink*/, std::int64_t /*max_wait_ns*/) { return false; }
  // Reads every TX stamp queued so far and reports it (sink.tx_stamp). The
  // engine calls this once per batch of replies, not once per reply: a probe
  // back to back then makes two system calls per sample, as ping and sockperf do.
  virtual void drain_tx_stamps(ProbeSink& sink) = 0;
};

}  // namespace latlab::agent
