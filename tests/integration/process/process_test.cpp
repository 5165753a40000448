// The real launcher (Boost.Process v2) with real children: lines, exit codes,
// stdin, the stderr tail, timeouts, process groups, interactive stdio, the
// stage a failed spawn names, output files that cannot be opened, and (root)
// network namespaces.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "process/real_launcher.h"
#include "support/privileged.h"
#include "support/run_command.h"

namespace latlab::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using process::Child;
using process::SpawnSpec;

std::string random_tag() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06x", rd() & 0xffffff);
  return buf;
}

Result<std::unique_ptr<Child>> spawn(const SpawnSpec& spec) {
  process::RealLauncher launcher;
  return launcher.spawn(spec);
}

// Every stdout line until EOF.
std::vector<std::string> all_lines(Child& c) {
  std::vector<std::string> lines;
  while (true) {
    auto line = c.read_line(10s);
    EXPECT_TRUE(line.ok()) << line.error().message();
    if (!line.ok() || !line->has_value()) return lines;
    lines.push_back(**line);
  }
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A scratch directory, removed with its contents.
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("lltest-proc-" + random_tag());
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

// True when this process has no child left, reaped or not.
bool no_children() { return ::waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD; }

TEST(RealLauncher, ReadsLinesExitCodeAndStderr) {
  SpawnSpec s;
  s.argv = {"sh", "-c", "echo one; echo two; printf three; echo oops >&2; exit 3"};
  s.capture_stdout = true;
  auto c = spawn(s);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(all_lines(**c), (std::vector<std::string>{"one", "two", "three"}));
  auto code = (*c)->wait(10s);
  ASSERT_TRUE(code.ok()) << code.error().message();
  EXPECT_EQ(*code, 3);
  EXPECT_EQ((*c)->stderr_text(), "oops\n");
}

TEST(RealLauncher, WritesStdinThenClosesIt) {
  SpawnSpec s;
  s.argv = {"cat"};
  s.capture_stdout = true;
  s.stdin_text = "hello\nworld\n";
  auto c = spawn(s);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(all_lines(**c), (std::vector<std::string>{"hello", "world"}));  // cat saw EOF
  EXPECT_EQ(*(*c)->wait(10s), 0);
}

TEST(RealLauncher, StderrCanGoWhereStdoutGoes) {
  SpawnSpec s;
  s.argv = {"sh", "-c", "echo out; echo err >&2"};
  s.capture_stdout = true;
  s.stderr_to_stdout = true;
  auto c = spawn(s);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(all_lines(**c), (std::vector<std::string>{"out", "err"}));
  EXPECT_EQ((*c)->stderr_text(), "");
}

TEST(RealLauncher, KeepsTheLast64KiBOfStderrOrWritesItToTheFile) {
  SpawnSpec s;
  s.argv = {"sh", "-c", "yes x | head -c 100000 >&2; printf TAIL >&2"};
  auto c = spawn(s);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(*(*c)->wait(10s), 0);
  const std::string tail = (*c)->stderr_text();
  EXPECT_EQ(tail.size(), 64u * 1024);
  EXPECT_EQ(tail.substr(tail.size() - 6), "x\nTAIL");

  TempDir dir;
  s.stderr_file = (dir.path / "err.txt").string();
  s.argv = {"sh", "-c", "echo to-the-file >&2"};
  auto f = spawn(s);
  ASSERT_TRUE(f.ok()) << f.error().message();
  EXPECT_EQ(*(*f)->wait(10s), 0);
  EXPECT_EQ((*f)->stderr_text(), "");
  EXPECT_EQ(read_file(s.stderr_file), "to-the-file\n");
}

TEST(RealLauncher, ReadLineTimesOutOnASilentChildThatDiesWithItsOwner) {
  SpawnSpec s;
  s.argv = {"sleep", "30"};
  s.capture_stdout = true;
  pid_t pid = 0;
  {
    auto c = spawn(s);
    ASSERT_TRUE(c.ok()) << c.error().message();
    pid = (*c)->pid();
    auto line = (*c)->read_line(50ms);
    ASSERT_FALSE(line.ok());
    EXPECT_EQ(line.error().message(), "sleep (pid " + std::to_string(pid) + "): no output for 50 ms");
    EXPECT_FALSE((*c)->exited());
  }
  EXPECT_TRUE(no_children());  // killed and reaped with its Child
}

TEST(RealLauncher, SignalsReachTheChildsWholeProcessGroup) {
  // Orphaned grandchildren come back to this process, which can then reap them.
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  SpawnSpec s;
  s.argv = {"sh", "-c", "sleep 30 & echo $!; wait"};
  s.capture_stdout = true;
  auto c = spawn(s);
  ASSERT_TRUE(c.ok()) << c.error().message();
  auto line = (*c)->read_line(10s);
  ASSERT_TRUE(line.ok() && line->has_value());
  const pid_t grandchild = std::stoi(**line);
  EXPECT_EQ(::getpgid((*c)->pid()), (*c)->pid());  // a group of its own
  ASSERT_EQ(::getpgid(grandchild), (*c)->pid());
  (*c)->signal(SIGKILL);
  EXPECT_EQ(*(*c)->wait(10s), 128 + SIGKILL);
  int st = 0;
  ASSERT_EQ(::waitpid(grandchild, &st, 0), grandchild);
  EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  ::prctl(PR_SET_CHILD_SUBREAPER, 0);
}

TEST(RealLauncher, InteractiveInheritsStdioAndStaysInLatlabsProcessGroup) {
  TempDir dir;
  const fs::path out = dir.path / "stdout.txt";
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  const int file = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(file, 0);
  ::dup2(file, STDOUT_FILENO);
  ::close(file);
  SpawnSpec s;
  s.argv = {"sh", "-c", "echo on-my-stdout; exit 7"};
  s.interactive = true;
  auto c = spawn(s);
  auto code = c.ok() ? (*c)->wait(Child::no_timeout) : Result<int>(c.error());
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  ASSERT_TRUE(code.ok()) << code.error().message();
  EXPECT_EQ(*code, 7);
  EXPECT_EQ(read_file(out), "on-my-stdout\n");

  s.argv = {"sleep", "30"};
  auto sleeper = spawn(s);
  ASSERT_TRUE(sleeper.ok()) << sleeper.error().message();
  EXPECT_EQ(::getpgid((*sleeper)->pid()), ::getpgrp());
  (*sleeper)->signal(SIGTERM);
  EXPECT_EQ(*(*sleeper)->wait(10s), 128 + SIGTERM);
}

TEST(RealLauncher, FailedSpawnNamesTheStageAndLeavesNoChild) {
  SpawnSpec s;
  s.argv = {"latlab-no-such-program"};
  auto missing = spawn(s);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message(), "spawn \"latlab-no-such-program\": not found in PATH");
  EXPECT_EQ(missing.error().exit_code(), ExitCode::environment);

  s.argv = {"true"};
  s.netns_path = "/run/netns/latlab-no-such-namespace";
  auto no_ns = spawn(s);
  ASSERT_FALSE(no_ns.ok());
  EXPECT_EQ(no_ns.error().message(),
            "spawn \"true\": enter network namespace /run/netns/latlab-no-such-namespace: No such file or "
            "directory (ENOENT)");

  s.netns_path = "/dev/null";  // opens, but setns in the child refuses it
  auto not_ns = spawn(s);
  ASSERT_FALSE(not_ns.ok());
  EXPECT_EQ(not_ns.error().message(),
            "spawn \"true\": enter network namespace /dev/null: Invalid argument (EINVAL)");

  TempDir dir;
  const std::string garbage = (dir.path / "not-a-program").string();
  std::ofstream(garbage) << "neither ELF nor #!\n";
  ::chmod(garbage.c_str(), 0755);
  s.netns_path.clear();
  s.argv = {garbage};
  auto noexec = spawn(s);
  ASSERT_FALSE(noexec.ok());
  EXPECT_EQ(noexec.error().message(), "spawn \"" + garbage + "\": exec: Exec format error");
  EXPECT_EQ(noexec.error().sys_errno(), ENOEXEC);
  EXPECT_TRUE(no_children());
}

TEST(RealLauncher, AnOutputFileThatCannotBeOpenedFailsTheSpawn) {
  TempDir dir;
  const fs::path ran = dir.path / "ran";
  SpawnSpec s;
  s.argv = {"touch", ran.string()};
  s.stdout_file = (dir.path / "no-such-dir" / "out.txt").string();
  auto out = spawn(s);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message(), "spawn \"touch\": open stdout file \"" + s.stdout_file +
                                       "\": No such file or directory (ENOENT)");

  s.stdout_file.clear();
  s.stderr_file = dir.path.string();  // a directory
  auto err = spawn(s);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().message(),
            "spawn \"touch\": open stderr file \"" + s.stderr_file + "\": Is a directory (EISDIR)");
  EXPECT_FALSE(fs::exists(ran));  // the command never ran
  EXPECT_TRUE(no_children());
}

TEST(RealLauncher, AnOutputFileIsTruncatedThenWritten) {
  TempDir dir;
  SpawnSpec s;
  s.stdout_file = (dir.path / "out.txt").string();
  std::ofstream(s.stdout_file) << "an older and longer text\n";
  s.argv = {"echo", "new"};
  auto c = spawn(s);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(*(*c)->wait(10s), 0);
  EXPECT_EQ(read_file(s.stdout_file), "new\n");
}

// `ip netns add lltest-proc-<random>`, deleted at scope exit whatever happens.
class TestNetns {
 public:
  TestNetns() : name_("lltest-proc-" + random_tag()) {
    ok_ = run_command({"ip", "netns", "add", name_}).exit_code == 0;
  }
  ~TestNetns() { run_command({"ip", "netns", "delete", name_}); }
  TestNetns(const TestNetns&) = delete;
  TestNetns& operator=(const TestNetns&) = delete;
  bool ok() const { return ok_; }
  std::string path() const { return "/run/netns/" + name_; }

 private:
  std::string name_;
  bool ok_ = false;
};

TEST(RealLauncher, EntersTheNetworkNamespaceAndItsSysfs) {
  LATLAB_REQUIRE_ROOT();
  TestNetns ns;
  ASSERT_TRUE(ns.ok());
  struct stat st {};
  ASSERT_EQ(::stat(ns.path().c_str(), &st), 0);
  SpawnSpec s;
  s.argv = {"readlink", "/proc/self/ns/net"};
  s.netns_path = ns.path();
  s.capture_stdout = true;
  auto c = spawn(s);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_EQ(all_lines(**c), (std::vector<std::string>{"net:[" + std::to_string(st.st_ino) + "]"}));
  EXPECT_EQ(*(*c)->wait(10s), 0);

  s.argv = {"ls", "/sys/class/net"};
  s.netns_sysfs = true;  // like `ip netns exec`: only the namespace's own interfaces
  auto ls = spawn(s);
  ASSERT_TRUE(ls.ok()) << ls.error().message();
  EXPECT_EQ(all_lines(**ls), (std::vector<std::string>{"lo"}));
  EXPECT_EQ(*(*ls)->wait(10s), 0);
}

}  // namespace
}  // namespace latlab::test
