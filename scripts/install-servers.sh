#!/usr/bin/env bash
# Installs the Debian packages the integration tests run against (a real Postfix and Dovecot).
# Idempotent: does nothing when they are all installed. Needs root to install anything.
set -euo pipefail

# One entry per server (an entry may name several packages).
PACKAGES=(
  postfix
  dovecot-core dovecot-imapd dovecot-pop3d
  openssl  # the labs make their TLS certificates with its CLI (src/lab/tls-cert.ts)
)

missing=()
# Unquoted on purpose: one entry may name several packages.
for pkg in ${PACKAGES[@]}; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-servers: missing Debian packages; as root run: apt-get install ${missing[*]}" >&2
  exit 1
fi

# Keep package scripts from starting system-wide services (the tests run private instances).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
fi
# Answer Postfix's debconf question up front so it writes no system mail configuration.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections

echo "install-servers: installing ${missing[*]}" >&2
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 "${missing[@]}"
