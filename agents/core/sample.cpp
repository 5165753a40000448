#include "core/sample.h"

namespace latlab::agent {

const char* sample_status_name(SampleStatus status) {
  switch (status) {
    case SampleStatus::ok: return "ok";
    case SampleStatus::lost: return "lost";
    case SampleStatus::late: return "late";
  }
  return "lost";
}

}  // namespace latlab::agent
