#include "support/ssh_hosts.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "process/finish.h"
#include "process/real_launcher.h"
#include "remote/shell_quote.h"

namespace latlab::test {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using remote::shell_command;
using remote::shell_quote;

constexpr const char* sshd_path = "/usr/sbin/sshd";  // sshd re-executes itself: an absolute path

// argv run to completion through latlab's launcher: its output, or an error
// naming the command and its last line.
Result<std::string> run(const std::vector<std::string>& argv) {
  process::SpawnSpec spec;
  spec.argv = argv;
  spec.capture_stdout = true;
  spec.stderr_to_stdout = true;
  process::RealLauncher launcher;
  auto child = launcher.spawn(spec);
  if (!child) return std::move(child).error();
  auto done = process::finish(**child, 30s);
  if (!done) return Error(done.error()).context(shell_command(argv));
  if (done->exit_code != 0)
    return Error(shell_command(argv) + ": exit " + std::to_string(done->exit_code) + ": " +
                 process::last_stderr_line(done->out));
  return std::move(done->out);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Whether sshd answers on address:22 with its "SSH-2.0-..." banner.
bool answers_ssh(const std::string& address) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(22);
  ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 || errno == EINPROGRESS) {
    pollfd p{fd, POLLIN, 0};  // readable: the banner, or the connection's end
    char buf[8] = {};
    ok = ::poll(&p, 1, 500) == 1 && ::read(fd, buf, 4) == 4 && std::string(buf, 4) == "SSH-";
  }
  ::close(fd);
  return ok;
}

// The undo line that kills every process in namespace ns but spare, again
// until none is left (sshd may fork meanwhile), for at most 5 s.
std::string kill_all_line(const std::string& ns, pid_t spare = 0) {
  const std::string pids =
      "ip netns pids " + shell_quote(ns) + " 2>/dev/null | grep -vx " + std::to_string(spare);
  return "n=0; while p=$(" + pids + ") && [ -n \"$p\" ] && [ $n -lt 100 ]; do kill -9 $p 2>/dev/null; " +
         "sleep 0.05; n=$((n+1)); done";
}

std::string sshd_config(const std::string& address, const std::string& hdir, const std::string& dir) {
  return "ListenAddress " + address + "\nPort 22\nHostKey " + hdir + "/host_key\n" +
         "PermitRootLogin prohibit-password\nAuthorizedKeysFile " + dir + "/authorized_keys\n" +
         "PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n" +
         "UsePAM no\nPidFile " + hdir + "/sshd.pid\n" +
         // The temp dir belongs to root and is 0700; its files need no check.
         "StrictModes no\nPrintMotd no\n";
}

}  // namespace

std::string ssh_hosts_prefix() { return "lt" + std::to_string(::getpid() % 100000); }

SshHosts::SshHosts(std::string prefix, int n) : prefix_(std::move(prefix)), n_(n) {
  if (prefix_.empty() || prefix_.size() > 10 ||
      prefix_.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") != std::string::npos) {
    error_ = "ssh hosts: prefix \"" + prefix_ + "\" must be 1 to 10 lowercase letters and digits";
    return;
  }
  if (n < 1 || n > 63) {  // 198.18.200.0/24 holds 64 /30s
    error_ = "ssh hosts: " + std::to_string(n) + " hosts; 1 to 63 fit in 198.18.200.0/24";
    return;
  }
  if (::access(sshd_path, X_OK) != 0) {
    error_ = std::string("ssh hosts: ") + sshd_path +
             " is missing: install openssh-server (scripts/install-deps.sh)";
    return;
  }
  start_guardian();
  if (!error_.empty()) return;
  std::string tmpl = "/tmp/" + prefix_ + "-ssh-XXXXXX";  // /tmp, not $TMPDIR: socket paths must stay short
  if (::mkdtemp(tmpl.data()) == nullptr) {
    error_ = "ssh hosts: mkdtemp " + tmpl + ": " + std::strerror(errno);
    return;
  }
  dir_ = tmpl;
  undo("rm -rf -- " + shell_quote(dir_));
  ::mkdir((dir_ + "/ctl").c_str(), 0700);
  if (!step({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "latlab test client", "-f",
             dir_ + "/client_key"}))
    return;
  std::ofstream(dir_ + "/authorized_keys") << read_text(dir_ + "/client_key.pub");
  sshds_.resize(static_cast<size_t>(n_));
  for (int i = 0; i < n_ && error_.empty(); ++i) make_host(i);
  for (int i = 0; i < n_ && error_.empty(); ++i) wait_ready(i);
}

SshHosts::~SshHosts() { down(); }

remote::SshDestination SshHosts::dest(int i) const {
  return {.host_name = "h" + std::to_string(i),
          .user = "root",
          .address = address(i),
          .port = 22,
          .identity_file = dir_ + "/client_key",
          .jump = ""};
}

remote::SshOptions SshHosts::options() const {
  remote::SshOptions o;
  o.control_dir = dir_ + "/ctl";
  o.known_hosts_file = dir_ + "/known_hosts";
  return o;
}

std::string SshHosts::address(int i) const { return "198.18.200." + std::to_string(4 * i + 2); }

bool SshHosts::step(const std::vector<std::string>& argv) {
  if (!error_.empty()) return false;
  auto r = run(argv);
  if (!r) error_ = "ssh hosts: " + r.error().message();
  return r.ok();
}

void SshHosts::undo(const std::string& shell_line) {
  if (!error_.empty()) return;
  const std::string line = shell_line + "\n";
  for (size_t off = 0; off < line.size();) {
    const ssize_t n = ::send(guardian_fd_, line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = std::string("ssh hosts: the guardian is gone: ") + std::strerror(errno);
      return;
    }
    off += static_cast<size_t>(n);
  }
}

void SshHosts::start_guardian() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    error_ = std::string("ssh hosts: socketpair: ") + std::strerror(errno);
    return;
  }
  const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Its own session: neither Ctrl-C nor the end of the test's session
    // reaches it, and no parent-death signal is set. It collects undo lines
    // until EOF (down(), or the test process died), then runs them last first.
    ::setsid();
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(sig, SIG_IGN);
    ::dup2(sv[1], STDIN_FILENO);
    ::dup2(devnull, STDOUT_FILENO);
    ::dup2(devnull, STDERR_FILENO);
    ::execl("/bin/sh", "sh", "-c", "tac | sh", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const int err = errno;
  ::close(sv[1]);
  if (devnull >= 0) ::close(devnull);
  if (pid < 0) {
    ::close(sv[0]);
    error_ = std::string("ssh hosts: fork the guardian: ") + std::strerror(err);
    return;
  }
  guardian_ = pid;
  guardian_fd_ = sv[0];
}

void SshHosts::make_host(int i) {
  const std::string ns = netns(i), link = root_link(i);
  const std::string hdir = dir_ + "/h" + std::to_string(i);
  // Only free names: what exists already is not ours to delete.
  if (fs::exists("/run/netns/" + ns) || fs::exists("/sys/class/net/" + link)) {
    error_ =
        "ssh hosts: namespace " + ns + " or interface " + link + " exists already (left by another run?)";
    return;
  }
  undo("ip netns delete " + shell_quote(ns) + " 2>/dev/null");
  if (!step({"ip", "netns", "add", ns})) return;
  struct stat st {};
  if (::stat(("/run/netns/" + ns).c_str(), &st) == 0) netns_inodes_.push_back(st.st_ino);
  undo("ip link delete " + shell_quote(link) + " 2>/dev/null");
  step({"ip", "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", ns});
  step({"ip", "addr", "add", "198.18.200." + std::to_string(4 * i + 1) + "/30", "dev", link});
  step({"ip", "link", "set", link, "up"});
  step({"ip", "-n", ns, "link", "set", "lo", "up"});
  step({"ip", "-n", ns, "addr", "add", address(i) + "/30", "dev", "eth0"});
  step({"ip", "-n", ns, "link", "set", "eth0", "up"});
  ::mkdir(hdir.c_str(), 0700);
  step({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "latlab test " + ns, "-f", hdir + "/host_key"});
  if (!error_.empty()) return;
  std::ofstream(hdir + "/sshd_config") << sshd_config(address(i), hdir, dir_);
  ::mkdir((hdir + "/run").c_str(), 0755);
  undo(kill_all_line(ns));
  start_sshd(i);
}

void SshHosts::start_sshd(int i) {
  const std::string ns = netns(i);
  const std::string hdir = dir_ + "/h" + std::to_string(i);
  auto exit_master = remote::ssh_control_argv(dest(i), options(), "exit");
  if (!exit_master) {
    error_ = "ssh hosts: " + exit_master.error().message();
    return;
  }
  process::SpawnSpec spec;
  // A mount namespace of its own whose /run is the host's own directory
  // (its /run/netns and /run/latlab, as on another machine; kept when sshd
  // dies). And a PID namespace in which sshd is PID 1: it reaps what its
  // sessions leave, and when it is killed the kernel kills and reaps every
  // process of the host with it.
  const std::string script =
      "mount --bind \"$2\" /run && mkdir -p -m 0755 /run/sshd && exec \"$0\" -D -e -f \"$1\"";
  spec.argv = {"unshare", "--mount", "--propagation", "private",
               "--pid",   "--fork",  "--kill-child",  "--mount-proc"};
  spec.argv.insert(spec.argv.end(), {"sh", "-c", script, sshd_path, hdir + "/sshd_config", hdir + "/run"});
  spec.netns_path = "/run/netns/" + ns;
  spec.stderr_file = hdir + "/sshd.log";
  process::RealLauncher launcher;
  auto child = launcher.spawn(spec);
  if (!child) {
    error_ = "ssh hosts: h" + std::to_string(i) + ": " + child.error().message();
    return;
  }
  const pid_t unshare = (*child)->pid();
  sshds_[static_cast<size_t>(i)] = std::move(*child);
  // Undone first (last made, first undone): the masters end while sshd still
  // answers; then sshd, PID 1 of the host, while unshare, its parent, lives
  // to reap it (an orphan would wait for the machine's init to reap it).
  undo(kill_all_line(ns, unshare));
  undo(shell_command(*exit_master) + " >/dev/null 2>&1");
}

std::string SshHosts::sshd_log(int i) const {
  return process::last_stderr_line(read_text(dir_ + "/h" + std::to_string(i) + "/sshd.log"));
}

void SshHosts::wait_ready(int i) {
  const std::string what = "ssh hosts: h" + std::to_string(i) + ": sshd on " + address(i);
  const auto deadline = Clock::now() + 10s;
  auto& sshd = *sshds_[static_cast<size_t>(i)];
  while (Clock::now() < deadline) {
    if (sshd.exited()) {
      error_ = what + " exited: " + sshd_log(i);
      return;
    }
    if (answers_ssh(address(i))) return;
    std::this_thread::sleep_for(20ms);
  }
  error_ = what + " did not answer within 10 s: " + sshd_log(i);
}

void SshHosts::kill_sshd(int i) {
  auto& unshare = sshds_.at(static_cast<size_t>(i));
  // Everything but unshare, which reaps sshd and then ends (and we reap it).
  for (int round = 0; round < 100; ++round) {
    auto pids = run({"ip", "netns", "pids", netns(i)});
    if (!pids) break;
    std::istringstream in(*pids);
    int killed = 0;
    for (pid_t pid; in >> pid;) {
      if (unshare && pid == unshare->pid()) continue;
      ::kill(pid, SIGKILL);
      ++killed;
    }
    if (killed == 0) break;
    std::this_thread::sleep_for(20ms);
  }
  if (unshare) (void)unshare->wait(5s);
}

bool SshHosts::restart_sshd(int i) {
  if (!error_.empty()) return false;
  start_sshd(i);
  if (error_.empty()) wait_ready(i);
  return error_.empty();
}

std::pair<std::string, std::string> SshHosts::cable(int i, int j) {
  const int k = cables_++;
  const std::string a = "198.18.201." + std::to_string(4 * k + 1);
  const std::string b = "198.18.201." + std::to_string(4 * k + 2);
  const std::string ai = "cab" + std::to_string(j), bj = "cab" + std::to_string(i);
  // Goes with the namespaces (the guardian deletes them).
  step({"ip", "-n", netns(i), "link", "add", ai, "type", "veth", "peer", "name", bj, "netns", netns(j)});
  step({"ip", "-n", netns(i), "addr", "add", a + "/30", "dev", ai});
  step({"ip", "-n", netns(j), "addr", "add", b + "/30", "dev", bj});
  step({"ip", "-n", netns(i), "link", "set", ai, "up"});
  step({"ip", "-n", netns(j), "link", "set", bj, "up"});
  if (!error_.empty()) return {};
  return {a, b};
}

void SshHosts::down() {
  if (guardian_ < 0) return;
  // EOF for the guardian: it undoes everything, last made first.
  ::shutdown(guardian_fd_, SHUT_RDWR);
  ::close(guardian_fd_);
  guardian_fd_ = -1;
  const auto deadline = Clock::now() + 60s;
  while (::waitpid(guardian_, nullptr, WNOHANG) == 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  guardian_ = -1;
  sshds_.clear();  // killed by the guardian; reaped here
}

std::vector<std::string> SshHosts::leftovers() const {
  return ssh_hosts_leftovers(prefix_, n_, netns_inodes_);
}

std::vector<std::string> ssh_hosts_leftovers(const std::string& prefix, int n,
                                             const std::vector<ino_t>& netns_inodes) {
  std::vector<std::string> left;
  for (int i = 0; i < n; ++i) {
    const std::string ns = prefix + "h" + std::to_string(i);
    if (fs::exists("/run/netns/" + ns)) left.push_back("network namespace " + ns);
    if (fs::exists("/sys/class/net/" + ns + "r")) left.push_back("interface " + ns + "r");
  }
  const std::string dirs = "/tmp/" + prefix + "-ssh-";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/tmp", ec))
    if (e.path().string().rfind(dirs, 0) == 0) left.push_back("directory " + e.path().string());
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string pid = e.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    struct stat st {};
    const bool in_ours = ::stat((e.path() / "ns/net").c_str(), &st) == 0 &&
                         std::find(netns_inodes.begin(), netns_inodes.end(), st.st_ino) != netns_inodes.end();
    std::string cmdline = read_text(e.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (in_ours || cmdline.find(dirs) != std::string::npos) left.push_back("process " + pid + ": " + cmdline);
  }
  return left;
}

}  // namespace latlab::test
