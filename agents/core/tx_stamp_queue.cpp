#include "core/tx_stamp_queue.h"

namespace latlab::agent {

void TxStampQueue::drain(int fd, ProbeSink& sink) {
  bool more = true;
  while (more) {
    for (const TxStamp& stamp : reader_.read(fd, more)) {
      std::uint64_t seq = 0;
      if (keys_.lookup(stamp.key, seq)) sink.tx_stamp(seq, stamp.realtime_ns);
    }
  }
}

}  // namespace latlab::agent
