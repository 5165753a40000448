#include "util/result.h"

#include <cstring>

namespace latlab {

const char* errno_name(int err) {
  switch (err) {
#define X(e) \
  case e:    \
    return #e;
    X(EPERM) X(ENOENT) X(ESRCH) X(EINTR) X(EIO) X(ENXIO) X(E2BIG) X(EBADF) X(EAGAIN)
    X(ENOMEM) X(EACCES) X(EFAULT) X(EBUSY) X(EEXIST) X(ENODEV) X(ENOTDIR) X(EISDIR)
    X(EINVAL) X(ENFILE) X(EMFILE) X(ENOSPC) X(ERANGE) X(ENOSYS) X(ENOTEMPTY) X(ENODATA)
    X(ETIME) X(EPROTO) X(EMSGSIZE) X(EPROTONOSUPPORT) X(EOPNOTSUPP) X(EAFNOSUPPORT)
    X(EADDRINUSE) X(EADDRNOTAVAIL) X(ENETDOWN) X(ENETUNREACH) X(ECONNREFUSED)
    X(ETIMEDOUT) X(EHOSTUNREACH) X(ENOBUFS)
#undef X
    default:
      return "";
  }
}

Error Error::from_errno(const std::string& what, int err) {
  std::string msg = what + ": " + std::strerror(err);
  const char* name = errno_name(err);
  if (*name != '\0') {
    msg += " (";
    msg += name;
    msg += ")";
  }
  return Error(std::move(msg), err);
}

}  // namespace latlab
