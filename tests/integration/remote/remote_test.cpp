// Remote execution through the real ssh against real sshds on "hosts" of
// this machine (support/ssh_hosts.h; root): stdout word for word, the remote
// exit status apart from SSH's own failures, streaming and stdin through
// SshLauncher, one ControlMaster per host, a dead sshd and an unreachable
// host failing within the connect timeout with errors that name the host,
// and each host's own /run.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "process/real_launcher.h"
#include "remote/remote_command.h"
#include "remote/ssh_launcher.h"
#include "support/privileged.h"
#include "support/run_command.h"
#include "support/ssh_hosts.h"

namespace latlab::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using remote::SshLauncher;

class SshRemote : public ::testing::Test {
 protected:
  void SetUp() override {
    LATLAB_REQUIRE_ROOT();
    LATLAB_REQUIRE_HOST(fs::exists("/usr/sbin/sshd"),
                        "openssh-server is not installed (scripts/install-deps.sh)");
    hosts_ = std::make_unique<SshHosts>(ssh_hosts_prefix(), 2);
    ASSERT_EQ(hosts_->error(), "");
    for (int i = 0; i < hosts_->size(); ++i)
      launchers_.push_back(std::make_unique<SshLauncher>(local_, hosts_->dest(i), hosts_->options()));
  }
  void TearDown() override {
    launchers_.clear();
    if (hosts_) {
      hosts_->down();
      EXPECT_EQ(hosts_->leftovers(), std::vector<std::string>());
    }
  }

  SshLauncher& host(int i) { return *launchers_.at(static_cast<size_t>(i)); }
  std::string sshd_log(int i) const {
    std::ifstream in(hosts_->dir() + "/h" + std::to_string(i) + "/sshd.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  process::RealLauncher local_;
  std::unique_ptr<SshHosts> hosts_;
  std::vector<std::unique_ptr<SshLauncher>> launchers_;
};

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(SshRemote, RunRemoteReturnsTheCommandsStdoutWordForWord) {
  auto out = remote::run_remote(host(0), {"echo", "a b", "it's"}, 30s);
  ASSERT_TRUE(out.ok()) << out.error().message();
  EXPECT_EQ(*out, "a b it's\n");

  // Through the remote user's shell (bash) and back, untouched.
  const std::vector<std::string> words = {"$HOME", "`id`", "\"q\"", "",  "x\ny", "\\",
                                          "*",     ";",    "|",     "~", "%s"};
  std::vector<std::string> argv = {"printf", "[%s]"};
  argv.insert(argv.end(), words.begin(), words.end());
  auto printed = remote::run_remote(host(0), argv, 30s);
  ASSERT_TRUE(printed.ok()) << printed.error().message();
  EXPECT_EQ(*printed,
            "[$HOME][`id`][\"q\"][][x\ny][\\][*][;][|][~][%s]\n");  // the last line gets its newline
}

TEST_F(SshRemote, ANonZeroExitIsTheRemoteCommandsNotAnSshFailure) {
  auto out = remote::run_remote(host(0), {"sh", "-c", "echo partial; echo oops >&2; exit 3"}, 30s);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message(), "host \"h0\" (root@198.18.200.2:22): \"sh\" exited with 3: oops");

  auto missing = remote::run_remote(host(0), {"no-such-command-latlab"}, 30s);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(
      missing.error().message().find("host \"h0\" (root@198.18.200.2:22): \"no-such-command-latlab\" exited "
                                     "with 127: "),
      std::string::npos)
      << missing.error().message();
}

TEST_F(SshRemote, LauncherStreamsStdoutAndFeedsStdin) {
  process::SpawnSpec seq;
  seq.argv = {"seq", "1", "1000"};
  seq.capture_stdout = true;
  auto child = host(0).spawn(seq);
  ASSERT_TRUE(child.ok()) << child.error().message();
  int n = 0;
  while (true) {
    auto line = (*child)->read_line(30s);
    ASSERT_TRUE(line.ok()) << line.error().message();
    if (!line->has_value()) break;
    ASSERT_EQ(**line, std::to_string(++n));
  }
  EXPECT_EQ(n, 1000);
  auto code = (*child)->wait(30s);
  ASSERT_TRUE(code.ok()) << code.error().message();
  EXPECT_EQ(*code, 0);

  process::SpawnSpec cat;
  cat.argv = {"cat"};
  cat.capture_stdout = true;
  cat.stdin_text = "first line\nit's the second\n";
  auto echoed = host(1).spawn(cat);
  ASSERT_TRUE(echoed.ok()) << echoed.error().message();
  std::vector<std::string> lines;
  for (auto line = (*echoed)->read_line(30s); line.ok() && line->has_value();
       line = (*echoed)->read_line(30s))
    lines.push_back(**line);
  EXPECT_EQ(lines, (std::vector<std::string>{"first line", "it's the second"}));
  EXPECT_EQ(*(*echoed)->wait(30s), 0);

  // The remote stderr goes where the spec says, here a local file.
  process::SpawnSpec err;
  err.argv = {"sh", "-c", "echo to-stderr >&2"};
  err.stderr_file = hosts_->dir() + "/remote.err";
  auto e = host(1).spawn(err);
  ASSERT_TRUE(e.ok()) << e.error().message();
  EXPECT_EQ(*(*e)->wait(30s), 0);
  std::ifstream in(err.stderr_file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "to-stderr\n");
}

TEST_F(SshRemote, CommandsShareOneControlMasterPerHost) {
  auto none = remote::check_master(host(0), 10s);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message().rfind("host \"h0\" (root@198.18.200.2:22): no SSH master: ", 0), 0u)
      << none.error().message();
  ASSERT_TRUE(remote::check_connection(host(0), 30s).ok());
  Status up = remote::check_master(host(0), 10s);
  EXPECT_TRUE(up.ok()) << up.error().message();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(remote::run_remote(host(0), {"true"}, 30s).ok());
  // Four commands, one login: sshd saw a single connection.
  EXPECT_EQ(count_of(sshd_log(0), "Accepted publickey for root"), 1u) << sshd_log(0);

  Status closed = remote::close_master(host(0), 10s);
  EXPECT_TRUE(closed.ok()) << closed.error().message();
  EXPECT_FALSE(remote::check_master(host(0), 10s).ok());
  Status again = remote::close_master(host(0), 10s);  // nothing left to close
  EXPECT_TRUE(again.ok()) << again.error().message();
}

TEST_F(SshRemote, ADeadSshdFailsFastAndNamesTheHost) {
  ASSERT_TRUE(remote::check_connection(host(1), 30s).ok());
  hosts_->kill_sshd(1);
  // Its master sees the connection end and goes away.
  const auto gone_by = Clock::now() + 10s;
  while (remote::check_master(host(1), 10s).ok() && Clock::now() < gone_by) std::this_thread::sleep_for(20ms);

  const auto start = Clock::now();
  auto r = remote::run_remote(host(1), {"true"}, 60s);
  const auto took = Clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      r.error().message(),
      "host \"h1\" (root@198.18.200.6:22): ssh failed (exit 255): ssh: connect to host 198.18.200.6 port 22: "
      "Connection refused");
  // Refused at once, not after a timeout (bounded loosely: the machine is shared).
  EXPECT_LT(took, 30s);
  // The other host is not affected.
  EXPECT_TRUE(remote::check_connection(host(0), 30s).ok());
}

TEST_F(SshRemote, AnUnreachableHostFailsWithinTheConnectTimeout) {
  // Host 0's side of the link goes down: SYNs vanish, nothing answers.
  ASSERT_EQ(run_command({"ip", "-n", hosts_->netns(0), "link", "set", "eth0", "down"}).exit_code, 0);
  remote::SshOptions quick = hosts_->options();
  quick.connect_timeout_s = 2;
  SshLauncher h0(local_, hosts_->dest(0), quick);
  const auto start = Clock::now();
  Status s = remote::check_connection(h0, 60s);
  const auto took = Clock::now() - start;
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(
      s.error().message(),
      "host \"h0\" (root@198.18.200.2:22): ssh failed (exit 255): ssh: connect to host 198.18.200.2 port 22: "
      "Connection timed out");
  // ConnectTimeout applies (not the kernel's two minutes of SYN retries), and
  // well before run_remote's own 60 s; loosely bounded: the machine is shared.
  EXPECT_GE(took, 2s);
  EXPECT_LT(took, 30s);
}

TEST_F(SshRemote, EachHostHasItsOwnRun) {
  const std::string marker = "latlab-test-" + hosts_->netns(0);
  auto wrote = remote::run_remote(host(0), {"sh", "-c", "echo x > /run/\"$0\"", marker}, 30s);
  ASSERT_TRUE(wrote.ok()) << wrote.error().message();
  auto read = remote::run_remote(host(0), {"cat", "/run/" + marker}, 30s);
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_EQ(*read, "x\n");
  EXPECT_FALSE(fs::exists("/run/" + marker));  // not in the root namespace's /run
  auto other = remote::run_remote(host(1), {"ls", "-A", "/run"}, 30s);
  ASSERT_TRUE(other.ok()) << other.error().message();
  EXPECT_EQ(*other, "sshd\n");  // host 1's /run: only what its sshd needs
}

}  // namespace
}  // namespace latlab::test
