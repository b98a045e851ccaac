// The process's progress counter (model/progress.h).
#include "model/progress.h"

namespace sgopt {

Progress& work_progress() {
  static Progress progress;
  return progress;
}

}  // namespace sgopt
