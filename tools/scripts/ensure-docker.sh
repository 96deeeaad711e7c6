#!/usr/bin/env bash
# Makes a Docker Engine available for @vth/backend-container's tests, on a fresh Debian machine too:
# installs Debian's docker.io when missing, starts dockerd when nothing answers (no systemd here; without
# touching host networking: no iptables rules, no bridge, so containers get only `--network none`), and
# builds the small local base image the tests use (static bash + busybox; no registry is reachable).
set -euo pipefail
DOCKER=/usr/bin/docker # Debian's CLI (a newer static one may shadow it in /usr/local/bin)
IMAGE=${VTH_TEST_IMAGE:-local/vth-sandbox:1}

if ! command -v dockerd >/dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "vth: Docker Engine is missing; install docker.io (apt-get install docker.io) and run again" >&2
    exit 1
  fi
  echo "vth: installing Docker Engine (apt-get install docker.io)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends docker.io >/dev/null
fi

if ! $DOCKER info >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "vth: no Docker Engine answers and only root can start one here; start dockerd and run again" >&2
    exit 1
  fi
  echo "vth: starting dockerd..." >&2
  setsid nohup dockerd --iptables=false --ip-masq=false --bridge=none --storage-driver=overlay2 \
    >/tmp/vth-dockerd.log 2>&1 </dev/null &
  for _ in $(seq 150); do $DOCKER info >/dev/null 2>&1 && break; sleep 0.2; done
  $DOCKER info >/dev/null 2>&1 || { tail -30 /tmp/vth-dockerd.log >&2; echo "vth: dockerd did not start" >&2; exit 1; }
fi

if ! $DOCKER image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "vth: building the test image $IMAGE (static bash + busybox)..." >&2
  work=$(mktemp -d)
  chmod 755 "$work"
  (
    cd "$work"
    # apt-get download needs package lists; a machine with Docker preinstalled may have none yet.
    apt-get update -q >/dev/null
    apt-get download -q -o APT::Sandbox::User=root busybox-static bash-static >/dev/null
    for deb in *.deb; do dpkg-deb -x "$deb" x; done
    r=rootfs
    mkdir -p $r/{bin,etc,root,tmp,proc,sys,dev,usr,var/tmp,workspace,home/sandbox}
    chmod 1777 $r/tmp $r/var/tmp $r/workspace
    ln -s ../bin $r/usr/bin
    ln -s bin $r/sbin
    ln -s ../bin $r/usr/sbin
    cp x/bin/busybox $r/bin/busybox
    for applet in $(x/bin/busybox --list); do [ -e "$r/bin/$applet" ] || ln -s busybox "$r/bin/$applet"; done
    cp x/bin/bash-static $r/bin/bash
    printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\nsandbox:x:1000:1000:sandbox:/home/sandbox:/bin/bash\n' >$r/etc/passwd
    printf 'root:x:0:\nnogroup:x:65534:\nsandbox:x:1000:\n' >$r/etc/group
    chown 1000:1000 $r/home/sandbox
    tar --numeric-owner -C $r -c . | $DOCKER import -c 'CMD ["/bin/bash"]' -c 'ENV PATH=/bin' -c 'WORKDIR /workspace' - "$IMAGE" >/dev/null
  )
  rm -rf "$work"
fi
$DOCKER run --rm --init --network none "$IMAGE" bash -c "echo \"vth: $IMAGE ready (bash \$BASH_VERSION)\"" >&2
