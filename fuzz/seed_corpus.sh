#!/bin/sh
# Fills fuzz/corpus/{check,manifest} with the repository's own programs and manifests, the
# best starting points for the fuzzer. Run from anywhere; re-running only adds files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mkdir -p "$here/corpus/check" "$here/corpus/manifest"
find "$root/examples" "$root/tests" "$root/stdlib" -name '*.jan' -type f 2>/dev/null | while read -r f; do
    cp "$f" "$here/corpus/check/$(printf '%s' "$f" | sha1sum | cut -c1-16).jan"
done
find "$root" -name 'janus.toml' -type f -not -path '*/target/*' -not -path '*/fuzz/*' 2>/dev/null | while read -r f; do
    cp "$f" "$here/corpus/manifest/$(printf '%s' "$f" | sha1sum | cut -c1-16).toml"
done
echo "corpus: $(ls "$here/corpus/check" | wc -l) programs, $(ls "$here/corpus/manifest" | wc -l) manifests"
