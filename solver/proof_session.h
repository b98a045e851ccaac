// One Z3 context for the proofs of one thread, so that callers outside solver/ and passes/*.cpp can
// keep a context alive across many proofs without including Z3's headers. Never share one session
// between threads.
#pragma once

#include <memory>

namespace z3 {
class context;
}  // namespace z3

namespace sgopt {

class ProofSession {
 public:
  ProofSession();
  ~ProofSession();
  ProofSession(const ProofSession&) = delete;
  ProofSession& operator=(const ProofSession&) = delete;

  z3::context& context() { return *ctx_; }

 private:
  std::unique_ptr<z3::context> ctx_;
};

}  // namespace sgopt
