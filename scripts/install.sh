#!/usr/bin/env bash
# make install: links the built zerolab as PREFIX/bin/zerolab and writes PREFIX/bin/zerolab-uci
# (the UCI engine as a program without arguments, for chess GUIs). Idempotent; `uninstall`
# as the third argument removes both.
set -euo pipefail
prefix=$1
binary=$2
bin="$prefix/bin"
if [ "${3:-}" = uninstall ]; then
  rm -f "$bin/zerolab" "$bin/zerolab-uci"
  echo "removed $bin/zerolab and $bin/zerolab-uci"
  exit 0
fi
[ -x "$binary" ] || { echo "install: $binary is not built (run make build)" >&2; exit 1; }
mkdir -p "$bin"
ln -sfn "$binary" "$bin/zerolab"
tmp=$(mktemp "$bin/.zerolab-uci.XXXXXX")
printf '#!/bin/sh\n# ZeroLab as a UCI engine for chess GUIs that take a program without arguments.\nexec "%s" uci "$@"\n' \
  "$binary" >"$tmp"
chmod 755 "$tmp"
mv -f "$tmp" "$bin/zerolab-uci"
echo "installed $bin/zerolab -> $binary, and $bin/zerolab-uci"
case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "note: $bin is not on your PATH; add it, e.g. echo 'export PATH=\"$bin:\$PATH\"' >> ~/.bashrc" ;;
esac
