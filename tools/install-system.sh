#!/usr/bin/env bash
# Installs the Debian packages the project needs, only when something is missing.
set -euo pipefail
# openjdk-17-jre-headless and nodejs (with npm): the Nu Html Checker (vnu.jar from npm) in the tests.
# libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0 and fontconfig: WeasyPrint (the print edition), with
# Debian's fonts (fonts-noto-core, fonts-dejavu-core); nothing is downloaded.
# shellcheck: actionlint checks the shell scripts of the GitHub workflows with it (tests/test_workflows.py).
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core chromium fonts-noto-core wngerman openjdk-17-jre-headless nodejs shellcheck)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# Debian's nodejs comes without npm (NodeSource's includes it); python3 without venv on a plain Debian.
command -v npm >/dev/null || missing+=(npm)
python3 -c "import ensurepip, venv" 2>/dev/null || missing+=(python3-venv)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Es fehlen Debian-Pakete: ${missing[*]}. Bitte als root installieren: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installiere Debian-Pakete: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
