// The pass registry.
#include "passes/pass.h"
