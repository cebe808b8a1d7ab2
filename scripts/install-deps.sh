#!/bin/sh
# Install the Debian 12 packages that building touchbase and its demo
# need (debian-packages.txt); with --test, also what the test suite and
# CI need (debian-packages-test.txt).  Run as root.
set -eu
cd "$(dirname "$0")/.."
lists=debian-packages.txt
case ${1-} in
--test) lists="$lists debian-packages-test.txt" ;;
'') ;;
*) echo "usage: install-deps.sh [--test]" >&2; exit 64 ;;
esac
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2046,SC2086
apt-get install -y -q --no-install-recommends $(grep -hv '^#' $lists)
