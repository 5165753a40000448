// FlameGraph folding of recorded `perf script` output (tests/data/perf).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "run/perf_fold.h"

using namespace latlab::run;

namespace {

std::string data_path(const std::string& name) { return std::string(LATLAB_SOURCE_DIR) + "/tests/data/perf/" + name; }

PerfFolder fold_file(const std::string& name) {
  std::ifstream in(data_path(name));
  EXPECT_TRUE(in) << data_path(name);
  PerfFolder f;
  std::string line;
  while (std::getline(in, line)) f.feed_line(line);
  f.finish();
  return f;
}

std::string folded_text(const PerfFolder& f) {
  std::string out;
  for (const auto& s : f.stacks()) out += s.stack + " " + std::to_string(s.weight) + "\n";
  return out;
}

std::string read_all(const std::string& name) {
  std::ifstream in(data_path(name));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST(PerfFold, LoopbackPingMatchesTheExpectedFoldedStacks) {
  auto f = fold_file("ping_loopback.txt");
  EXPECT_EQ(folded_text(f), read_all("ping_loopback.folded"));
  EXPECT_EQ(f.samples(), 6);
  EXPECT_EQ(f.total_weight(), 6 * 200040);
  EXPECT_EQ(f.lost(), 0);
  EXPECT_EQ(f.unrecognized_lines(), 0);
}

TEST(PerfFold, SeveralProcessesMatchTheExpectedFoldedStacks) {
  auto f = fold_file("ping_ls_awk.txt");
  EXPECT_EQ(folded_text(f), read_all("ping_ls_awk.folded"));
  EXPECT_EQ(f.samples(), 40);
  EXPECT_EQ(f.total_weight(), 40 * 200040);
  EXPECT_EQ(f.samples_without_period(), 0);
  EXPECT_EQ(f.unique_stacks(), 35u);
}

TEST(PerfFold, SumsIdenticalStacksByPeriod) {
  // From ping_ls_awk.txt: two samples of ls whose only frame is an unknown
  // address inside /usr/bin/ls fold into one stack of twice the period.
  auto f = fold_file("ping_ls_awk.txt");
  bool found = false;
  for (const auto& s : f.stacks())
    if (s.stack == "ls;[ls]") {
      found = true;
      EXPECT_EQ(s.weight, 2 * 200040);
    }
  EXPECT_TRUE(found);
}

TEST(PerfFold, FramesUnknownKernelAndOffsets) {
  EXPECT_EQ(fold_frame("\tffffffff81e8bdac skb_push ([kernel.kallsyms])"), "skb_push_[k]");
  EXPECT_EQ(fold_frame("\t           14eca [unknown] (/usr/bin/ls)"), "[ls]");
  EXPECT_EQ(fold_frame("\t    7f488e5338a8 [unknown] ([unknown])"), "[unknown]");
  EXPECT_EQ(fold_frame("\t             af1 __vdso_clock_gettime ([vdso])"), "__vdso_clock_gettime");
  EXPECT_EQ(fold_frame("\t7d8 ipv4_conntrack_local+0x7f8f80b8 ([nf_conntrack_ipv4])"), "ipv4_conntrack_local_[k]");
  EXPECT_EQ(fold_frame("\t8c3453 tcp_sendmsg (/lib/modules/4.3.0/build/vmlinux)"), "tcp_sendmsg_[k]");
  EXPECT_EQ(fold_frame("\t4a1b2c std::vector<int>::push_back(int const&) (/usr/bin/app)"),
            "std::vector<int>::push_back");
  EXPECT_EQ(fold_frame("\t4a1b2c (anonymous namespace)::f(int) (/usr/bin/app)"), "(anonymous namespace)::f");
  EXPECT_EQ(fold_frame("\t4a1b2c net/http.(*Client).Do (/usr/bin/goapp)"), "net/http.(*Client).Do");
  EXPECT_EQ(fold_frame("not a frame"), "");
}

TEST(PerfFold, HeaderWithoutPeriodCountsOneAndCommWithSpaces) {
  PerfFolder f;
  for (const char* l : {"V8 WorkerThread 24636/25607 [000] 94564.109216: cpu-clock: ",
                        "\tffffffff81e8bdac skb_push ([kernel.kallsyms])", "\t10acb3 __libc_sendto (/usr/lib/libc.so.6)",
                        "", "ping 20823/20823     200040 ", "\t10acb3 __libc_sendto (/usr/lib/libc.so.6)", ""})
    f.feed_line(l);
  f.finish();
  auto s = f.stacks();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].stack, "V8_WorkerThread;__libc_sendto;skb_push_[k]");
  EXPECT_EQ(s[0].weight, 1);
  EXPECT_EQ(s[1].stack, "ping;__libc_sendto");
  EXPECT_EQ(s[1].weight, 200040);
  EXPECT_EQ(f.samples_without_period(), 1);
}

TEST(PerfFold, CountsLostEventsAndEndsTheLastSampleWithoutBlankLine) {
  PerfFolder f;
  f.feed_line("ping 1/1 0 [000] 1.000000: PERF_RECORD_LOST lost 12");
  f.feed_line("ping 1/1 0 [000] 1.000000: PERF_RECORD_LOST_SAMPLES lost 3");
  f.feed_line("ping 1/1     100 ");
  f.feed_line("\tffffffff81e8bdac skb_push ([kernel.kallsyms])");
  f.finish();
  EXPECT_EQ(f.lost(), 15);
  EXPECT_EQ(f.samples(), 1);
  EXPECT_EQ(f.total_weight(), 100);
}
