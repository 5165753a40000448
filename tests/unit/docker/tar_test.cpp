// The ustar writer: header fields byte by byte, and GNU tar reading the
// archive back (names, modes, sizes, contents).
#include "docker/tar.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace latlab::docker {
namespace {

struct Run {
  int exit_code = -1;
  std::string out;
};

// argv's exit code and stdout (stderr goes to the test's).
Run run(const std::vector<std::string>& argv) {
  Run r;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return r;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string field(const std::string& tar, size_t off, size_t len) {
  std::string s = tar.substr(off, len);
  return s.substr(0, s.find('\0'));
}

TEST(TarWriter, HeaderFields) {
  TarWriter w;
  ASSERT_TRUE(w.add_file("latlab-agent", "hello", 0755, 1700000000));
  const std::string tar = std::move(w).finish();
  ASSERT_EQ(tar.size(), 512u + 512u + 1024u);  // header, one data block, two zero blocks
  EXPECT_EQ(field(tar, 0, 100), "latlab-agent");
  EXPECT_EQ(field(tar, 100, 8), "0000755");
  EXPECT_EQ(field(tar, 108, 8), "0000000");
  EXPECT_EQ(field(tar, 124, 12), "00000000005");
  EXPECT_EQ(std::strtoll(field(tar, 136, 12).c_str(), nullptr, 8), 1700000000);
  EXPECT_EQ(tar[156], '0');
  EXPECT_EQ(tar.substr(257, 8), std::string("ustar\0" "00", 8));
  EXPECT_EQ(field(tar, 265, 32), "root");
  // The checksum: the header's bytes, its own field counted as spaces.
  std::string h = tar.substr(0, 512);
  const unsigned stored = static_cast<unsigned>(std::strtoul(field(h, 148, 8).c_str(), nullptr, 8));
  std::fill(h.begin() + 148, h.begin() + 156, ' ');
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  EXPECT_EQ(stored, sum);
  EXPECT_EQ(tar.substr(512, 5), "hello");
  EXPECT_EQ(tar.substr(517), std::string(512 - 5 + 1024, '\0'));
}

TEST(TarWriter, LongNamesUsePrefixOrFail) {
  TarWriter w;
  const std::string dir(120, 'd');
  ASSERT_TRUE(w.add_file(dir + "/file", "", 0644));
  const std::string tar = std::move(w).finish();
  EXPECT_EQ(field(tar, 0, 100), "file");
  EXPECT_EQ(field(tar, 345, 155), dir);
  TarWriter w2;
  auto bad = w2.add_file(std::string(300, 'x'), "", 0644);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().sys_errno(), EINVAL);
}

TEST(TarWriter, GnuTarReadsItBack) {
  if (::access("/bin/tar", X_OK) != 0) GTEST_SKIP() << "no /bin/tar";
  TarWriter w;
  std::string big(5000, 'x');
  big[4999] = 'y';
  ASSERT_TRUE(w.add_file("Dockerfile", "FROM scratch\n", 0644, 1700000000));
  ASSERT_TRUE(w.add_file("bin/latlab-agent", big, 0755, 1700000000));
  const auto path = std::filesystem::temp_directory_path() / ("latlab-tar-test-" + std::to_string(::getpid()) + ".tar");
  {
    std::ofstream out(path, std::ios::binary);
    out << std::move(w).finish();
  }
  const auto list = run({"/bin/tar", "--numeric-owner", "--utc", "-tvf", path.string()});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_EQ(list.out,
            "-rw-r--r-- 0/0              13 2023-11-14 22:13 Dockerfile\n"
            "-rwxr-xr-x 0/0            5000 2023-11-14 22:13 bin/latlab-agent\n");
  const auto data = run({"/bin/tar", "-xOf", path.string(), "bin/latlab-agent"});
  EXPECT_EQ(data.exit_code, 0);
  EXPECT_EQ(data.out, big);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace latlab::docker
