// shell_quote and shell_command: the exact strings, and real shells splitting
// the line back into the same words (/bin/sh is dash on Debian; bash is
// root's login shell, the one sshd hands a remote command to).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "process/finish.h"
#include "process/real_launcher.h"
#include "remote/shell_quote.h"
#include "support/test_dir.h"

namespace latlab::remote {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(RemoteShellQuote, WrapsEveryWordInSingleQuotes) {
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("abc"), "'abc'");
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("'"), "''\\'''");
  EXPECT_EQ(shell_quote("$HOME `id` \\ \"x\" *"), "'$HOME `id` \\ \"x\" *'");
  EXPECT_EQ(shell_quote("a\nb"), "'a\nb'");
}

TEST(RemoteShellQuote, CommandJoinsTheQuotedWords) {
  EXPECT_EQ(shell_command({"echo", "a b", "it's"}), "'echo' 'a b' 'it'\\''s'");
  EXPECT_EQ(shell_command({"x", ""}), "'x' ''");
  EXPECT_EQ(shell_command({}), "");
}

// Words a shell would otherwise split, expand, glob or treat as syntax.
const std::vector<std::string> nasty_words = {
    "a b",  "it's", "'",  "''", "$HOME", "${PATH}", "$(id)",  "`id`",  "\\", "\\'", "\"",
    "a\nb", "\n",   "",   "*",  "?",     "[a]",     "~",      "~root", ";",  "&&",  "|",
    "#",    "!",    "-n", "--", "\t",    " lead",   "trail ", "é",     "%s"};

// The words `shell -c LINE` gives printf, one per NUL.
std::vector<std::string> split_by(const std::string& shell, const std::string& line, const fs::path& out) {
  process::SpawnSpec spec;
  spec.argv = {shell, "-c", line};
  spec.stdout_file = out.string();
  process::RealLauncher launcher;
  auto child = launcher.spawn(spec);
  EXPECT_TRUE(child.ok()) << child.error().message();
  if (!child) return {};
  auto done = process::finish(**child, 10s);
  EXPECT_TRUE(done.ok()) << done.error().message();
  EXPECT_EQ(done->exit_code, 0) << done->err;
  std::ifstream in(out, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::vector<std::string> words;
  std::string text = ss.str(), word;
  for (char c : text) {
    if (c == '\0') {
      words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  return words;
}

TEST(RemoteShellQuote, ShellsSplitTheLineBackIntoTheWords) {
  const fs::path dir = test::fresh_test_dir("latlab-shell-quote");
  std::vector<std::string> argv = {"printf", "%s\\0"};
  argv.insert(argv.end(), nasty_words.begin(), nasty_words.end());
  for (const char* shell : {"/bin/sh", "/bin/bash"}) {
    SCOPED_TRACE(shell);
    EXPECT_EQ(split_by(shell, shell_command(argv), dir / "out"), nasty_words);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace latlab::remote
