// The pieces that let the probe engine read TX stamps once per batch: the
// OPT_ID key map and the samples held until their stamps are in.
#include <gtest/gtest.h>

#include <vector>

#include "core/pending_samples.h"
#include "core/tx_stamp_queue.h"

namespace latlab::agent {
namespace {

Sample answered(std::uint64_t seq) {
  Sample s;
  s.seq = seq;
  s.status = SampleStatus::ok;
  s.t_send_user_ns = 100 * static_cast<std::int64_t>(seq);
  return s;
}

TEST(PendingSamples, StampsReachTheHeldSampleAndReleaseKeepsReplyOrder) {
  PendingSamples pending;
  EXPECT_TRUE(pending.empty());
  pending.add(answered(7));
  pending.add(answered(5));  // replies need not come in seq order
  pending.add(answered(6));
  EXPECT_TRUE(pending.set_tx_stamp(5, 505));
  EXPECT_TRUE(pending.set_tx_stamp(7, 707));
  EXPECT_FALSE(pending.set_tx_stamp(8, 808));  // not held: the caller gives it to the tracker
  std::vector<Sample> out;
  pending.release([&](const Sample& s) { out.push_back(s); });
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].seq, 7u);
  EXPECT_EQ(out[0].t_send_kernel_ns, 707);
  EXPECT_EQ(out[1].seq, 5u);
  EXPECT_EQ(out[1].t_send_kernel_ns, 505);
  EXPECT_EQ(out[2].seq, 6u);
  EXPECT_EQ(out[2].t_send_kernel_ns, kNoTime);  // its stamp never came: reported as missing, not invented
  EXPECT_TRUE(pending.empty());
  EXPECT_FALSE(pending.set_tx_stamp(5, 1));  // released samples are gone
}

TEST(PendingSamples, FullAtCapacity) {
  PendingSamples pending;
  for (std::size_t i = 0; i + 1 < PendingSamples::kCapacity; ++i) pending.add(answered(i));
  EXPECT_FALSE(pending.full());
  pending.add(answered(PendingSamples::kCapacity));
  EXPECT_TRUE(pending.full());
  EXPECT_EQ(pending.size(), PendingSamples::kCapacity);
}

TEST(TxKeyMap, KeysCountSuccessfulSendsAndOldKeysExpire) {
  TxKeyMap keys;
  std::uint64_t seq = 0;
  EXPECT_FALSE(keys.lookup(0, seq));  // nothing sent yet
  keys.on_sent(10);                   // key 0
  keys.on_sent(12);                   // key 1: seq 11's send failed and got no key
  ASSERT_TRUE(keys.lookup(0, seq));
  EXPECT_EQ(seq, 10u);
  ASSERT_TRUE(keys.lookup(1, seq));
  EXPECT_EQ(seq, 12u);
  EXPECT_FALSE(keys.lookup(2, seq));  // not sent yet
  for (std::uint64_t s = 13; s < 13 + 5000; ++s) keys.on_sent(s);
  EXPECT_FALSE(keys.lookup(0, seq));  // its slot was reused long ago
  ASSERT_TRUE(keys.lookup(5001, seq));
  EXPECT_EQ(seq, 13u + 4999u);
}

}  // namespace
}  // namespace latlab::agent
