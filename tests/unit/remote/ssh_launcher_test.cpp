// SshLauncher against a recording local launcher: the child the local
// launcher starts is ssh with the remote argv and the caller's stdio; what
// the host cannot do yet is refused before anything starts; errors name the
// host.
#include <gtest/gtest.h>

#include "remote/hosts_launcher.h"
#include "remote/ssh_launcher.h"

namespace latlab::remote {
namespace {

using process::Child;
using process::SpawnSpec;

class NoChild final : public Child {
 public:
  pid_t pid() const override { return 4242; }
  Result<std::optional<std::string>> read_line(std::chrono::milliseconds) override {
    return std::optional<std::string>();
  }
  int stdout_fd() const override { return -1; }
  void signal(int) override {}
  Result<int> wait(std::chrono::milliseconds) override { return 0; }
  std::string stderr_text() override { return ""; }
  bool exited() override { return true; }
};

class RecordingLauncher final : public process::ProcessLauncher {
 public:
  Result<std::unique_ptr<Child>> spawn(const SpawnSpec& spec) override {
    specs.push_back(spec);
    if (!fail_with.empty()) return Error(fail_with, ENOENT, ExitCode::environment);
    return std::unique_ptr<Child>(new NoChild);
  }
  std::vector<SpawnSpec> specs;
  std::string fail_with;
};

const SshDestination h1{
    .host_name = "h1", .user = "root", .address = "198.18.200.6", .identity_file = "/k/id"};

SshOptions options() {
  SshOptions o;
  o.control_dir = "/run/latlab/ssh";
  return o;
}

TEST(SshLauncher, RunsTheArgvThroughSshWithTheSameStdio) {
  RecordingLauncher local;
  SshLauncher host(local, h1, options());
  SpawnSpec spec;
  spec.argv = {"cat", "-"};
  spec.capture_stdout = true;
  spec.stderr_file = "/tmp/cat.err";
  spec.stdin_text = "one\ntwo\n";
  ASSERT_TRUE(host.spawn(spec).ok());
  spec.capture_stdout = false;
  spec.stdout_file = "/tmp/cat.out";
  spec.stderr_to_stdout = true;
  ASSERT_TRUE(host.spawn(spec).ok());

  ASSERT_EQ(local.specs.size(), 2u);
  const SpawnSpec& a = local.specs[0];
  EXPECT_EQ(a.argv, *ssh_argv(h1, options(), {"cat", "-"}));
  EXPECT_TRUE(a.capture_stdout);
  EXPECT_EQ(a.stderr_file, "/tmp/cat.err");
  EXPECT_EQ(a.stdin_text, "one\ntwo\n");
  EXPECT_TRUE(a.netns_path.empty());
  EXPECT_TRUE(a.cpus.empty());
  const SpawnSpec& b = local.specs[1];
  EXPECT_FALSE(b.capture_stdout);
  EXPECT_EQ(b.stdout_file, "/tmp/cat.out");
  EXPECT_TRUE(b.stderr_to_stdout);
}

TEST(SshLauncher, RefusesANamespaceOrCpusOnTheHost) {
  RecordingLauncher local;
  SshLauncher host(local, h1, options());
  SpawnSpec in_netns;
  in_netns.argv = {"latlab-agent"};
  in_netns.netns_path = "/run/netns/latlab-demo-a";
  auto a = host.spawn(in_netns);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message(),
            "host \"h1\" (root@198.18.200.6:22): spawn \"latlab-agent\": entering network namespace "
            "/run/netns/latlab-demo-a on a remote host is not supported yet");
  SpawnSpec pinned;
  pinned.argv = {"latlab-agent"};
  pinned.cpus = {1};
  auto b = host.spawn(pinned);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(
      b.error().message(),
      "host \"h1\" (root@198.18.200.6:22): spawn \"latlab-agent\": pinning to CPUs on a remote host is not "
      "supported yet");
  EXPECT_TRUE(local.specs.empty());
}

TEST(SshLauncher, ErrorsNameTheHost) {
  RecordingLauncher local;
  local.fail_with = "spawn \"ssh\": not found in PATH";
  SshLauncher host(local, h1, options());
  SpawnSpec spec;
  spec.argv = {"true"};
  auto r = host.spawn(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "host \"h1\" (root@198.18.200.6:22): spawn \"ssh\": not found in PATH");
  EXPECT_EQ(r.error().exit_code(), ExitCode::environment);

  SshLauncher bad(local, {.host_name = "h/2", .address = "198.18.200.10"}, options());
  EXPECT_FALSE(bad.spawn(spec).ok());
  EXPECT_EQ(local.specs.size(), 1u);  // refused before ssh was started
  SpawnSpec empty;
  EXPECT_EQ(host.spawn(empty).error().message(), "host \"h1\" (root@198.18.200.6:22): spawn: empty command");
}


// With the host's latlab as wrapper, a namespace, CPUs or stdin_open become
// `latlab spawn --netns ... --cpus ... -- ARGV` on the host, and the local
// ssh keeps stdin open: its EOF ends the command there.
TEST(SshLauncher, WrapsANamespaceAndCpusInTheHostsLatlab) {
  RecordingLauncher local;
  SshLauncher host(local, h1, options());
  host.set_wrapper("/run/latlab/.bin/latlab");
  SpawnSpec spec;
  spec.argv = {"/run/latlab/.bin/latlab-agent", "udp-reflect"};
  spec.netns_path = "/run/netns/latlab-x-b";
  spec.cpus = {1, 3};
  spec.capture_stdout = true;
  spec.host = "h1";
  ASSERT_TRUE(host.spawn(spec).ok());
  ASSERT_EQ(local.specs.size(), 1u);
  const SpawnSpec& a = local.specs[0];
  EXPECT_EQ(a.argv, *ssh_argv(h1, options(),
                              {"/run/latlab/.bin/latlab", "spawn", "--netns", "/run/netns/latlab-x-b", "--cpus",
                               "1,3", "--", "/run/latlab/.bin/latlab-agent", "udp-reflect"}));
  EXPECT_TRUE(a.stdin_open);
  EXPECT_TRUE(a.capture_stdout);
  EXPECT_TRUE(a.netns_path.empty()) << "the namespace is the host's, not this machine's";
  EXPECT_TRUE(a.cpus.empty());
  EXPECT_TRUE(a.host.empty());
  // A plain command (no namespace, CPUs or stdin_open) is not wrapped.
  SpawnSpec plain;
  plain.argv = {"true"};
  ASSERT_TRUE(host.spawn(plain).ok());
  EXPECT_EQ(local.specs[1].argv, *ssh_argv(h1, options(), {"true"}));
  EXPECT_FALSE(local.specs[1].stdin_open);
  // Stdin text cannot reach a wrapped command: its stdin is the wrapper's.
  spec.stdin_text = "x";
  auto refused = host.spawn(spec);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message().find("takes no stdin text"), std::string::npos);
  // A command that reads its open stdin itself (part-up's "commit") is not
  // wrapped: its request and the commit reach it.
  SpawnSpec own;
  own.argv = {"sh", "-c", "exec latlab part-up h1"};
  own.stdin_text = "{}\n";
  own.stdin_open = true;
  own.stdin_for_command = true;
  ASSERT_TRUE(host.spawn(own).ok());
  EXPECT_EQ(local.specs[2].argv, *ssh_argv(h1, options(), own.argv));
  EXPECT_TRUE(local.specs[2].stdin_open);
  EXPECT_EQ(local.specs[2].stdin_text, "{}\n");
}

TEST(HostsLauncher, RoutesEachSpecToItsHost) {
  RecordingLauncher local, via_ssh;
  SshLauncher host(via_ssh, h1, options());
  host.set_wrapper("/run/latlab/.bin/latlab");
  HostsLauncher routing(local);
  routing.add("h1", host);
  SpawnSpec here;
  here.argv = {"latlab-agent"};
  ASSERT_TRUE(routing.spawn(here).ok());
  here.host = "local";
  ASSERT_TRUE(routing.spawn(here).ok());
  EXPECT_EQ(local.specs.size(), 2u);
  EXPECT_EQ(via_ssh.specs.size(), 0u);
  SpawnSpec there;
  there.argv = {"latlab-agent"};
  there.host = "h1";
  ASSERT_TRUE(routing.spawn(there).ok());
  ASSERT_EQ(via_ssh.specs.size(), 1u);
  EXPECT_TRUE(via_ssh.specs[0].stdin_open) << "a routed command ends when latlab is done with it";
  EXPECT_EQ(via_ssh.specs[0].argv,
            *ssh_argv(h1, options(), {"/run/latlab/.bin/latlab", "spawn", "--", "latlab-agent"}));
  there.host = "h9";
  auto unknown = routing.spawn(there);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message(), "spawn \"latlab-agent\": host \"h9\" is not one of the lab's hosts");
}

}  // namespace
}  // namespace latlab::remote
