// Shared assertions on an agent run's JSON lines.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "agent_process.h"

namespace latlab::test {

// Exit 0, one header and one summary, and exactly `count` requests all answered.
inline void expect_all_answered(const AgentResult& r, std::uint64_t count) {
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text << r.stdout_text;
  const auto header = r.first("header");
  const auto summary = r.first("summary");
  ASSERT_FALSE(header.is_null()) << r.stdout_text;
  ASSERT_FALSE(summary.is_null()) << r.stdout_text;
  EXPECT_EQ(summary["sent"].get<std::uint64_t>(), count);
  EXPECT_EQ(summary["received"].get<std::uint64_t>(), count);
  EXPECT_EQ(summary["lost"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(r.all("sample").size(), count);
}

// Every answered sample has all four stamps, and on the one clock they are
// ordered: user send <= kernel TX <= kernel RX <= user receive (allowing the
// header's offset uncertainty for the mapped kernel stamps).
inline void expect_ordered_timestamps(const AgentResult& r, bool expect_peer_proc) {
  const auto header = r.first("header");
  ASSERT_FALSE(header.is_null());
  const std::int64_t slack = header["clock"]["offset_uncertainty_ns"].get<std::int64_t>();
  std::size_t checked = 0;
  for (const auto& s : r.all("sample")) {
    if (s["status"] != "ok") continue;
    SCOPED_TRACE(s.dump());
    ASSERT_TRUE(s["t_send_kernel_ns"].is_number());
    ASSERT_TRUE(s["t_recv_kernel_ns"].is_number());
    const auto us = s["t_send_user_ns"].get<std::int64_t>();
    const auto ks = s["t_send_kernel_ns"].get<std::int64_t>();
    const auto kr = s["t_recv_kernel_ns"].get<std::int64_t>();
    const auto ur = s["t_recv_user_ns"].get<std::int64_t>();
    EXPECT_LE(us, ks + slack);
    EXPECT_LT(ks, kr);
    EXPECT_LE(kr, ur + slack);
    EXPECT_EQ(s["rtt_user_ns"].get<std::int64_t>(), ur - us);
    EXPECT_EQ(s["rtt_kernel_ns"].get<std::int64_t>(), kr - ks);
    if (expect_peer_proc) {
      ASSERT_TRUE(s["peer_proc_ns"].is_number());
      EXPECT_GE(s["peer_proc_ns"].get<std::int64_t>(), 0);
      EXPECT_LT(s["peer_proc_ns"].get<std::int64_t>(), kr - ks);  // the peer's time is inside the round trip
    } else {
      EXPECT_TRUE(s["peer_proc_ns"].is_null());
    }
    ++checked;
  }
  EXPECT_GT(checked, 0u);
}

}  // namespace latlab::test
