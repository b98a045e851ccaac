#!/usr/bin/env bash
# Keeps the layers true (DESIGN.md): model <- solver <- passes <- tool.
#   check_layers.sh ROOT        checks the sources under ROOT; prints each violation, exit 1 if any
#   check_layers.sh --self-test plants one violation of each rule in a scratch tree and checks that
#                               every one is reported
# Rules: only solver/ and passes/*.cpp may include Z3 (z3++.h, or solver/encoding.h which includes
# it), so no public header of passes/ and nothing in model/ or tool/; only model/ parses JSON or YAML; and
# no include runs upward (model includes no solver/passes/tool, solver no passes/tool, passes no tool).
set -u

check() {
  local root=$1 bad=0
  report() { echo "layers: $1"; bad=1; }
  cd "$root" || exit 2
  local z3='#include *[<"](z3\+\+\.h|solver/encoding\.h)[>"]'
  while IFS= read -r f; do report "$f includes Z3 (only solver/ and passes/*.cpp may)"; done < <(
    grep -rlE "$z3" model tool --include='*.h' --include='*.cpp' 2>/dev/null
    grep -rlE "$z3" passes --include='*.h' 2>/dev/null)
  local parse='(json|Json|ordered_json)::parse\(|#include *"model/json/(reader|yaml)\.h"|#include *"model/aws/doc_loader\.h"|#include *<yaml-cpp/'
  while IFS= read -r f; do report "$f parses JSON or YAML (only model/ may)"; done < <(
    grep -rlE "$parse" solver passes tool --include='*.h' --include='*.cpp' 2>/dev/null)
  while IFS= read -r f; do report "$f uses nlohmann JSON below the CLI"; done < <(
    grep -rlE '#include *<nlohmann/' solver passes --include='*.h' --include='*.cpp' 2>/dev/null)
  while IFS= read -r f; do report "$f in model/ includes a higher layer"; done < <(
    grep -rlE '#include *"(solver|passes|tool)/' model --include='*.h' --include='*.cpp' 2>/dev/null)
  while IFS= read -r f; do report "$f in solver/ includes a higher layer"; done < <(
    grep -rlE '#include *"(passes|tool)/' solver --include='*.h' --include='*.cpp' 2>/dev/null)
  while IFS= read -r f; do report "$f in passes/ includes tool/"; done < <(
    grep -rlE '#include *"tool/' passes --include='*.h' --include='*.cpp' 2>/dev/null)
  return $bad
}

self_test() {
  tmp=$(mktemp -d) || exit 2
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp"/{model,solver,passes/analyses,tool}
  echo '#include <z3++.h>' > "$tmp/tool/a.cpp"
  echo '#include "solver/encoding.h"' > "$tmp/passes/analyses/b.h"
  echo 'auto j = nlohmann::json::parse(text);' > "$tmp/tool/c.cpp"
  echo '#include <nlohmann/json.hpp>' > "$tmp/solver/d.cpp"
  echo '#include "passes/pass.h"' > "$tmp/model/e.h"
  echo '#include "tool/cli.h"' > "$tmp/solver/f.cpp"
  echo '#include "tool/cli.h"' > "$tmp/passes/g.cpp"
  echo '#include <yaml-cpp/yaml.h>' > "$tmp/tool/h.cpp"
  echo '#include <z3++.h>' > "$tmp/passes/ok.cpp"
  local out
  out=$(check "$tmp")
  local missing=0
  for f in tool/a.cpp passes/analyses/b.h tool/c.cpp solver/d.cpp model/e.h solver/f.cpp passes/g.cpp tool/h.cpp; do
    grep -q "^layers: $f " <<<"$out" || { echo "self-test: $f was not reported"; missing=1; }
  done
  grep -q "passes/ok.cpp" <<<"$out" && { echo "self-test: passes/ok.cpp was reported"; missing=1; }
  [ $missing -eq 0 ] && echo "self-test: every planted violation was reported"
  return $missing
}

case "${1:-}" in
  --self-test) self_test ;;
  "") echo "usage: check_layers.sh ROOT | --self-test" >&2; exit 2 ;;
  *) check "$1" && echo "layers: model <- solver <- passes <- tool holds" ;;
esac
