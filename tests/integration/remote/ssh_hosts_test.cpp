// The ssh hosts fixture itself (root): down() leaves no namespace, link,
// process or file; a test process that dies (Ctrl-C, SIGKILL) leaves nothing
// either, not even a process: its guardian undoes it all; names that are
// taken are not ours and stay.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "process/real_launcher.h"
#include "remote/remote_command.h"
#include "support/privileged.h"
#include "support/run_command.h"
#include "support/ssh_hosts.h"

namespace latlab::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// sshds that run (a zombie waiting for PID 1 to reap it runs no more).
std::set<pid_t> sshd_pids() {
  std::set<pid_t> pids;
  std::istringstream in(run_command({"pgrep", "-x", "sshd"}).out);
  for (pid_t p; in >> p;) {
    std::ifstream stat("/proc/" + std::to_string(p) + "/stat");
    std::string pid, comm, state;
    if (stat >> pid >> comm >> state && state != "Z") pids.insert(p);
  }
  return pids;
}

// Lines of `ip netns` and `ip link` that name prefix.
std::vector<std::string> kernel_objects(const std::string& prefix) {
  std::vector<std::string> found;
  for (const auto& argv : {std::vector<std::string>{"ip", "netns", "list"}, {"ip", "-o", "link", "show"}}) {
    std::istringstream in(run_command(argv).out);
    for (std::string line; std::getline(in, line);)
      if (line.find(prefix + "h") != std::string::npos) found.push_back(line);
  }
  return found;
}

// Connects to every host and leaves a remote `sleep` running on each.
Status use_hosts(SshHosts& hosts, process::ProcessLauncher& local,
                 std::vector<std::unique_ptr<process::Child>>& sleepers) {
  for (int i = 0; i < hosts.size(); ++i) {
    remote::SshLauncher host(local, hosts.dest(i), hosts.options());
    LATLAB_TRY(remote::check_connection(host, 30s));
    process::SpawnSpec sleep;
    sleep.argv = {"sleep", "300"};
    auto child = host.spawn(sleep);
    if (!child) return std::move(child).error();
    sleepers.push_back(std::move(*child));
  }
  return Ok{};
}

#define LATLAB_REQUIRE_SSHD()                       \
  LATLAB_REQUIRE_ROOT();                            \
  LATLAB_REQUIRE_HOST(fs::exists("/usr/sbin/sshd"), \
                      "openssh-server is not installed (scripts/install-deps.sh)")

TEST(SshHosts, DownLeavesNothingBehind) {
  LATLAB_REQUIRE_SSHD();
  const auto before = sshd_pids();
  process::RealLauncher local;
  std::vector<std::unique_ptr<process::Child>> sleepers;
  SshHosts hosts(ssh_hosts_prefix(), 2);
  ASSERT_EQ(hosts.error(), "");
  Status used = use_hosts(hosts, local, sleepers);
  ASSERT_TRUE(used.ok()) << used.error().message();
  EXPECT_EQ(kernel_objects(ssh_hosts_prefix()).size(), 4u);  // two namespaces, two root-side veths
  const std::string dir = hosts.dir();

  hosts.down();
  EXPECT_EQ(hosts.leftovers(), std::vector<std::string>());
  EXPECT_EQ(kernel_objects(ssh_hosts_prefix()), std::vector<std::string>());
  EXPECT_FALSE(fs::exists(dir));
  const auto after = sshd_pids();
  for (pid_t p : after) EXPECT_TRUE(before.count(p)) << "sshd " << p << " was left running";
  // The remote sleeps were killed with their sessions: the local ssh ends.
  for (auto& s : sleepers) EXPECT_TRUE(s->wait(20s).ok());
  hosts.down();  // again: nothing to do
}

TEST(SshHosts, ATestProcessThatDiesLeavesNothingBehind) {
  LATLAB_REQUIRE_SSHD();
  const auto before = sshd_pids();
  // Orphans of the "test process" below become ours, so we can see them end.
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  struct NoSubreaper {
    ~NoSubreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 0); }
  } restore;
  for (int sig : {SIGINT, SIGKILL}) {
    SCOPED_TRACE(strsignal(sig));
    const std::string prefix = ssh_hosts_prefix() + "k" + std::to_string(sig % 10);
    int report[2];
    ASSERT_EQ(::pipe2(report, O_CLOEXEC), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // The "test process": its own group, as a foreground job that Ctrl-C
      // reaches; it sets hosts up, uses them and waits to be killed.
      ::setpgid(0, 0);
      ::close(report[0]);
      process::RealLauncher local;
      std::vector<std::unique_ptr<process::Child>> sleepers;
      SshHosts hosts(prefix, 2);
      std::string line = hosts.error();
      if (line.empty()) {
        Status used = use_hosts(hosts, local, sleepers);
        line = used.ok() ? "ready" : used.error().message();
      }
      for (ino_t ino : hosts.netns_inodes()) line += " " + std::to_string(ino);
      line += "\n";
      (void)!::write(report[1], line.data(), line.size());
      while (true) ::pause();
    }
    ::close(report[1]);
    // Its report line, waited for 60 s at most: the child is killed either way.
    std::string line;
    char buf[512];
    pollfd p{report[0], POLLIN, 0};
    while (line.find('\n') == std::string::npos && ::poll(&p, 1, 60'000) == 1) {
      const ssize_t n = ::read(report[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    ::close(report[0]);
    std::istringstream in(line);
    std::string status;
    in >> status;
    std::vector<ino_t> inodes;
    for (ino_t ino; in >> ino;) inodes.push_back(ino);
    EXPECT_EQ(status, "ready") << line;
    EXPECT_EQ(inodes.size(), 2u);

    ::kill(-pid, sig);
    ::kill(pid, sig);  // in case it had not made its group yet
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    EXPECT_TRUE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == sig);
    // The guardian undoes everything on its own, within seconds.
    // The guardian undoes everything on its own, within seconds; what the
    // dead process left (the guardian, sshds, masters) comes to us to reap.
    std::vector<std::string> left;
    bool orphans = true;
    const auto died = Clock::now();
    do {
      std::this_thread::sleep_for(100ms);
      while (::waitpid(-1, nullptr, WNOHANG) > 0) {
      }
      orphans = !(::waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD);
      left = ssh_hosts_leftovers(prefix, 2, inodes);
    } while ((orphans || !left.empty()) && Clock::now() < died + 30s);
    EXPECT_EQ(left, std::vector<std::string>());
    EXPECT_FALSE(orphans) << "a process of the dead test process still runs";
    std::printf("undone within %.1f s\n", std::chrono::duration<double>(Clock::now() - died).count());
    EXPECT_EQ(kernel_objects(prefix), std::vector<std::string>());
  }
  for (pid_t p : sshd_pids()) EXPECT_TRUE(before.count(p)) << "sshd " << p << " was left running";
}

TEST(SshHosts, ANamespaceThatExistsIsNotOursAndStays) {
  LATLAB_REQUIRE_SSHD();
  const std::string prefix = ssh_hosts_prefix() + "t";
  const std::string taken = prefix + "h0";
  ASSERT_EQ(run_command({"ip", "netns", "add", taken}).exit_code, 0);
  {
    SshHosts hosts(prefix, 1);
    EXPECT_EQ(hosts.error(), "ssh hosts: namespace " + taken + " or interface " + taken +
                                 "r exists already (left by another run?)");
  }
  EXPECT_TRUE(fs::exists("/run/netns/" + taken));
  EXPECT_EQ(run_command({"ip", "netns", "delete", taken}).exit_code, 0);
  EXPECT_EQ(ssh_hosts_leftovers(prefix, 1, {}), std::vector<std::string>());
}

}  // namespace
}  // namespace latlab::test
