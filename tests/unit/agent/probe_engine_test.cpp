// The probe engine against a fake transport: how often it reads the error
// queue, and that batching the reads loses no stamp, not even on a lost
// request. No sockets: the fake answers every request at once and queues its
// TX stamp where only drain_tx_stamps() finds it, as the kernel does.
#include "core/probe_engine.h"

#include <gtest/gtest.h>
#include <time.h>

#include <deque>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "core/clock.h"
#include "core/sample.h"

namespace latlab::agent {
namespace {

class FakeTransport final : public ProbeTransport {
 public:
  explicit FakeTransport(std::uint64_t drop_seq = UINT64_MAX) : drop_seq_(drop_seq) {}

  [[nodiscard]] int fd() const override { return -1; }
  [[nodiscard]] std::uint32_t request_bytes() const override { return 64; }
  [[nodiscard]] bool tx_stamps() const override { return true; }

  int send_request(std::uint64_t seq, std::int64_t& t_send_user_ns) override {
    t_send_user_ns = monotonic_ns();
    stamps_.push_back({seq, realtime_ns()});
    if (seq != drop_seq_) replies_.push_back(seq);
    return 0;
  }
  void handle_input(short /*revents*/, ProbeSink& sink) override {
    if (replies_.empty()) return;
    ReplyEvent e;
    e.seq = replies_.front();
    replies_.pop_front();
    e.t_recv_kernel_realtime_ns = realtime_ns();
    e.t_recv_user_ns = monotonic_ns();
    e.peer_proc_ns = kNoTime;
    sink.reply(e);
  }
  bool blocking_receive(ProbeSink& sink, std::int64_t max_wait_ns) override {
    if (replies_.empty()) {
      timespec ts{0, static_cast<long>(std::min<std::int64_t>(max_wait_ns, 1'000'000))};
      nanosleep(&ts, nullptr);
    }
    handle_input(POLLIN, sink);
    return true;
  }
  void drain_tx_stamps(ProbeSink& sink) override {
    ++drains;
    for (const auto& [seq, t] : stamps_) sink.tx_stamp(seq, t);
    stamps_.clear();
  }

  int drains = 0;

 private:
  std::uint64_t drop_seq_;
  std::deque<std::uint64_t> replies_;
  std::vector<std::pair<std::uint64_t, std::int64_t>> stamps_;
};

std::vector<nlohmann::json> run(FakeTransport& transport, std::uint64_t count, std::int64_t timeout_ns) {
  AgentOptions o;
  o.mode = Mode::udp;
  o.target = *parse_ip("198.18.0.2");
  o.count = count;
  o.interval_ns = 0;
  o.timeout_ns = timeout_ns;
  JsonLineWriter out(-1, 1 << 20);
  run_probe(o, transport, SocketReport{}, out);
  std::vector<nlohmann::json> lines;
  std::istringstream in(out.take());
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(ProbeEngine, BackToBackReadsTheErrorQueueOncePerBatchAndEverySampleKeepsItsStamp) {
  FakeTransport transport;
  const auto lines = run(transport, 1000, 1'000'000'000);
  std::uint64_t samples = 0;
  for (const auto& l : lines) {
    if (l["type"] != "sample") continue;
    SCOPED_TRACE(l.dump());
    EXPECT_EQ(l["seq"], samples);  // written in reply order
    EXPECT_EQ(l["status"], "ok");
    EXPECT_TRUE(l["t_send_kernel_ns"].is_number());
    EXPECT_TRUE(l["rtt_kernel_ns"].is_number());
    ++samples;
  }
  EXPECT_EQ(samples, 1000u);
  EXPECT_EQ(lines.back()["tx_stamps_missing"], 0);
  EXPECT_EQ(lines.back()["rtt_kernel_ns"]["count"], 1000);
  // One read per full batch, plus the last partial one: not one per sample.
  EXPECT_LE(transport.drains, static_cast<int>(1000 / kTxStampBatch + 2));
  EXPECT_GE(transport.drains, static_cast<int>(1000 / kTxStampBatch));
}

TEST(ProbeEngine, ALostRequestIsWrittenWithItsTxStampAfterTheSamplesAnsweredBeforeIt) {
  FakeTransport transport(/*drop_seq=*/5);
  const auto lines = run(transport, 10, 20'000'000);
  std::vector<nlohmann::json> samples;
  for (const auto& l : lines) {
    if (l["type"] == "sample") samples.push_back(l);
  }
  ASSERT_EQ(samples.size(), 10u);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    SCOPED_TRACE(samples[i].dump());
    EXPECT_EQ(samples[i]["seq"], i);
    EXPECT_EQ(samples[i]["status"], i == 5 ? "lost" : "ok");
    EXPECT_TRUE(samples[i]["t_send_kernel_ns"].is_number());
  }
  EXPECT_EQ(lines.back()["lost"], 1);
  EXPECT_EQ(lines.back()["tx_stamps_missing"], 0);
}

}  // namespace
}  // namespace latlab::agent
