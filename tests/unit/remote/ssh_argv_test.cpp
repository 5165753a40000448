// The ssh command line: every option, what is left out when not given, the
// control socket's length limit, the words ssh would not take literally, how
// a host is named in errors, and `ssh -O`.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "remote/ssh_argv.h"

namespace latlab::remote {
namespace {

using Argv = std::vector<std::string>;

SshDestination full_destination() {
  return {.host_name = "h1",
          .user = "root",
          .address = "198.18.200.6",
          .port = 2222,
          .identity_file = "/keys/id_ed25519",
          .jump = "hop@198.18.200.10:2200"};
}

SshOptions control_only(const std::string& dir = "/run/latlab/ssh") {
  SshOptions o;
  o.control_dir = dir;
  return o;
}

// Whether argv holds flag immediately followed by value.
bool has_pair(const Argv& argv, const std::string& flag, const std::string& value) {
  for (size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == flag && argv[i + 1] == value) return true;
  return false;
}

bool has_flag(const Argv& argv, const std::string& flag) {
  return std::find(argv.begin(), argv.end(), flag) != argv.end();
}

TEST(SshArgv, WholeCommandLine) {
  SshOptions o = control_only();
  o.known_hosts_file = "/run/latlab/known_hosts";
  auto a = ssh_argv(full_destination(), o, {"echo", "a b", "it's"});
  ASSERT_TRUE(a.ok()) << a.error().message();
  // One option a line.
  // clang-format off
  EXPECT_EQ(*a, (Argv{"ssh",
                      "-o",
                      "BatchMode=yes",
                      "-o",
                      "LogLevel=ERROR",
                      "-o",
                      "ControlMaster=auto",
                      "-o",
                      "ControlPath=/run/latlab/ssh/h1",
                      "-o",
                      "ControlPersist=60",
                      "-o",
                      "ConnectTimeout=5",
                      "-o",
                      "ServerAliveInterval=5",
                      "-o",
                      "ServerAliveCountMax=3",
                      "-o",
                      "StrictHostKeyChecking=accept-new",
                      "-o",
                      "UserKnownHostsFile=/run/latlab/known_hosts",
                      "-p",
                      "2222",
                      "-i",
                      "/keys/id_ed25519",
                      "-o",
                      "IdentitiesOnly=yes",
                      "-J",
                      "hop@198.18.200.10:2200",
                      "-l",
                      "root",
                      "-T",
                      "--",
                      "198.18.200.6",
                      "'echo' 'a b' 'it'\\''s'"}));
  // clang-format on
}

TEST(SshArgv, LeavesOutWhatIsNotGiven) {
  auto a = ssh_argv({.host_name = "h0", .address = "198.18.200.2"}, control_only(), {"true"});
  ASSERT_TRUE(a.ok()) << a.error().message();
  EXPECT_TRUE(has_pair(*a, "-p", "22"));
  for (const char* flag : {"-i", "-J", "-l"}) EXPECT_FALSE(has_flag(*a, flag)) << flag;
  for (const auto& word : *a) {
    EXPECT_EQ(word.find("UserKnownHostsFile"), std::string::npos);
    EXPECT_EQ(word.find("IdentitiesOnly"), std::string::npos);
  }
  const Argv tail(a->end() - 4, a->end());
  EXPECT_EQ(tail, (Argv{"-T", "--", "198.18.200.2", "'true'"}));
}

TEST(SshArgv, OptionsFollowTheirSettings) {
  SshOptions o = control_only();
  o.connect_timeout_s = 2;
  o.keepalive_interval_s = 1;
  o.keepalive_count = 4;
  o.control_persist_s = 300;
  o.accept_new_host_keys = false;
  auto a = ssh_argv(full_destination(), o, {"true"});
  ASSERT_TRUE(a.ok()) << a.error().message();
  EXPECT_TRUE(has_pair(*a, "-o", "ConnectTimeout=2"));
  EXPECT_TRUE(has_pair(*a, "-o", "ServerAliveInterval=1"));
  EXPECT_TRUE(has_pair(*a, "-o", "ServerAliveCountMax=4"));
  EXPECT_TRUE(has_pair(*a, "-o", "ControlPersist=300"));
  EXPECT_TRUE(has_pair(*a, "-o", "StrictHostKeyChecking=yes"));
}

TEST(SshArgv, ControlPathMustFitAUnixSocket) {
  // "/" + 86 characters + "/h1" = 90 bytes: the longest ssh can bind.
  const std::string dir = "/" + std::string(86, 'd');
  const SshDestination d = full_destination();
  EXPECT_EQ(control_path(d, control_only(dir)).size(), max_control_path);
  EXPECT_TRUE(ssh_argv(d, control_only(dir), {"true"}).ok());
  auto too_long = ssh_argv(d, control_only(dir + "d"), {"true"});
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(
      too_long.error().message(),
      "host \"h1\" (root@198.18.200.6:2222 via hop@198.18.200.10:2200): control path \"" + dir +
          "d/h1\" is 91 bytes; ssh can use at most 90 (a unix socket path): use a shorter control directory");
}

TEST(SshArgv, RefusesWordsSshWouldNotTakeLiterally) {
  struct Case {
    std::function<void(SshDestination&, SshOptions&)> change;
    std::string message;
  };
  const std::string host = "host \"h1\" (root@198.18.200.6:2222 via hop@198.18.200.10:2200): ";
  const std::vector<Case> cases = {
      {[](auto& d, auto&) { d.host_name = "a/b"; },
       "host \"a/b\" (root@198.18.200.6:2222 via hop@198.18.200.10:2200): host name \"a/b\" must be letters, "
       "digits, '.', '_' and '-', not starting with '.'"},
      {[](auto& d, auto&) { d.host_name = ".."; }, ""},
      {[](auto& d, auto&) { d.address = "-oProxyCommand=x"; },
       "host \"h1\" (root@-oProxyCommand=x:2222 via hop@198.18.200.10:2200): address \"-oProxyCommand=x\" "
       "starts "
       "with '-'"},
      {[](auto& d, auto&) { d.address = ""; }, ""},
      {[](auto& d, auto&) { d.port = 0; }, ""},
      {[](auto& d, auto&) { d.user = "a b"; }, ""},
      {[](auto& d, auto&) { d.identity_file = "keys/id"; }, ""},
      {[](auto&, auto& o) { o.control_dir = "/tmp/%h"; }, host + "control directory \"/tmp/%h\" holds '%'"},
      {[](auto&, auto& o) { o.control_dir = ""; }, host + "control directory \"\" is empty"},
      {[](auto&, auto& o) { o.known_hosts_file = "/tmp/known hosts"; },
       host + "known hosts file \"/tmp/known hosts\" holds whitespace or a control character"},
      {[](auto&, auto& o) { o.control_persist_s = 0; },
       host + "control_persist_s is 0; it must be at least 1"},
      {[](auto&, auto& o) { o.connect_timeout_s = -1; },
       host + "connect_timeout_s is -1; it must be at least 1"},
  };
  for (const auto& c : cases) {
    SshDestination d = full_destination();
    SshOptions o = control_only();
    c.change(d, o);
    auto a = ssh_argv(d, o, {"true"});
    ASSERT_FALSE(a.ok()) << c.message;
    if (!c.message.empty()) {
      EXPECT_EQ(a.error().message(), c.message);
    }
    EXPECT_FALSE(check_destination(d, o).ok());
  }
}

TEST(SshArgv, NeedsARemoteCommand) {
  auto a = ssh_argv(full_destination(), control_only(), {});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message(),
            "host \"h1\" (root@198.18.200.6:2222 via hop@198.18.200.10:2200): no remote command");
}

TEST(SshArgv, DescribeNamesHostUserAddressAndPort) {
  EXPECT_EQ(describe({.host_name = "h1", .user = "root", .address = "198.18.200.2"}),
            "host \"h1\" (root@198.18.200.2:22)");
  EXPECT_EQ(describe({.host_name = "h2", .address = "2001:2::2", .port = 2200}),
            "host \"h2\" ([2001:2::2]:2200)");
  EXPECT_EQ(describe(full_destination()), "host \"h1\" (root@198.18.200.6:2222 via hop@198.18.200.10:2200)");
}

TEST(SshArgv, ControlArgvAddressesTheMaster) {
  auto a = ssh_control_argv(full_destination(), control_only(), "check");
  ASSERT_TRUE(a.ok()) << a.error().message();
  EXPECT_EQ(*a, (Argv{"ssh", "-o", "BatchMode=yes", "-o", "ControlPath=/run/latlab/ssh/h1", "-O", "check",
                      "--", "198.18.200.6"}));
  EXPECT_FALSE(ssh_control_argv(full_destination(), control_only("relative"), "exit").ok());
}

}  // namespace
}  // namespace latlab::remote
