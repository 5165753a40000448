// Helpers shared by the topology integration and e2e tests: run argv
// commands, snapshot what the host looks like, random lab names.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace latlab::test {

struct Run {
  int code = -1;
  std::string out;
};

// Runs argv (no shell), stdout+stderr captured.
inline Run run(const std::vector<std::string>& args) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(p[1], 1);
    ::dup2(p[1], 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(p[1]);
  Run r;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(p[0], buf, sizeof(buf))) > 0) r.out.append(buf, static_cast<size_t>(n));
  ::close(p[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

// Starts argv (no shell) with stdout and stderr to /dev/null; its PID.
inline pid_t spawn_silent(const std::vector<std::string>& args) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

inline std::string random_lab() {
  std::random_device rd;
  char b[16];
  std::snprintf(b, sizeof(b), "t%06x", rd() & 0xffffff);
  return b;
}

// Lines of `text` without those mentioning other tests' objects (other suites
// run concurrently on this machine and use the "latlabt" prefix).
inline std::string drop_foreign(const std::string& text, const std::string& keep_lab) {
  std::stringstream in(text), out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("latlabt") != std::string::npos && line.find(keep_lab) == std::string::npos) continue;
    if (line.find("Warning: iptables-legacy") != std::string::npos) continue;
    out << line << "\n";
  }
  return out.str();
}

// "gc_timer  225.90" -> "gc_timer": bridge timers tick between snapshots.
inline std::string strip_timers(const std::string& line) {
  std::string out;
  size_t i = 0;
  while (i < line.size()) {
    size_t p = line.find("_timer ", i);
    if (p == std::string::npos) {
      out += line.substr(i);
      break;
    }
    out += line.substr(i, p + 6 - i);
    size_t j = p + 6;
    while (j < line.size() && line[j] == ' ') ++j;
    size_t k = j;
    while (k < line.size() && (std::isdigit(static_cast<unsigned char>(line[k])) || line[k] == '.')) ++k;
    i = k > j ? k : p + 6;
  }
  return out;
}

// Names of kernel objects that belong to latlab labs other than `keep_lab`
// (tests run concurrently): interfaces marked "latlab:<other>", namespaces
// "latlab-<other>-*", and the marks themselves.
inline std::vector<std::string> foreign_lab_names(const std::string& keep_lab) {
  std::vector<std::string> names;
  std::stringstream links(run({"ip", "-o", "link", "show"}).out);
  std::string line;
  while (std::getline(links, line)) {
    auto a = line.find(" alias latlab:");
    if (a == std::string::npos) continue;
    std::string mark = line.substr(a + 7);
    mark = mark.substr(0, mark.find_first_of(" \\\n"));
    if (mark == "latlab:" + keep_lab) continue;
    auto c1 = line.find(": ");
    auto c2 = line.find_first_of(":@", c1 + 2);
    if (c1 != std::string::npos && c2 != std::string::npos) names.push_back(line.substr(c1 + 2, c2 - c1 - 2));
    names.push_back(mark);
  }
  std::stringstream ns(run({"ip", "netns", "list"}).out);
  while (std::getline(ns, line)) {
    if (line.rfind("latlab-", 0) == 0 && line.rfind("latlab-" + keep_lab + "-", 0) != 0) {
      names.push_back(line.substr(0, line.find(' ')));
    }
  }
  return names;
}

inline bool mentions_word(const std::string& line, const std::string& word) {
  for (size_t p = line.find(word); p != std::string::npos; p = line.find(word, p + 1)) {
    auto edge = [](char c) { return !(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'); };
    bool left = p == 0 || edge(line[p - 1]);
    bool right = p + word.size() >= line.size() || edge(line[p + word.size()]);
    if (left && right) return true;
  }
  return false;
}

// docker0 has carrier while any container is on it, and the kernel says so
// in its link and route lines: Docker's state, not something latlab changes.
inline std::string without_docker0_carrier(const std::string& text) {
  std::stringstream in(text), out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("docker0") != std::string::npos) {
      for (const char* w : {" linkdown", "NO-CARRIER,", "LOWER_UP,"}) {
        for (auto p = line.find(w); p != std::string::npos; p = line.find(w)) line.erase(p, std::strlen(w));
      }
      for (const char* st : {"state UP", "state DOWN"}) {
        if (auto p = line.find(st); p != std::string::npos) line.replace(p, std::strlen(st), "state -");
      }
    }
    out << line << "\n";
  }
  return out.str();
}

// What "the host is identical" means for the topology tests. Objects of other
// latlab labs (concurrent tests) are left out; `keep_lab`'s are kept.
inline std::string host_snapshot(const std::string& keep_lab = "") {
  std::string s;
  auto add = [&](const std::vector<std::string>& args) {
    s += "$";
    for (const auto& a : args) s += " " + a;
    s += "\n" + run(args).out;
  };
  add({"ip", "-d", "-o", "link", "show"});
  add({"ip", "netns", "list"});
  add({"ip", "-o", "addr", "show"});
  add({"ip", "route", "show", "table", "all"});
  add({"ip", "-6", "route", "show", "table", "all"});
  add({"bridge", "link", "show"});
  add({"iptables", "-S", "FORWARD"});
  add({"ip6tables", "-S", "FORWARD"});
  add({"sysctl", "net.ipv4.ip_forward", "net.ipv4.icmp_ratelimit", "net.ipv4.conf.all.rp_filter",
       "net.ipv4.conf.default.rp_filter", "net.ipv6.conf.all.forwarding", "net.bridge.bridge-nf-call-iptables",
       "net.bridge.bridge-nf-call-ip6tables", "net.core.netdev_max_backlog"});
  const std::vector<std::string> foreign = foreign_lab_names(keep_lab);
  std::stringstream in(without_docker0_carrier(drop_foreign(s, "\x01"))), out;
  std::string line;
  while (std::getline(in, line)) {
    bool skip = false;
    for (const auto& f : foreign) skip = skip || mentions_word(line, f);
    if (skip) continue;
    // link-local v6 addresses of unrelated interfaces keep their state; drop
    // lifetimes and timers that tick
    auto p = line.find("valid_lft");
    if (p != std::string::npos) line = line.substr(0, p);
    line = strip_timers(line);
    out << line << "\n";
  }
  return out.str();
}

// iptables FORWARD rules, without other labs' latlab rules.
inline std::string forward_rules(const std::string& keep_lab) {
  std::stringstream in(run({"iptables", "-S", "FORWARD"}).out), out;
  std::string line;
  while (std::getline(in, line)) {
    auto p = line.find("latlab:");
    if (p != std::string::npos && line.find("latlab:" + keep_lab + "\"") == std::string::npos &&
        line.find("latlab:" + keep_lab + " ") == std::string::npos) {
      continue;
    }
    out << line << "\n";
  }
  return out.str();
}

// Everything of a lab still in the kernel or on disk ("" = nothing).
inline std::string lab_leftovers(const std::string& lab) {
  std::string left;
  std::stringstream ns(run({"ip", "netns", "list"}).out);
  std::string line;
  while (std::getline(ns, line)) {
    if (line.rfind("latlab-" + lab + "-", 0) == 0) left += "netns " + line + "\n";
  }
  std::stringstream links(run({"ip", "-d", "-o", "link", "show"}).out);
  while (std::getline(links, line)) {
    if (line.find("alias latlab:" + lab + " ") != std::string::npos ||
        line.find("alias latlab:" + lab + "\\") != std::string::npos) {
      left += "link " + line.substr(0, 60) + "\n";
    }
  }
  std::stringstream fw(run({"iptables", "-S", "FORWARD"}).out);
  while (std::getline(fw, line)) {
    if (line.find("latlab:" + lab + "\"") != std::string::npos || line.find("latlab:" + lab + " ") != std::string::npos) {
      left += "rule " + line + "\n";
    }
  }
  if (::access(("/run/latlab/" + lab).c_str(), F_OK) == 0) left += "dir /run/latlab/" + lab + "\n";
  return left;
}

}  // namespace latlab::test
