#!/usr/bin/env bash
# Installs libchdb (the embedded ClickHouse engine used by earshot's default
# mode) from the npm registry into <repo>/.libchdb/libchdb.so.
#
# The library is only published as an npm package, so npm is the one client
# we need; the tarball is pinned by version and verified by checksum before
# anything is extracted from it.
#
# Environment:
#   EARSHOT_LIBCHDB_DIR  install directory (default: <repo>/.libchdb)
#
# Safe to run repeatedly: an install whose version stamp matches is left alone.
set -euo pipefail

readonly PKG='@chdb/lib-linux-x64-gnu'
readonly VERSION='26.7.3-stable.1'
readonly SHA1='d2905fafd0e0ac0e231cccadd1f0f6d010977297'
readonly SHA512_B64='XP97mMqnc5tZpKQywR8N7cLTsHNiTmHr30pC5mzo3jWmukjKn2IBa60c2B/gWUNcuFjOMjWoorQICCqBVj5wpw=='
readonly TARBALL="chdb-lib-linux-x64-gnu-${VERSION}.tgz"

die() {
	echo "install-libchdb: $*" >&2
	exit 1
}

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/.." && pwd)"
dest_dir="${EARSHOT_LIBCHDB_DIR:-${repo_root}/.libchdb}"
dest_lib="${dest_dir}/libchdb.so"
stamp_file="${dest_dir}/VERSION"
# The stamp carries the checksum too, so bumping the pin with a rebuilt
# tarball of the same version still triggers a reinstall.
stamp="${PKG}@${VERSION} sha1:${SHA1}"

if [[ -f "${dest_lib}" && -f "${stamp_file}" && "$(cat "${stamp_file}")" == "${stamp}" ]]; then
	echo "libchdb ${VERSION} already installed at ${dest_lib}"
	exit 0
fi

case "$(uname -s)-$(uname -m)" in
Linux-x86_64) ;;
*) die "only linux x86_64 is supported by this script (found $(uname -s)-$(uname -m))" ;;
esac

command -v npm >/dev/null || die "npm is required (apt-get install -y npm)"
command -v sha1sum >/dev/null || die "sha1sum is required (coreutils)"
command -v tar >/dev/null || die "tar is required"

mkdir -p "${dest_dir}"
# The temp dir lives next to the destination so the final mv is a rename on
# the same filesystem: readers never see a half-written 570 MB library.
work_dir="$(mktemp -d "${dest_dir}/.install.XXXXXX")"
cleanup() { rm -rf "${work_dir}"; }
trap cleanup EXIT

echo "install-libchdb: fetching ${PKG}@${VERSION} (npm cache is used when warm)"
(cd "${work_dir}" && npm pack --silent "${PKG}@${VERSION}" >/dev/null) ||
	die "npm pack ${PKG}@${VERSION} failed"

tgz="${work_dir}/${TARBALL}"
[[ -f "${tgz}" ]] || die "npm pack did not produce ${TARBALL}"

got_sha1="$(sha1sum "${tgz}" | awk '{print $1}')"
if [[ "${got_sha1}" != "${SHA1}" ]]; then
	die "checksum mismatch for ${TARBALL}: sha1 ${got_sha1}, want ${SHA1}; refusing to install"
fi
# sha1 alone is weak; check the registry's sha512 integrity as well when
# openssl is around to compute it.
if command -v openssl >/dev/null; then
	got_sha512="$(openssl dgst -sha512 -binary "${tgz}" | openssl base64 -A)"
	if [[ "${got_sha512}" != "${SHA512_B64}" ]]; then
		die "integrity mismatch for ${TARBALL}: sha512-${got_sha512}, want sha512-${SHA512_B64}; refusing to install"
	fi
fi

tar -xzf "${tgz}" -C "${work_dir}" package/libchdb.so ||
	die "extracting package/libchdb.so from ${TARBALL} failed"

chmod 0755 "${work_dir}/package/libchdb.so"
mv -f "${work_dir}/package/libchdb.so" "${dest_lib}"
printf '%s\n' "${stamp}" >"${stamp_file}"

echo "libchdb ${VERSION} installed at ${dest_lib}"
echo "use it with: export CHDB_LIB_PATH=${dest_lib}  (earshot also finds it under .libchdb/ automatically)"
