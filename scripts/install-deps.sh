#!/bin/sh
# Install the Debian 12 packages that building and testing touchbase
# need (listed in debian-packages.txt).  Run as root.
set -eu
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2046
apt-get install -y -q --no-install-recommends $(grep -v '^#' debian-packages.txt)
