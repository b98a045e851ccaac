// A Z3 context owned behind a forward declaration.
#include "solver/proof_session.h"

#include <z3++.h>

namespace sgopt {

ProofSession::ProofSession() : ctx_(std::make_unique<z3::context>()) {}
ProofSession::~ProofSession() = default;

}  // namespace sgopt
