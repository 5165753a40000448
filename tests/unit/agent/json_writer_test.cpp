#include "core/json_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "core/report.h"
#include "core/sample.h"

namespace latlab::agent {
namespace {

TEST(JsonLineWriter, ObjectsArraysAndCommas) {
  JsonLineWriter w(-1);
  w.begin_object().field("type", "x").field_i64("n", -5).field_u64("u", 18446744073709551615ull);
  w.key("nested").begin_object().field_bool("t", true).key("z").null().end_object();
  w.key("list").begin_array().i64(1).i64(2).begin_object().end_object().end_array();
  w.field_time("t1", kNoTime).field_time("t2", 42);
  w.end_object();
  w.end_line();
  EXPECT_EQ(w.take(),
            R"({"type":"x","n":-5,"u":18446744073709551615,"nested":{"t":true,"z":null},"list":[1,2,{}],"t1":null,"t2":42})"
            "\n");
}

TEST(JsonLineWriter, EscapesStrings) {
  JsonLineWriter w(-1);
  static constexpr char kText[] = "quote\" back\\ nl\n tab\t cr\r bell\x07 nul\0 del\x7f utf8 \xc3\xa9";
  w.begin_object().field("m", std::string_view(kText, sizeof(kText) - 1)).end_object();
  w.end_line();
  EXPECT_EQ(w.take(),
            "{\"m\":\"quote\\\" back\\\\ nl\\n tab\\t cr\\r bell\\u0007 nul\\u0000 del\\u007f utf8 \xc3\xa9\"}\n");
}

TEST(JsonLineWriter, LinesAreIndependent) {
  JsonLineWriter w(-1);
  w.begin_object().field_i64("a", 1).end_object();
  w.end_line();
  w.begin_object().field_i64("b", 2).end_object();
  w.end_line();
  EXPECT_EQ(w.take(), "{\"a\":1}\n{\"b\":2}\n");
}

TEST(JsonLineWriter, FlushesToFileDescriptor) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  {
    JsonLineWriter w(fds[1], 64);
    for (int i = 0; i < 10; ++i) {
      w.begin_object().field_i64("i", i).end_object();
      w.end_line();
    }
    EXPECT_LT(w.buffered_size(), 64u + 16u);  // flushed along the way
    ASSERT_TRUE(w.flush());
    EXPECT_EQ(w.buffered_size(), 0u);
  }
  close(fds[1]);
  std::string all;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) all.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  EXPECT_EQ(all.substr(0, 16), "{\"i\":0}\n{\"i\":1}\n");
  EXPECT_EQ(all.size(), 10u * 8u);
}

TEST(Report, SampleLineContract) {
  JsonLineWriter w(-1);
  Sample s;
  s.seq = 3;
  s.status = SampleStatus::ok;
  s.t_send_user_ns = 100;
  s.t_send_kernel_ns = 110;
  s.t_recv_kernel_ns = 190;
  s.t_recv_user_ns = 200;
  s.peer_proc_ns = 20;
  s.bytes = 64;
  s.ttl = 64;
  write_sample(w, s);
  EXPECT_EQ(w.take(),
            R"({"type":"sample","seq":3,"warmup":false,"status":"ok","t_send_user_ns":100,"t_send_kernel_ns":110,)"
            R"("t_recv_kernel_ns":190,"t_recv_user_ns":200,"rtt_user_ns":100,"rtt_kernel_ns":80,"peer_proc_ns":20,)"
            R"("bytes":64,"ttl":64})"
            "\n");
  Sample lost;
  lost.seq = 4;
  lost.t_send_user_ns = 300;
  lost.bytes = 64;
  write_sample(w, lost);
  EXPECT_EQ(w.take(),
            R"({"type":"sample","seq":4,"warmup":false,"status":"lost","t_send_user_ns":300,"t_send_kernel_ns":null,)"
            R"("t_recv_kernel_ns":null,"t_recv_user_ns":null,"rtt_user_ns":null,"rtt_kernel_ns":null,)"
            R"("peer_proc_ns":null,"bytes":64,"ttl":null})"
            "\n");
}

TEST(Report, ErrorLine) {
  JsonLineWriter w(-1);
  write_error(w, "network namespace /run/netns/\"x\" does not exist");
  EXPECT_EQ(w.take(), "{\"type\":\"error\",\"message\":\"network namespace /run/netns/\\\"x\\\" does not exist\"}\n");
}

}  // namespace
}  // namespace latlab::agent
