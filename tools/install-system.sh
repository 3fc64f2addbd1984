#!/usr/bin/env bash
# Installs the Debian packages the project needs, only when something is missing.
set -euo pipefail
# openjdk-17-jre-headless and nodejs (with npm): the Nu Html Checker (vnu.jar from npm) in the tests.
packages=(chromium fonts-noto-core openjdk-17-jre-headless nodejs)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Es fehlen Debian-Pakete: ${missing[*]}. Bitte als root installieren: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installiere Debian-Pakete: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
