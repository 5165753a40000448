// Counter file parsers and deltas. Recorded files are from this lab's VM
// (kernel 6.18, tests/data/counters); the older softnet_stat layouts are
// written out from net/core/net-procfs.c of those kernels.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "run/counters_parse.h"

using namespace latlab::run;

namespace {

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(LATLAB_SOURCE_DIR) + "/tests/data/counters/" + name);
  EXPECT_TRUE(in) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::map<std::string, CounterValue> by_name(const std::vector<CounterValue>& v) {
  std::map<std::string, CounterValue> m;
  for (const auto& c : v) m[c.name] = c;
  return m;
}

}  // namespace

TEST(SoftnetStat, FifteenColumnsOfKernel6) {
  auto r = parse_softnet_stat(read_data("softnet_stat_15col.txt"));
  ASSERT_TRUE(r.ok()) << r.error().message();
  auto m = by_name(*r);
  // 2 CPUs x (processed dropped time_squeeze cpu_collision received_rps
  // flow_limit_count backlog_len input_qlen process_qlen)
  EXPECT_EQ(r->size(), 18u);
  EXPECT_EQ(m.at("cpu0.processed").value, 0x013984bb);
  EXPECT_EQ(m.at("cpu0.dropped").value, 0x0007b94e);
  EXPECT_EQ(m.at("cpu1.processed").value, 0x01f531b7);
  EXPECT_EQ(m.at("cpu1.time_squeeze").value, 0x16);
  EXPECT_TRUE(m.at("cpu1.backlog_len").gauge);
  EXPECT_TRUE(m.at("cpu1.process_qlen").gauge);
  EXPECT_FALSE(m.at("cpu1.processed").gauge);
  EXPECT_EQ(m.count("cpu0.cpu"), 0u);
  EXPECT_EQ(m.at("cpu0.processed").source, "softnet");
}

TEST(SoftnetStat, ThirteenColumnsNameCpusByTheirColumn) {
  // 5.10 .. 6.4: ... flow_limit_count backlog_len cpu; CPU 1 offline.
  auto r = parse_softnet_stat(
      "00000010 00000001 00000002 00000000 00000000 00000000 00000000 00000000 00000000 00000003 00000004 00000005 "
      "00000000\n"
      "00000020 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
      "00000002\n");
  ASSERT_TRUE(r.ok()) << r.error().message();
  auto m = by_name(*r);
  EXPECT_EQ(r->size(), 14u);
  EXPECT_EQ(m.at("cpu0.processed").value, 16);
  EXPECT_EQ(m.at("cpu0.received_rps").value, 3);
  EXPECT_EQ(m.at("cpu0.flow_limit_count").value, 4);
  EXPECT_EQ(m.at("cpu0.backlog_len").value, 5);
  EXPECT_EQ(m.at("cpu2.processed").value, 32);
  EXPECT_EQ(m.count("cpu1.processed"), 0u);
}

TEST(SoftnetStat, ElevenAndTenColumnsOfOlderKernels) {
  auto r11 = parse_softnet_stat(
      "0000ffff 00000001 00000002 00000000 00000000 00000000 00000000 00000000 00000007 00000003 00000004\n");
  ASSERT_TRUE(r11.ok()) << r11.error().message();
  auto m = by_name(*r11);
  EXPECT_EQ(r11->size(), 6u);
  EXPECT_EQ(m.at("cpu0.processed").value, 0xffff);
  EXPECT_EQ(m.at("cpu0.cpu_collision").value, 7);
  EXPECT_EQ(m.at("cpu0.flow_limit_count").value, 4);
  auto r10 = parse_softnet_stat(
      "00000001 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000009\n"
      "00000002 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n");
  ASSERT_TRUE(r10.ok());
  auto m10 = by_name(*r10);
  EXPECT_EQ(r10->size(), 10u);
  EXPECT_EQ(m10.at("cpu0.received_rps").value, 9);
  EXPECT_EQ(m10.at("cpu1.processed").value, 2);
}

TEST(SoftnetStat, FutureColumnsAreKeptByIndexAndBadInputIsNamed) {
  std::string line17;
  for (int i = 0; i < 17; ++i) line17 += (i ? " " : "") + std::string("00000001");
  auto r = parse_softnet_stat(line17 + "\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(by_name(*r).count("cpu1.col16"), 1u);  // cpu column = 1

  auto bad = parse_softnet_stat("0000zz01 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
                                "00000000\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(), "softnet_stat line 1 column 1: not a hex number: \"0000zz01\"");
  auto short_line = parse_softnet_stat("00000001 00000002\n");
  ASSERT_FALSE(short_line.ok());
  EXPECT_EQ(short_line.error().message(), "softnet_stat line 1: 2 columns, expected at least 10");
}

TEST(ProcPairs, RecordedSnmpAndNetstatByName) {
  auto snmp = parse_proc_pairs(read_data("snmp.txt"), "snmp");
  ASSERT_TRUE(snmp.ok()) << snmp.error().message();
  auto m = by_name(*snmp);
  EXPECT_EQ(m.at("Ip.Forwarding").value, 1);
  EXPECT_TRUE(m.at("Ip.Forwarding").gauge);
  EXPECT_EQ(m.at("Ip.InReceives").value, 83852);
  EXPECT_EQ(m.at("Icmp.InEchos").value, 51);
  EXPECT_EQ(m.at("Tcp.MaxConn").value, -1);
  EXPECT_TRUE(m.count("Udp.InDatagrams"));
  EXPECT_TRUE(m.count("UdpLite.InDatagrams"));
  EXPECT_EQ(m.at("Udp.InDatagrams").source, "snmp");

  auto ns = parse_proc_pairs(read_data("netstat.txt"), "netstat");
  ASSERT_TRUE(ns.ok()) << ns.error().message();
  auto n = by_name(*ns);
  EXPECT_TRUE(n.count("TcpExt.TCPTimeouts"));
  EXPECT_TRUE(n.count("IpExt.InOctets"));
  EXPECT_FALSE(n.at("TcpExt.TCPTimeouts").gauge);
}

TEST(ProcPairs, MismatchedLinesAreNamed) {
  auto r = parse_proc_pairs("Udp: InDatagrams NoPorts\nUdp: 1\n", "snmp");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "snmp: Udp: 2 names but 1 values");
  auto r2 = parse_proc_pairs("Udp: InDatagrams\nTcp: 1\n", "snmp");
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().message(), "snmp: value line \"Tcp:\" does not follow header \"Udp:\"");
  auto r3 = parse_proc_pairs("Udp: InDatagrams\n", "netstat");
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.error().message(), "netstat: header line \"Udp: InDatagrams\" has no value line");
}

TEST(Softirqs, RecordedNetRxAndNetTxPerCpu) {
  auto r = parse_softirqs(read_data("softirqs.txt"));
  ASSERT_TRUE(r.ok()) << r.error().message();
  auto m = by_name(*r);
  EXPECT_EQ(r->size(), 4u);
  EXPECT_EQ(m.at("NET_TX.cpu0").value, 22131);
  EXPECT_EQ(m.at("NET_TX.cpu1").value, 12702);
  EXPECT_EQ(m.at("NET_RX.cpu0").value, 13106047);
  EXPECT_EQ(m.at("NET_RX.cpu1").value, 17159149);
}

TEST(CounterDeltas, AfterMinusBeforeForCountersOnly) {
  std::vector<latlab::store::CounterRecord> before = {
      {"before", "a", "snmp", "Icmp.InEchos", 10},
      {"before", "a", "qdisc", "eth0.backlog", 300},
      {"before", "host", "softnet", "cpu0.processed", 0xfffffff0},
      {"before", "a", "snmp", "Udp.OnlyBefore", 1},
  };
  std::vector<latlab::store::CounterRecord> after = {
      {"after", "a", "snmp", "Icmp.InEchos", 30},
      {"after", "a", "qdisc", "eth0.backlog", 0},
      {"after", "host", "softnet", "cpu0.processed", 0x10},  // the 32-bit column wrapped
      {"after", "b", "snmp", "Icmp.InEchos", 5},             // another node: no before
  };
  auto d = counter_deltas(before, after, {counter_key("a", "qdisc", "eth0.backlog")});
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].phase, "delta");
  EXPECT_EQ(d[0].node, "a");
  EXPECT_EQ(d[0].name, "Icmp.InEchos");
  EXPECT_EQ(d[0].value, 20);
  EXPECT_EQ(d[1].name, "cpu0.processed");
  EXPECT_EQ(d[1].value, 0x20);
}

TEST(CounterDeltas, RecordsCarryPhaseNodeAndSource) {
  auto recs = counter_records("before", "a", {{"link", "eth0.rx_packets", 7, false}});
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].phase, "before");
  EXPECT_EQ(recs[0].node, "a");
  EXPECT_EQ(recs[0].source, "link");
  EXPECT_EQ(recs[0].name, "eth0.rx_packets");
  EXPECT_EQ(recs[0].value, 7);
}
