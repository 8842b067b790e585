#!/usr/bin/env bash
# Fails when a test, script or benchmark names a file outside the repository. Whoever clones the
# repository has nothing beside it, so everything the checks read must be tracked here (real logs:
# sample_logs/ and tests/fixtures/, each with its licence).
#
# Why a search and not a second run from a lone copy: CI itself runs in a clone that has other
# folders beside it, so a path that leaves the repository can pass there and fail for a
# stranger; running the whole suite again from an isolated copy would find it too, but would double
# a test run that is mostly build time. The test helpers that name real logs (`real_log` in the
# test crates) also refuse `..`, so a new test cannot slip past this through them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Where code and scripts live; fixtures and prose are data, not readers.
readers=(':(glob)**/*.rs' ':(glob)**/*.mjs' ':(glob)**/*.js' ':(glob)**/*.sh' ':(glob)**/Makefile'
  ':(glob)**/*.toml' ':(glob)**/*.yml' ':(exclude)tests/fixtures/**' ':(exclude)scripts/self-contained.sh')

# A folder laid beside our own checkouts (shared/), absolute paths of this machine, and the home
# directory's files other than the build cache.
pattern='\.\./shared|shared/data|/work/|/tmp/ci-|~/\.\./'
if hits=$(git grep --untracked -n -E "$pattern" -- "${readers[@]}"); then
  echo "These lines name files outside the repository; copy what they read into it:" >&2
  echo "$hits" >&2
  exit 1
fi

# A relative path climbing out of the repository from the file that names it: count the `../`
# of each literal against the file's depth.
status=0
while IFS=: read -r file line text; do
  depth=$(($(tr -cd '/' <<<"$file" | wc -c)))
  # A crate's CARGO_MANIFEST_DIR is the file's crate root, not the file's folder.
  case "$file" in
    crates/*/*) base_depth=2 ;;
    *) base_depth=$depth ;;
  esac
  if [[ "$text" == *CARGO_MANIFEST_DIR* || "$text" == *'.join("'* ]]; then depth=$base_depth; fi
  ups=$(grep -o -E '(\.\./)+' <<<"$text" | awk '{ n = gsub(/\.\.\//, ""); if (n > max) max = n } END { print max + 0 }')
  if ((ups > depth)); then
    echo "$file:$line climbs $ups folders from depth $depth: $text" >&2
    status=1
  fi
done < <(git grep --untracked -n -E '"(\.\./){2,}|'"'"'(\.\./){2,}' -- "${readers[@]}" || true)
exit $status
