#include "remote/ssh_argv.h"

#include <optional>

#include "remote/shell_quote.h"

namespace latlab::remote {

namespace {

std::string q(const std::string& s) { return "\"" + s + "\""; }

bool is_space_or_control(char c) { return c == ' ' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

// What makes ssh read a word otherwise than literally: in an -o value
// whitespace and quotes split or join words and a backslash escapes; in
// paths and names '%' starts a token; a word starting with '-' is an option.
std::optional<std::string> word_problem(const std::string& word, bool path) {
  if (word.empty()) return "is empty";
  if (word[0] == '-') return "starts with '-'";
  if (path && word[0] != '/') return "is not an absolute path";
  for (char c : word) {
    if (is_space_or_control(c)) return "holds whitespace or a control character";
    if (c == '"' || c == '\'' || c == '\\' || c == '%') return std::string("holds '") + c + "'";
  }
  return std::nullopt;
}

Status check_word(const std::string& what, const std::string& word, bool path) {
  if (auto problem = word_problem(word, path)) return Error(what + " " + q(word) + " " + *problem, EINVAL);
  return Ok{};
}

Status check_name(const std::string& name) {
  const bool plain =
      !name.empty() && name[0] != '.' &&
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
          std::string::npos;
  if (plain) return Ok{};
  return Error("host name " + q(name) + " must be letters, digits, '.', '_' and '-', not starting with '.'",
               EINVAL);
}

Status check_limits(const SshOptions& o) {
  const std::pair<const char*, int> limits[] = {{"connect_timeout_s", o.connect_timeout_s},
                                                {"keepalive_interval_s", o.keepalive_interval_s},
                                                {"keepalive_count", o.keepalive_count},
                                                {"control_persist_s", o.control_persist_s}};
  for (const auto& [name, value] : limits) {
    // 0 means "never" to ssh: no timeout, no keepalive, a master kept forever.
    if (value < 1)
      return Error(std::string(name) + " is " + std::to_string(value) + "; it must be at least 1", EINVAL);
  }
  return Ok{};
}

Status check_all(const SshDestination& d, const SshOptions& o) {
  LATLAB_TRY(check_name(d.host_name));
  LATLAB_TRY(check_word("address", d.address, false));
  if (d.port == 0) return Error("port 0: a port is 1 to 65535", EINVAL);
  if (!d.user.empty()) LATLAB_TRY(check_word("user", d.user, false));
  if (!d.jump.empty()) LATLAB_TRY(check_word("jump", d.jump, false));
  if (!d.identity_file.empty()) LATLAB_TRY(check_word("identity file", d.identity_file, true));
  if (!o.known_hosts_file.empty()) LATLAB_TRY(check_word("known hosts file", o.known_hosts_file, true));
  LATLAB_TRY(check_word("control directory", o.control_dir, true));
  LATLAB_TRY(check_limits(o));
  const std::string path = control_path(d, o);
  if (path.size() > max_control_path)
    return Error("control path " + q(path) + " is " + std::to_string(path.size()) +
                     " bytes; ssh can use at most " + std::to_string(max_control_path) +
                     " (a unix socket path): use a shorter control directory",
                 ENAMETOOLONG);
  return Ok{};
}

// The options of every connection, before the destination.
std::vector<std::string> connection_options(const SshDestination& d, const SshOptions& o) {
  // One option a line.
  // clang-format off
  std::vector<std::string> a = {
      "ssh",
      // Unattended: a password or host-key question fails instead of waiting.
      "-o", "BatchMode=yes",
      // stderr stays the remote command's own plus SSH's errors (no
      // "Permanently added ..." warnings).
      "-o", "LogLevel=ERROR",
      "-o", "ControlMaster=auto",
      "-o", "ControlPath=" + control_path(d, o),
      "-o", "ControlPersist=" + std::to_string(o.control_persist_s),
      "-o", "ConnectTimeout=" + std::to_string(o.connect_timeout_s),
      "-o", "ServerAliveInterval=" + std::to_string(o.keepalive_interval_s),
      "-o", "ServerAliveCountMax=" + std::to_string(o.keepalive_count),
      "-o", std::string("StrictHostKeyChecking=") + (o.accept_new_host_keys ? "accept-new" : "yes")};
  // clang-format on
  if (!o.known_hosts_file.empty()) a.insert(a.end(), {"-o", "UserKnownHostsFile=" + o.known_hosts_file});
  a.insert(a.end(), {"-p", std::to_string(d.port)});
  // Only this key: with an agent full of keys, sshd's MaxAuthTries could end
  // the login before the right one is offered.
  if (!d.identity_file.empty()) a.insert(a.end(), {"-i", d.identity_file, "-o", "IdentitiesOnly=yes"});
  if (!d.jump.empty()) a.insert(a.end(), {"-J", d.jump});
  if (!d.user.empty()) a.insert(a.end(), {"-l", d.user});
  return a;
}

}  // namespace

std::string control_path(const SshDestination& dest, const SshOptions& options) {
  return options.control_dir + "/" + dest.host_name;
}

std::string describe(const SshDestination& d) {
  std::string where = d.user.empty() ? "" : d.user + "@";
  where += d.address.find(':') == std::string::npos ? d.address : "[" + d.address + "]";
  where += ":" + std::to_string(d.port);
  if (!d.jump.empty()) where += " via " + d.jump;
  return "host " + q(d.host_name) + " (" + where + ")";
}

Status check_destination(const SshDestination& dest, const SshOptions& options) {
  if (Status s = check_all(dest, options); !s) return Error(s.error()).context(describe(dest));
  return Ok{};
}

Result<std::vector<std::string>> ssh_argv(const SshDestination& dest, const SshOptions& options,
                                          const std::vector<std::string>& remote_argv) {
  LATLAB_TRY(check_destination(dest, options));
  if (remote_argv.empty()) return Error(describe(dest) + ": no remote command", EINVAL);
  auto a = connection_options(dest, options);
  // No terminal; "--" ends ssh's options; sshd hands the one command word to
  // the remote user's shell, which splits it back into remote_argv.
  a.insert(a.end(), {"-T", "--", dest.address, shell_command(remote_argv)});
  return a;
}

Result<std::vector<std::string>> ssh_control_argv(const SshDestination& dest, const SshOptions& options,
                                                  const std::string& operation) {
  LATLAB_TRY(check_destination(dest, options));
  return std::vector<std::string>{
      "ssh",     "-o", "BatchMode=yes", "-o", "ControlPath=" + control_path(dest, options), "-O",
      operation, "--", dest.address};
}

}  // namespace latlab::remote
