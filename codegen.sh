#!/usr/bin/env bash
# Regenerates generated/openai_org_usage_client and the facade's generated modules
# (facade/openai_org_usage/_spec.py and _methods.py, by tools/gen_facade.py) from openapi/usage.yaml.
#
#   ./codegen.sh                          regenerate both in place
#   ./codegen.sh --check                  exit 1 and list the files when either is stale
#   ./codegen.sh --compare-upstream FILE  report client-relevant drift between a full upstream
#                                         OpenAPI description and openapi/usage.yaml
#   ./codegen.sh --compare-sdk WHEEL      report drift between the official `openai` SDK's types
#                                         (its wheel or unpacked package, parsed, not imported)
#                                         and openapi/usage.yaml
#   ./codegen.sh --compare-all FILE WHEEL both of the above: what changed upstream, in one
#                                         command; exit 1 if either finds drift
#
# Tools come from $PYTHON (default: .venv/bin/python if present, else python3) and must be the
# pinned versions below (`pip install -e '.[dev]'`). Nothing is downloaded: this works offline.
set -euo pipefail

GENERATOR_VERSION="0.29.1"
RUFF_VERSION="0.17.5"
PACKAGE="openai_org_usage_client"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi

die() { echo "codegen.sh: $*" >&2; exit 2; }

mode="write"
case "${1:-}" in
  "") ;;
  --check) mode="check" ;;
  --compare-upstream)
    [[ $# -eq 2 ]] || die "usage: codegen.sh --compare-upstream UPSTREAM_OPENAPI_FILE"
    exec "$PYTHON" tools/compare_upstream.py "$2" openapi/usage.yaml ;;
  --compare-sdk)
    [[ $# -eq 2 ]] || die "usage: codegen.sh --compare-sdk OPENAI_WHEEL_OR_DIR"
    exec "$PYTHON" tools/compare_sdk.py "$2" openapi/usage.yaml ;;
  --compare-all)
    [[ $# -eq 3 ]] || die "usage: codegen.sh --compare-all UPSTREAM_OPENAPI_FILE OPENAI_WHEEL_OR_DIR"
    upstream_status=0 sdk_status=0
    echo "== Published OpenAPI description ($2) vs openapi/usage.yaml"
    "$PYTHON" tools/compare_upstream.py "$2" openapi/usage.yaml || upstream_status=$?
    echo
    echo "== Official SDK ($3) vs openapi/usage.yaml"
    "$PYTHON" tools/compare_sdk.py "$3" openapi/usage.yaml || sdk_status=$?
    # An input error (2) outranks drift (1), which outranks none (0).
    if ((upstream_status == 2 || sdk_status == 2)); then exit 2; fi
    if ((upstream_status == 1 || sdk_status == 1)); then exit 1; fi
    exit 0 ;;
  -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument '$1' (expected --check, --compare-upstream FILE, --compare-sdk WHEEL, --compare-all FILE WHEEL or nothing)" ;;
esac

have_generator="$("$PYTHON" -c 'import importlib.metadata as m; print(m.version("openapi-python-client"))' 2>/dev/null || true)"
have_ruff="$("$PYTHON" -m ruff --version 2>/dev/null | awk '{print $2}' || true)"
[[ "$have_generator" == "$GENERATOR_VERSION" ]] ||
  die "needs openapi-python-client==$GENERATOR_VERSION in $PYTHON (found '${have_generator:-none}'); run: pip install -e '.[dev]'"
[[ "$have_ruff" == "$RUFF_VERSION" ]] ||
  die "needs ruff==$RUFF_VERSION in $PYTHON (found '${have_ruff:-none}'); run: pip install -e '.[dev]'"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/$PACKAGE"

# --fail-on-warning makes the generator exit non-zero on any warning; the grep catches
# warnings it prints without failing (e.g. skipped schemas).
if ! "$PYTHON" -m openapi_python_client generate \
      --path openapi/usage.yaml --config openapi/codegen.yaml --meta none \
      --custom-template-path openapi/templates \
      --output-path "$out" --fail-on-warning >"$work/generator.log" 2>&1 \
   || grep -qi "warning" "$work/generator.log"; then
  cat "$work/generator.log" >&2
  die "the generator failed or warned; fix openapi/usage.yaml"
fi

# --isolated: output must not depend on any ruff config found on this machine or in the repo.
ruff_opts=(--isolated --target-version py311 --line-length 100)
"$PYTHON" -m ruff check "${ruff_opts[@]}" --select E,F,I --fix-only --quiet "$out" || true
"$PYTHON" -m ruff format "${ruff_opts[@]}" --quiet "$out"
: >"$out/py.typed"

# The facade's operation table and typed client methods, from the same fragment and config,
# formatted by the same pinned ruff.
facade_out="$work/facade"
"$PYTHON" tools/gen_facade.py openapi/usage.yaml openapi/codegen.yaml "$facade_out" ||
  die "tools/gen_facade.py cannot describe openapi/usage.yaml (see above)"
"$PYTHON" -m ruff check "${ruff_opts[@]}" --select E,F,I --fix-only --quiet "$facade_out" || true
"$PYTHON" -m ruff format "${ruff_opts[@]}" --quiet "$facade_out"
FACADE_FILES=(_spec.py _methods.py)

if [[ "$mode" == "check" ]]; then
  stale=0
  if ! diff -rq -x __pycache__ "$out" "generated/$PACKAGE" >"$work/diff.txt" 2>&1; then
    echo "generated/$PACKAGE is out of date with openapi/usage.yaml; run ./codegen.sh. Differences:" >&2
    sed -e "s#$work/##g" "$work/diff.txt" >&2
    stale=1
  fi
  for file in "${FACADE_FILES[@]}"; do
    if ! cmp -s "$facade_out/$file" "facade/openai_org_usage/$file"; then
      echo "facade/openai_org_usage/$file is out of date with openapi/usage.yaml; run ./codegen.sh." >&2
      stale=1
    fi
  done
  [[ $stale -eq 0 ]] || exit 1
  echo "generated/$PACKAGE and facade/openai_org_usage/{${FACADE_FILES[0]},${FACADE_FILES[1]}} are up to date."
  exit 0
fi

rm -rf "generated/$PACKAGE"
mkdir -p generated
cp -R "$out" "generated/$PACKAGE"
for file in "${FACADE_FILES[@]}"; do
  cp "$facade_out/$file" "facade/openai_org_usage/$file"
done
echo "Regenerated generated/$PACKAGE and facade/openai_org_usage/{${FACADE_FILES[0]},${FACADE_FILES[1]}} from openapi/usage.yaml."
