#!/usr/bin/env bash
# The Debian packages the tests use for real, installed when they are missing. Run by `npm test`
# (its `pretest` step) and by `.ci/run`, so the README's `npm test` passes on a fresh Debian 12
# machine by itself. Differential and integration tests fail (never skip) without these tools.
#
# To add a package: append it to `packages` with a comment saying which tests need it.
# `scripts/test-deps.sh --list` prints the list and changes nothing.
set -euo pipefail

packages=(
  # dpkg --compare-versions, dpkg-query --admindir: versions-dpkg, packages-dpkg-query
  dpkg
  # systemd-fstab-generator, systemd-escape, systemd-analyze verify, systemd-sysctl
  systemd
  # sysctl(8): sysctls-procps
  procps
  # findmnt (fstab and mountinfo against libmount), unshare (the generator as PID 1)
  util-linux
  # rpm --eval / rpmvercmp: versions-rpm; rpm and rpmbuild: packages-rpm (a real rpm database)
  rpm python3-rpm
  # The SSH sweep's tests start their own /usr/sbin/sshd on 127.0.0.1 and make keys with ssh-keygen
  openssh-server openssh-client
  # The HTTPS test makes a throw-away certificate
  openssl
  # What the sweep's remote script runs on the node (here: this machine)
  tar findutils grep coreutils dash bash
  # Enforcement's sandbox nodes (test/helpers/sandbox*.ts): a Debian root made once by
  # debootstrap, .debs for their local apt repository made by dpkg-deb (package dpkg), overlays
  # in namespaces of their own (unshare, nsenter, setpriv: util-linux), the build lock (flock)
  debootstrap
  # The dashboard's browser tests, screenshots and bench: Debian's Chromium driven by
  # playwright-core (never a downloaded browser), with a font for its text
  chromium fonts-dejavu-core
  # The PostgreSQL store's tests (the store's conformance suite, serve --db postgres://…): a
  # private cluster each, made by initdb and run by pg_ctl (test/helpers/postgres.ts)
  postgresql
)

if [[ ${1:-} == --list ]]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null | grep -qx installed || missing+=("$pkg")
done
((${#missing[@]})) || exit 0

echo "driftguard tests: installing the Debian packages they use: ${missing[*]}" >&2
run=()
if ((EUID != 0)); then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    run=(sudo -n)
  else
    echo "driftguard tests: not root and no password-less sudo; install them yourself:" >&2
    echo "  apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
