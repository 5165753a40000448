// Quoting for a POSIX shell. sshd hands the remote command to the remote
// user's shell as one string (`$SHELL -c STRING`), so an argv that must reach
// the remote program word for word travels as one command line in which
// every word is quoted.
#pragma once

#include <string>
#include <vector>

namespace latlab::remote {

// word in single quotes, inside which nothing is special but the quote
// itself; a quote is written '\'' (close, an escaped quote, reopen). The
// empty word is ''.
std::string shell_quote(const std::string& word);

// The words quoted and joined by spaces: a command line that a POSIX shell
// (sh, dash, bash, zsh; not csh or fish) splits back into exactly argv.
std::string shell_command(const std::vector<std::string>& argv);

}  // namespace latlab::remote
