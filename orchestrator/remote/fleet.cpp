#include "remote/fleet.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "process/finish.h"
#include "remote/remote_command.h"

namespace latlab::remote {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Exit code of the check in front of every command: the host's binaries are
// missing or not ours.
constexpr int kStale = 97;

// sh -c SCRIPT sh CLI_SHA AGENT_SHA DIR ARGS...: the host's binaries are
// these (DIR/digests, written when they were copied and checked, names
// both), then execs the host's latlab with ARGS (stdin passes through).
const char* kCurrentScript =
    "d=$3; [ \"$(cat \"$d/digests\" 2>/dev/null)\" = \"$1 $2\" ] || exit 97; shift 3; "
    "exec \"$d/latlab\" \"$@\"";

// sh -c SCRIPT sh DIR NAME: stdin becomes DIR/NAME (mode 0755), atomically.
const char* kCopyScript =
    "umask 022 && mkdir -p \"$1\" && rm -f \"$1/digests\" && cat > \"$1/.$2.tmp\" && "
    "chmod 0755 \"$1/.$2.tmp\" && mv -f \"$1/.$2.tmp\" \"$1/$2\"";

// sh -c SCRIPT sh DIR CLI_SHA AGENT_SHA: both copies are what was sent; the
// stamp says so.
const char* kStampScript =
    "printf '%s  %s\\n' \"$2\" \"$1/latlab\" \"$3\" \"$1/latlab-agent\" | sha256sum -c --status && "
    "printf '%s %s\\n' \"$2\" \"$3\" > \"$1/digests\"";

// What the host's latlab needs besides itself (Debian packages).
const char* kRuntimePackages = "libnl-3-200 libnl-route-3-200 libsqlite3-0 libfmt9";

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::from_errno("read " + path, errno);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

template <class F>
std::vector<HostOutcome> on_every_host(size_t n, F f) {
  std::vector<HostOutcome> out(n);
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (size_t i = 0; i < n; ++i) threads.emplace_back([&, i] { out[i] = f(i); });
  for (auto& t : threads) t.join();
  return out;
}

}  // namespace

std::vector<topology::JHost> remote_hosts(const scenario::Lab& lab) {
  std::vector<topology::JHost> out;
  for (const auto& name : scenario::hosts_in_use(lab)) {
    const scenario::Host* h = lab.find_host(name);
    if (name == scenario::kLocalHost || h == nullptr) continue;
    out.push_back({h->name, h->address, h->user, h->port, h->identity, h->jump, {}, ""});
  }
  return out;
}

SshDestination destination_of(const topology::JHost& h) {
  return {.host_name = h.name,
          .user = h.user,
          .address = h.address,
          .port = h.port,
          .identity_file = h.identity,
          .jump = h.jump};
}

Result<SshOptions> fleet_ssh_options() {
  SshOptions o;
  const char* dir = std::getenv("LATLAB_SSH_CONTROL_DIR");
  o.control_dir = dir != nullptr && *dir != '\0' ? dir : "/run/latlab/.ssh";
  std::error_code ec;
  fs::create_directories(o.control_dir, ec);
  if (ec) return Error("create the SSH control directory " + o.control_dir + ": " + ec.message());
  if (::chmod(o.control_dir.c_str(), 0700) != 0)
    return Error::from_errno("chmod 0700 " + o.control_dir, errno);
  if (const char* kh = std::getenv("LATLAB_SSH_KNOWN_HOSTS"); kh != nullptr) o.known_hosts_file = kh;
  return o;
}

std::string part_payload(const std::string& scenario_file, const std::string& scenario_text,
                         const scenario::Lab& lab) {
  json hosts = json::array();
  for (const auto& h : lab.hosts)
    hosts.push_back({{"name", h.name},
                     {"address", h.address},
                     {"user", h.user},
                     {"port", h.port},
                     {"identity", h.identity},
                     {"jump", h.jump}});
  return json{{"scenario_file", scenario_file}, {"scenario", scenario_text}, {"hosts", hosts}}.dump();
}

Result<PartRequest> parse_part_payload(const std::string& text) {
  try {
    const json j = json::parse(text);
    PartRequest r;
    r.scenario_file = j.at("scenario_file").get<std::string>();
    r.scenario_text = j.at("scenario").get<std::string>();
    for (const auto& x : j.at("hosts")) {
      scenario::Host h;
      h.name = x.at("name").get<std::string>();
      h.address = x.at("address").get<std::string>();
      h.user = x.value("user", "");
      h.port = x.value("port", uint16_t{22});
      h.identity = x.value("identity", "");
      h.jump = x.value("jump", "");
      r.hosts.push_back(std::move(h));
    }
    return r;
  } catch (const std::exception& e) {
    return Error(std::string("the part request on stdin is not latlab's: ") + e.what(), EINVAL,
                 ExitCode::bad_input);
  }
}

Fleet::Fleet(process::ProcessLauncher& local, std::vector<topology::JHost> hosts, SshOptions options,
             Binaries bins, std::chrono::milliseconds timeout)
    : local_(local),
      hosts_(std::move(hosts)),
      options_(std::move(options)),
      bins_(std::move(bins)),
      timeout_(timeout),
      routing_(local) {
  for (const auto& h : hosts_) {
    ssh_.push_back(std::make_unique<SshLauncher>(local_, destination_of(h), options_));
    ssh_.back()->set_wrapper(kRemoteCli);
    routing_.add(h.name, *ssh_.back());
  }
}

Result<std::string> Fleet::local_digest(const std::string& path) {
  // The build's own (PATH.sha256) when it is not older than the file.
  std::error_code e1, e2;
  const auto t_file = fs::last_write_time(path, e1);
  const auto t_sum = fs::last_write_time(path + ".sha256", e2);
  if (!e1 && !e2 && t_sum >= t_file) {
    auto text = read_file(path + ".sha256");
    if (text && text->size() >= 64 && text->find_first_not_of("0123456789abcdef") >= 64) return text->substr(0, 64);
  }
  process::SpawnSpec spec;
  spec.argv = {"sha256sum", "--", path};
  spec.capture_stdout = true;
  auto child = local_.spawn(spec);
  if (!child) return std::move(child).error();
  auto done = process::finish(**child, std::chrono::seconds(60));
  if (!done) return std::move(done).error();
  if (done->exit_code != 0 || done->out.size() < 64)
    return Error("sha256sum " + path + ": " + process::last_stderr_line(done->err));
  return done->out.substr(0, 64);
}

Status Fleet::copy_binaries(size_t i) {
  SshLauncher& host = *ssh_[i];
  for (const auto& [path, name] : {std::pair{bins_.cli, "latlab"}, std::pair{bins_.agent, "latlab-agent"}}) {
    auto bytes = read_file(path);
    if (!bytes) return std::move(bytes).error();
    process::SpawnSpec spec;
    spec.argv = {"sh", "-c", kCopyScript, "sh", kRemoteBinDir, name};
    spec.capture_stdout = true;
    spec.stdin_text = std::move(*bytes);
    auto child = host.spawn(spec);
    if (!child) return std::move(child).error();
    auto done = process::finish(**child, timeout_);
    if (!done) return Error(done.error()).context(host.describe() + ": copy " + name);
    if (done->exit_code != 0)
      return Error(remote_exit_error(host, "copy " + std::string(name), *done).message());
  }
  process::SpawnSpec spec;
  spec.argv = {"sh", "-c", kStampScript, "sh", kRemoteBinDir, cli_digest_, agent_digest_};
  spec.capture_stdout = true;
  auto child = host.spawn(spec);
  if (!child) return std::move(child).error();
  auto done = process::finish(**child, timeout_);
  if (!done) return Error(done.error()).context(host.describe() + ": check the copies");
  if (done->exit_code != 0)
    return Error(host.describe() + ": latlab's binaries in " + kRemoteBinDir +
                 " are not what was sent (SHA-256 differs)");
  return Ok{};
}

HostOutcome Fleet::run_current(size_t i, const std::vector<std::string>& args, const std::string& stdin_text) {
  SshLauncher& host = *ssh_[i];
  HostOutcome out;
  out.host = hosts_[i].name;
  if (cli_digest_.empty() || agent_digest_.empty()) {
    out.error = host.describe() + ": latlab's own binaries could not be read (" + bins_.cli + ", " +
                bins_.agent + ")";
    return out;
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    process::SpawnSpec spec;
    spec.argv = {"sh", "-c", kCurrentScript, "sh", cli_digest_, agent_digest_, kRemoteBinDir};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.capture_stdout = true;
    if (!stdin_text.empty()) {
      // A request (`part-up`): one line, stdin kept open for the "commit"
      // that tells the host this latlab has its answer (a part nobody took
      // is removed there: cli/hosts_commands.cpp).
      spec.stdin_text = stdin_text + "\n";
      spec.stdin_open = true;
      spec.stdin_for_command = true;
    }
    auto child = host.spawn(spec);
    if (!child) {
      out.error = child.error().message();
      return out;
    }
    std::vector<std::string> answer;  // stdout up to the answer line, read before the rest
    if (spec.stdin_open) {
      while (true) {
        auto line = (*child)->read_line(timeout_);
        if (!line || !*line) break;  // the exit, or the time, is reported below
        answer.push_back(**line);
        if (!answer.back().empty() && answer.back()[0] == '{') {
          (void)(*child)->send_stdin("commit\n");
          break;
        }
      }
    }
    auto done = process::finish(**child, timeout_);
    if (!done) {
      out.error = Error(done.error()).context(host.describe() + ": latlab " + args[0]).message();
      return out;
    }
    if (done->exit_code == kStale && attempt == 0) {
      if (Status s = copy_binaries(i); !s) {
        out.error = s.error().message();
        return out;
      }
      out.copied = true;
      continue;
    }
    out.lines = std::move(answer);
    for (auto& l : lines_of(done->out)) out.lines.push_back(std::move(l));
    if (done->exit_code == 0) {
      out.ok = true;
      return out;
    }
    out.error = remote_exit_error(host, "latlab " + args[0], *done).message();
    if (done->exit_code == 127)
      out.error += std::string("; latlab needs its runtime packages there: ") + kRuntimePackages;
    return out;
  }
  out.error = host.describe() + ": latlab's binaries there are still not this latlab's after copying them";
  return out;
}

std::vector<HostOutcome> Fleet::up(const std::string& lab, const std::string& payload, bool describe) {
  auto cli = local_digest(bins_.cli);
  auto agent = local_digest(bins_.agent);
  if (cli) cli_digest_ = *cli;
  if (agent) agent_digest_ = *agent;
  auto out = on_every_host(hosts_.size(), [&](size_t i) {
    std::vector<std::string> args = {"part-up", hosts_[i].name};
    if (describe) args.push_back("--describe");
    HostOutcome o = run_current(i, args, payload);
    if (!o.ok) return o;
    try {
      std::string text;
      for (const auto& l : o.lines) text += l + "\n";
      const json j = json::parse(text);
      hosts_[i].nodes.clear();
      for (const auto& n : j.at("nodes"))
        hosts_[i].nodes.push_back(
            {n.at("name").get<std::string>(), n.value("kind", ""), n.value("netns", "")});
      if (describe)
        hosts_[i].info_json = json{{"machine", j.value("machine", json::object())},
                                   {"settings", j.value("settings", json::object())}}
                                  .dump();
    } catch (const std::exception& e) {
      o.ok = false;
      o.error = ssh_[i]->describe() + ": latlab part-up of lab \"" + lab + "\" answered no lab: " + e.what();
    }
    return o;
  });
  return out;
}

std::vector<HostOutcome> Fleet::cleanup(const std::string& lab, bool verbose) {
  if (cli_digest_.empty()) {
    if (auto d = local_digest(bins_.cli)) cli_digest_ = *d;
    if (auto d = local_digest(bins_.agent)) agent_digest_ = *d;
  }
  return on_every_host(hosts_.size(), [&](size_t i) {
    std::vector<std::string> args = {"cleanup", lab};
    if (verbose) args.push_back("-v");
    return run_current(i, args, "");
  });
}

void Fleet::close() {
  for (auto& s : ssh_) (void)close_master(*s, std::chrono::seconds(5));
}

std::string left_on_host(const topology::JHost& host, const std::string& lab) {
  std::string nodes;
  for (const auto& n : host.nodes)
    nodes += (nodes.empty() ? "" : ", ") + n.name + (n.netns.empty() ? "" : " (namespace " + n.netns + ")");
  return "left there: " + (nodes.empty() ? std::string("whatever its part had built") : "nodes " + nodes) +
         "; when it answers, run `latlab cleanup " + lab + "` here (or on the host itself)";
}

}  // namespace latlab::remote
