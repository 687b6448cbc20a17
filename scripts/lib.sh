# SPDX-License-Identifier: GPL-2.0
# Shared helpers for wqfault scripts. Source it; do not run it.
# shellcheck shell=bash

WQF_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WQF_CACHE=${WQFAULT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wqfault}
export WQF_RESULTS=${WQFAULT_RESULTS:-$WQF_TOP/results}
# Bump when the way the kernel is built changes, to invalidate caches.
WQF_KERNEL_RECIPE=1

wqf_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
wqf_die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# wqf_ksrc: print the kernel source tree to use (KSRC, or Debian's
# linux-source-6.12 unpacked into the cache). Unpacks on first use.
wqf_ksrc() {
	if [ -n "${KSRC:-}" ]; then
		if [ ! -f "$KSRC/Makefile" ] || [ ! -f "$KSRC/Kconfig" ] || [ ! -d "$KSRC/kernel" ]; then
			wqf_die "KSRC=$KSRC is not a kernel source tree (no Makefile, Kconfig, kernel/)"
		fi
		(cd "$KSRC" && pwd)
		return
	fi
	local tarball=/usr/src/linux-source-6.12.tar.xz ver dir
	[ -f "$tarball" ] || wqf_die "$tarball missing: run scripts/install-deps (package linux-source-6.12)"
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo unknown)
	dir=$WQF_CACHE/src/$ver
	if [ ! -f "$dir/.unpacked" ]; then
		wqf_log "unpacking $tarball into $dir"
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -xf "$tarball" -C "$dir" --strip-components=1
		touch "$dir/.unpacked"
	fi
	echo "$dir"
}

# The test kernel's flavour: "debug" (scripts/configs/*.config) or a
# directory under scripts/configs/ whose fragments are added to them
# ("sanitize": KASAN, UBSAN, kmemleak, ...).
WQF_FLAVOUR=${WQFAULT_FLAVOUR:-debug}

# wqf_fragments: print the config fragments of the flavour, one a line.
wqf_fragments() {
	local f
	for f in "$WQF_TOP"/scripts/configs/*.config; do echo "$f"; done
	[ "$WQF_FLAVOUR" = debug ] && return
	[ -d "$WQF_TOP/scripts/configs/$WQF_FLAVOUR" ] ||
		wqf_die "unknown kernel flavour '$WQF_FLAVOUR' (no scripts/configs/$WQF_FLAVOUR/)"
	for f in "$WQF_TOP/scripts/configs/$WQF_FLAVOUR"/*.config; do echo "$f"; done
}

# wqf_kernel_key SRC: cache key = kernel version + hash of fragments/recipe.
wqf_kernel_key() {
	local src=$1 ver hash frags
	ver=$(make -s -C "$src" kernelversion 2>/dev/null) || wqf_die "cannot read kernel version of $src"
	frags=$(wqf_fragments) || exit 1
	# shellcheck disable=SC2086 # one path a line, no spaces
	hash=$( { echo "recipe=$WQF_KERNEL_RECIPE src=$src"; cat $frags; } |
		sha256sum | cut -c1-12)
	if [ "$WQF_FLAVOUR" = debug ]; then
		echo "$ver-$hash"
	else
		echo "$ver-$WQF_FLAVOUR-$hash"
	fi
}

# wqf_kdir: print the cached kernel build directory (may not exist yet).
wqf_kdir() {
	local src
	src=$(wqf_ksrc)
	echo "$WQF_CACHE/kernel/$(wqf_kernel_key "$src")"
}
