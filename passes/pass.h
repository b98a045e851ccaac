// The pass interface and registry (analyses and transforms are registered by name in passes.def).
#pragma once

namespace sgopt {}
