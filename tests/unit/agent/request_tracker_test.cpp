#include "core/request_tracker.h"

#include <gtest/gtest.h>

#include <vector>

namespace latlab::agent {
namespace {

constexpr std::int64_t kTimeout = 1000;

struct Harness {
  RequestTracker tracker{16};
  std::vector<Sample> lost;

  std::uint64_t send(std::int64_t t, bool warmup = false) { return tracker.on_sent(warmup, t, t + kTimeout, 64); }
  ReplyOutcome reply(std::uint64_t seq, std::int64_t t, Sample* out = nullptr) {
    Sample s;
    auto outcome = tracker.on_reply(seq, t - 1, t, kNoTime, 64, s);
    // The probe engine completes every sample it reports (received or late).
    if (outcome == ReplyOutcome::received || outcome == ReplyOutcome::late) tracker.complete(s);
    if (out != nullptr) *out = s;
    return outcome;
  }
  void expire(std::int64_t now) {
    tracker.expire(now, [this](const Sample& s) { lost.push_back(s); });
  }
  void expect_invariant() const {
    const Accounting& a = tracker.accounting();
    EXPECT_EQ(a.sent, a.received + a.lost + tracker.outstanding());
    EXPECT_LE(a.late, a.lost);
  }
};

TEST(RequestTracker, AllReceived) {
  Harness h;
  for (int i = 0; i < 5; ++i) h.send(i * 100);
  for (std::uint64_t i = 0; i < 5; ++i) {
    Sample s;
    EXPECT_EQ(h.reply(i, static_cast<std::int64_t>(i) * 100 + 50, &s), ReplyOutcome::received);
    EXPECT_EQ(s.status, SampleStatus::ok);
    EXPECT_EQ(s.rtt_user_ns(), 50);
  }
  h.expire(100000);
  const Accounting& a = h.tracker.accounting();
  EXPECT_EQ(a.sent, 5u);
  EXPECT_EQ(a.received, 5u);
  EXPECT_EQ(a.lost, 0u);
  EXPECT_EQ(h.tracker.rtt_user().mean(), 50);
  h.expect_invariant();
}

TEST(RequestTracker, LossIsTimeoutAndLateStaysLost) {
  Harness h;
  h.send(0);     // seq 0: never answered
  h.send(100);   // seq 1: answered late
  h.send(200);   // seq 2: answered in time
  EXPECT_EQ(h.reply(2, 300), ReplyOutcome::received);
  h.expire(999);
  EXPECT_TRUE(h.lost.empty());  // nothing is lost before its deadline
  h.expire(1100);
  ASSERT_EQ(h.lost.size(), 2u);
  EXPECT_EQ(h.lost[0].seq, 0u);
  EXPECT_EQ(h.lost[1].seq, 1u);
  EXPECT_EQ(h.lost[0].status, SampleStatus::lost);
  Sample late;
  EXPECT_EQ(h.reply(1, 1500, &late), ReplyOutcome::late);
  EXPECT_EQ(late.status, SampleStatus::late);
  EXPECT_EQ(late.rtt_user_ns(), 1400);
  EXPECT_EQ(h.reply(1, 1600), ReplyOutcome::duplicate);  // a late reply twice
  const Accounting& a = h.tracker.accounting();
  EXPECT_EQ(a.sent, 3u);
  EXPECT_EQ(a.received, 1u);
  EXPECT_EQ(a.lost, 2u);
  EXPECT_EQ(a.late, 1u);
  EXPECT_EQ(a.duplicates, 1u);
  EXPECT_EQ(h.tracker.rtt_user().count, 1u);  // late replies do not enter RTT stats
  h.expect_invariant();
}

TEST(RequestTracker, DuplicatesAndReorderingAreCounted) {
  Harness h;
  for (int i = 0; i < 4; ++i) h.send(i);
  EXPECT_EQ(h.reply(0, 10), ReplyOutcome::received);
  EXPECT_EQ(h.reply(2, 11), ReplyOutcome::received);
  EXPECT_EQ(h.reply(1, 12), ReplyOutcome::received);  // older than 2: reordered
  EXPECT_EQ(h.reply(2, 13), ReplyOutcome::duplicate);
  EXPECT_EQ(h.reply(3, 14), ReplyOutcome::received);
  EXPECT_EQ(h.reply(0, 15), ReplyOutcome::duplicate);
  const Accounting& a = h.tracker.accounting();
  EXPECT_EQ(a.received, 4u);
  EXPECT_EQ(a.duplicates, 2u);
  EXPECT_EQ(a.reordered, 1u);
  h.expect_invariant();
}

TEST(RequestTracker, ExactLossUnderPeriodicDrops) {
  // A responder dropping every 3rd request out of 100: 33 lost, 67 received.
  RequestTracker tracker(64);
  std::uint64_t lost = 0;
  for (std::uint64_t i = 0; i < 100; ++i) {
    const std::int64_t t = static_cast<std::int64_t>(i) * 10;
    tracker.expire(t, [&](const Sample&) { ++lost; });
    ASSERT_TRUE(tracker.can_send());
    const std::uint64_t seq = tracker.on_sent(false, t, t + 25, 64);
    if ((seq + 1) % 3 != 0) {
      Sample s;
      EXPECT_EQ(tracker.on_reply(seq, t + 4, t + 5, kNoTime, -1, s), ReplyOutcome::received);
    }
  }
  tracker.expire(1'000'000, [&](const Sample&) { ++lost; });
  EXPECT_EQ(tracker.accounting().sent, 100u);
  EXPECT_EQ(tracker.accounting().received, 67u);
  EXPECT_EQ(tracker.accounting().lost, 33u);
  EXPECT_EQ(lost, 33u);
  EXPECT_EQ(tracker.outstanding(), 0u);
}

TEST(RequestTracker, RingBoundsOutstandingAndStaleReplies) {
  RequestTracker tracker(4);
  EXPECT_EQ(tracker.capacity(), 4u);
  for (int i = 0; i < 4; ++i) tracker.on_sent(false, i, 100 + i, 64);
  EXPECT_FALSE(tracker.can_send());  // seq 4 would overwrite outstanding seq 0
  Sample s;
  EXPECT_EQ(tracker.on_reply(0, 5, 5, kNoTime, -1, s), ReplyOutcome::received);
  EXPECT_TRUE(tracker.can_send());
  tracker.on_sent(false, 6, 106, 64);  // seq 4 reuses slot 0
  EXPECT_EQ(tracker.on_reply(0, 7, 7, kNoTime, -1, s), ReplyOutcome::stale);
  EXPECT_EQ(tracker.on_reply(9, 7, 7, kNoTime, -1, s), ReplyOutcome::stale);  // never sent
  EXPECT_EQ(tracker.accounting().stale, 2u);
  EXPECT_EQ(tracker.accounting().duplicates, 0u);
}

TEST(RequestTracker, WarmupIsFlaggedAndExcludedFromRtt) {
  Harness h;
  h.send(0, true);
  h.send(10, false);
  Sample s;
  h.reply(0, 1000, &s);
  EXPECT_TRUE(s.warmup);
  h.reply(1, 20, &s);
  EXPECT_FALSE(s.warmup);
  EXPECT_EQ(h.tracker.accounting().warmup, 1u);
  EXPECT_EQ(h.tracker.accounting().received, 2u);
  EXPECT_EQ(h.tracker.rtt_user().count, 1u);
  EXPECT_EQ(h.tracker.rtt_user().max, 10);
}

TEST(RequestTracker, TxStampAttachesToOutstandingRequest) {
  Harness h;
  h.send(0);
  h.tracker.on_tx_stamp(0, 3);
  h.tracker.on_tx_stamp(5, 3);  // unknown seq: ignored
  Sample s;
  h.reply(0, 20, &s);
  EXPECT_EQ(s.t_send_kernel_ns, 3);
  EXPECT_EQ(s.t_recv_kernel_ns, 19);
  EXPECT_EQ(s.rtt_kernel_ns(), 16);
}

}  // namespace
}  // namespace latlab::agent
