#!/usr/bin/env bash
# A real one-node Kubernetes 1.20 on this machine, for tests and developers.
#   kube.sh build    install what it needs from Debian and build the binaries once (cached by version)
#   kube.sh up       start etcd, the control plane, kube-proxy, a cluster DNS, containerd and a kubelet;
#                    return when the node is Ready and Services answer by name
#   kube.sh down     stop everything up started and remove its pods' network; leave nothing running
#   kube.sh status   say what runs
#   kube.sh kubectl ARGS...            kubectl (the one built here) with the cluster's kubeconfig
#   kube.sh import IMAGE.tar           import a `docker save` tarball for pods with imagePullPolicy: Never
#   kube.sh image-tar NAME:TAG DIR OUT.tar CMD...   make such a tarball from a root file system
# Run as root. State under $PORTHOLE_STATE/k8s (default /var/lib/porthole/k8s); the kubeconfig is
# <state>/k8s/kubeconfig. Binaries in /var/cache/porthole/k8s/<version>/, outside any clone.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

VERSION=1.20.2
CACHE=${PORTHOLE_K8S_CACHE:-/var/cache/porthole/k8s}/$VERSION
STATE=${PORTHOLE_STATE:-/var/lib/porthole}
K=$STATE/k8s

# The node's network: a bridge the script owns, carrying the node address (kubelet listens there:
# the apiserver refuses to proxy logs and exec to a loopback node) and the pods' gateway.
# Chosen to clash with neither libvirt's 192.168.122.0/24 nor docker's 172.17.0.0/16; up checks
# `ip route` for anything else in 10.213.0.0/16.
BRIDGE=porthole-k8s
POD_CIDR=10.213.0.0/24
NODE_IP=10.213.0.1
SERVICE_CIDR=10.213.1.0/24
SERVICE_IP=10.213.1.1
NODE=porthole
# The cluster DNS (dnsmasq) answers on the node address, port 53, and nowhere else.
CLUSTER_DOMAIN=cluster.local
DNS_IP=$NODE_IP
# Fixed ports below the ephemeral range, where the stack picks its own: no clash with it.
ETCD_PORT=23790
ETCD_PEER_PORT=23800
API_PORT=16443
KUBELET_PORT=10350
KUBELET_HEALTHZ_PORT=10348
KUBE_PROXY_METRICS_PORT=10349
PAUSE_IMAGE=porthole.local/pause:3.2
READY_SECONDS=${PORTHOLE_K8S_READY_SECONDS:-120}

PACKAGES=(dpkg-dev golang-1.19-go rsync gcc libc6-dev etcd-server containerd runc
          containernetworking-plugins iproute2 openssl curl ca-certificates
          iptables conntrack dnsmasq-base bind9-host)
# kubectl is built too: the script then talks to the apiserver with a client of its own version,
# whichever kubectl a developer has on PATH (Debian's kubernetes-client conflicts with Google's
# kubectl package, present on some machines).
command -v kubectl >/dev/null || PACKAGES+=(kubernetes-client)
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
# The order up starts them in; down stops them in reverse. dns-watch is `kube.sh dns-watch`, which
# keeps dnsmasq's hosts file equal to the API's Services.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kube-proxy dnsmasq dns-watch
            containerd kubelet)

say() { printf 'kube: %s\n' "$*"; }
die() { printf 'kube: %s\n' "$*" >&2; exit 1; }
need_root() { [[ $(id -u) -eq 0 ]] || die "run as root: $1"; }

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# apt-get source needs a deb-src line; it lives in its own file so the machine's list stays as it was.
SRC_LIST=/etc/apt/sources.list.d/porthole-bookworm-src.sources
add_source_line() {
  [[ -f $SRC_LIST ]] && return 0
  cat >"$SRC_LIST" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt-get update -qq
}

cache_complete() {
  local b
  for b in "${BINARIES[@]}"; do [[ -x $CACHE/bin/$b ]] || return 1; done
  [[ -f $CACHE/pause.tar ]]
}

# A docker-archive tarball (what `docker save` writes and `ctr images import` reads) of one layer.
#   image_tar NAME:TAG ROOTFS_DIR OUT.tar ENTRYPOINT...
image_tar() {
  local ref=$1 rootfs=$2 out=$3
  shift 3
  local work
  work=$(mktemp -d)
  tar -C "$rootfs" --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -cf "$work/layer.tar" .
  local diff
  diff=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  mkdir "$work/$diff"
  mv "$work/layer.tar" "$work/$diff/layer.tar"
  local entry
  entry=$(printf '"%s",' "$@")
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":[%s]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"porthole kube.sh"}]}' \
    "${entry%,}" "$diff" >"$work/config.json"
  local config
  config=$(sha256sum "$work/config.json" | cut -d' ' -f1)
  mv "$work/config.json" "$work/$config.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$config" "$ref" "$diff" \
    >"$work/manifest.json"
  tar -C "$work" -cf "$out" manifest.json "$config.json" "$diff"
  rm -rf "$work"
}

build() {
  need_root "build installs packages and writes $CACHE"
  # Packages first, also with a cache: a cache built before a package joined the list gets it.
  install_packages
  if cache_complete; then
    say "binaries for $VERSION already in $CACHE"
    return 0
  fi
  add_source_line
  mkdir -p "$(dirname "$CACHE")"
  # Built in a temporary directory next to the cache and moved in at the end: an interrupted
  # build never leaves a half-filled cache.
  BUILD_TMP=$(mktemp -d "$(dirname "$CACHE")/.build-$VERSION.XXXXXX")
  chmod 755 "$BUILD_TMP" # apt-get source downloads as _apt
  trap 'rm -rf "$BUILD_TMP"' EXIT
  local tmp=$BUILD_TMP
  say "fetching Debian's kubernetes source package into $tmp"
  (cd "$tmp" && apt-get source -qq kubernetes >/dev/null)
  local src
  src=$(find "$tmp" -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)
  [[ -n $src && -d $src/vendor ]] || die "the kubernetes source package has no vendor/ directory"
  grep -q "really$VERSION" <<<"$src" || die "source $(basename "$src") is not Kubernetes $VERSION"
  local what="" b
  for b in "${BINARIES[@]}"; do what+="cmd/$b "; done
  say "building ${BINARIES[*]} (about 11 minutes on 2 cores)"
  local start=$SECONDS
  (cd "$src" && PATH=/usr/lib/go-1.19/bin:$PATH CGO_ENABLED=0 GOCACHE="$tmp/gocache" GOPATH="$tmp/gopath" \
    KUBE_GIT_VERSION="v$VERSION" KUBE_GIT_TREE_STATE=clean \
    make WHAT="${what% }" >"$tmp/make.log" 2>&1) || { tail -n 40 "$tmp/make.log" >&2; die "make failed"; }
  mkdir -p "$tmp/out/bin"
  for b in "${BINARIES[@]}"; do cp "$src/_output/local/bin/linux/amd64/$b" "$tmp/out/bin/$b"; done
  say "building the pause image"
  mkdir -p "$tmp/pause-root"
  gcc -Os -static -DVERSION="v3.2-porthole" -o "$tmp/pause-root/pause" "$src/build/pause/linux/pause.c"
  strip "$tmp/pause-root/pause"
  image_tar "$PAUSE_IMAGE" "$tmp/pause-root" "$tmp/out/pause.tar" /pause
  printf 'built in %s s from %s\n' "$((SECONDS - start))" "$(basename "$src")" >"$tmp/out/BUILD"
  rm -rf "$CACHE"
  mv "$tmp/out" "$CACHE"
  say "built in $((SECONDS - start)) s into $CACHE"
}


# ---- up -------------------------------------------------------------------------------------

CTR=(ctr --address "$K/containerd/containerd.sock" -n k8s.io)
kubectl_() { "$CACHE/bin/kubectl" --kubeconfig "$K/kubeconfig" --request-timeout=10s "$@"; }

# The pid of a component this state directory started, if it still runs. After a reboot a pid file
# may name an unrelated process: the pid counts only while its command line names the component.
pid_of() {
  local f=$K/run/$1.pid pid
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$1" || return 1
  echo "$pid"
}

# True while another state directory's cluster runs: its apiserver holds our port. It owns the
# shared network (bridge, pod network namespaces, pod logs), which cleanup must then leave alone.
foreign_cluster() {
  local pids ours
  pids=$(ss -Hltnp "sport = :$API_PORT" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u)
  [[ -n $pids ]] || return 1
  ours=$(pid_of kube-apiserver || true)
  [[ -z $ours ]] || ! grep -qx "$ours" <<<"$pids"
}

# Starts a daemon in its own session with only stdin, stdout and stderr: a descriptor it inherited
# (the pipe of whoever ran kube.sh, a lock file) would otherwise stay open as long as it runs.
start() {
  local name=$1
  shift
  : >"$K/log/$name.log"
  (
    for fd in "/proc/$BASHPID/fd/"*; do
      n=${fd##*/}
      if ((n > 2)); then eval "exec $n>&-"; fi
    done 2>/dev/null
    exec setsid "$@" </dev/null >>"$K/log/$name.log" 2>&1
  ) &
  local pid=$! deadline=$((SECONDS + 60)) cmd
  echo "$pid" >"$K/run/$name.pid"
  # Until the subshell has closed its descriptors and exec'd the component, its command line is this
  # script's, and pid_of would take the component for one that exited (seen on a loaded machine:
  # "etcd exited while waiting for etcd health" with an empty log). Wait for the exec, or its end
  # (no /proc entry, or a zombie's empty command line).
  while cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) && [[ -n $cmd && $cmd != *"$name"* ]]; do
    ((SECONDS < deadline)) || break
    sleep 0.05
  done
}

# Fails naming the component and showing the end of its log.
fail() {
  local name=$1
  shift
  {
    printf 'kube: %s (kube.sh down stops what started)\n' "$*"
    if [[ -f $K/log/$name.log ]]; then
      printf 'kube: last lines of %s:\n' "$K/log/$name.log"
      tail -n 25 "$K/log/$name.log" | sed 's/^/  | /'
    fi
  } >&2
  exit 1
}

# What became of the process in NAME's pid file, for a failure message: "pid N gone", or its state
# letter and command line (a component seen as exited with an empty log was once reported here
# without either, so which of the two happened was not known).
pid_state() {
  local f=$K/run/$1.pid pid
  [[ -f $f ]] || { echo "no pid file"; return 0; }
  pid=$(<"$f")
  if [[ -r /proc/$pid/stat ]]; then
    echo "pid $pid state $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null):" \
      "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-200)"
  else
    echo "pid $pid gone"
  fi
}

# wait_for NAME SECONDS WHAT COMMAND...: polls COMMAND until it succeeds; fails early when the
# component died.
wait_for() {
  local name=$1 seconds=$2 what=$3
  shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    pid_of "$name" >/dev/null || fail "$name" "$name exited while waiting for $what ($(pid_state "$name"))"
    ((SECONDS < deadline)) || fail "$name" "no $what after ${seconds} s"
    sleep 0.2
  done
}

check_free() {
  local port
  for port in $ETCD_PORT $ETCD_PEER_PORT $API_PORT $KUBELET_HEALTHZ_PORT $KUBE_PROXY_METRICS_PORT; do
    if ss -Hltn "sport = :$port" | grep -q .; then
      die "port $port is taken: $(ss -Hltnp "sport = :$port" | head -n1)"
    fi
  done
  local clash
  clash=$(ip -4 route show | grep -E '^10\.213\.' | grep -v "dev $BRIDGE " || true)
  [[ -z $clash ]] || die "the pod network 10.213.0.0/16 clashes with a route here: $clash"
  # dnsmasq binds DNS_IP:53 alone; a socket on every address's port 53 would refuse it.
  local dns
  dns=$(ss -Hlntup '( sport = :53 )' | awk -v a="$DNS_IP:53" '$5 == a || $5 == "0.0.0.0:53" || $5 == "*:53"')
  [[ -z $dns ]] || die "port 53 is taken on $DNS_IP: $dns"
  # kube-proxy's chains are recognised by name only: another one's would be mixed with ours.
  if pgrep -x kube-proxy >/dev/null; then die "a kube-proxy runs here already: $(pgrep -a -x kube-proxy | head -n1)"; fi
  [[ -f /proc/sys/net/bridge/bridge-nf-call-iptables ]] ||
    die "bridged traffic cannot pass iptables (no /proc/sys/net/bridge): modprobe br_netfilter"
  local tool
  for tool in iptables iptables-save conntrack dnsmasq host; do
    command -v "$tool" >/dev/null || die "$tool is missing: run $HERE/kube.sh build (it installs what up needs)"
  done
}

make_pki() {
  local d=$K/pki
  [[ -f $d/tokens.csv ]] && return 0
  mkdir -p "$d"
  chmod 700 "$d"
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=porthole-k8s-ca \
      -keyout ca.key -out ca.crt 2>/dev/null
    local san="IP:127.0.0.1,IP:$NODE_IP,IP:$SERVICE_IP,DNS:localhost,DNS:kubernetes"
    san+=",DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
    openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver -keyout apiserver.key \
      -out apiserver.csr 2>/dev/null
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san") \
      -out apiserver.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=kube-apiserver-kubelet-client" \
      -keyout kubelet-client.key -out kubelet-client.csr 2>/dev/null
    openssl x509 -req -in kubelet-client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile <(printf 'extendedKeyUsage=clientAuth\n') -out kubelet-client.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    rm -f ./*.csr ca.srl
    local entry
    for entry in "${API_USERS[@]}"; do echo "$(token),$entry"; done >tokens.csv.tmp
    chmod 600 ./*.key tokens.csv.tmp
    mv tokens.csv.tmp tokens.csv
  )
}

token() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# The API's users, one token each in tokens.csv (token,user,uid[,group]). kube-proxy's user is bound
# to system:node-proxier by the API's own policy; dns-watch's is bound to system:kube-dns by up.
API_USERS=("admin,admin,system:masters" "system:node:$NODE,kubelet,system:nodes"
           "system:kube-controller-manager,controller-manager" "system:kube-scheduler,scheduler"
           "system:kube-proxy,kube-proxy" "porthole:dns-watch,dns-watch")

# The PKI outlives a cluster: users added to API_USERS after it was made get their token here.
add_missing_tokens() {
  local f=$K/pki/tokens.csv entry
  for entry in "${API_USERS[@]}"; do
    awk -F, -v u="${entry%%,*}" '$2 == u { found = 1 } END { exit !found }' "$f" ||
      echo "$(token),$entry" >>"$f"
  done
}

# kubeconfig FILE USER: a token kubeconfig for USER of tokens.csv, readable by root only.
kubeconfig() {
  local file=$1 user=$2 token
  token=$(awk -F, -v u="$user" '$2 == u { print $1 }' "$K/pki/tokens.csv")
  [[ -n $token ]] || die "no token for $user in $K/pki/tokens.csv"
  (
    umask 077
    cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: porthole
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(base64 -w0 "$K/pki/ca.crt")
users:
- name: $user
  user:
    token: $token
contexts:
- name: porthole
  context: {cluster: porthole, user: $user}
current-context: porthole
EOF
  )
}

write_configs() {
  kubeconfig "$K/kubeconfig" admin
  kubeconfig "$K/kubelet.kubeconfig" "system:node:$NODE"
  kubeconfig "$K/controller-manager.kubeconfig" system:kube-controller-manager
  kubeconfig "$K/scheduler.kubeconfig" system:kube-scheduler
  kubeconfig "$K/kube-proxy.kubeconfig" system:kube-proxy
  kubeconfig "$K/dns-watch.kubeconfig" porthole:dns-watch
  mkdir -p "$K/cni/net.d"
  cat >"$K/cni/net.d/10-porthole.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "porthole-k8s",
  "plugins": [{
    "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
    "ipam": {"type": "host-local", "dataDir": "$K/cni/ipam",
             "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$NODE_IP"}]],
             "routes": [{"dst": "0.0.0.0/0"}]}
  }]
}
EOF
  cat >"$K/containerd/config.toml" <<EOF
version = 2
root = "$K/containerd/root"
state = "$K/containerd/state"
[grpc]
  address = "$K/containerd/containerd.sock"
[ttrpc]
  address = "$K/containerd/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$K/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # root here lacks CAP_SYS_RESOURCE: without this every sandbox fails to start
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$K/cni/net.d"
EOF
}

node_ready() {
  [[ $(kubectl_ get node "$NODE" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}') == True ]]
}

# ---- Services and the cluster DNS -----------------------------------------------------------

# Host settings up changes, itself (bridged traffic through iptables: a pod's reply to a pod on the
# same bridge is translated back only so) or through kube-proxy (route_localnet): down restores them.
SYSCTLS=(net/bridge/bridge-nf-call-iptables net/ipv4/conf/all/route_localnet)

save_sysctls() {
  local s
  for s in "${SYSCTLS[@]}"; do echo "$s $(<"/proc/sys/$s")"; done >"$K/run/sysctl-before"
}

restore_sysctls() {
  local f=$K/run/sysctl-before s v
  [[ -f $f ]] || return 0
  while read -r s v; do echo "$v" >"/proc/sys/$s"; done <"$f"
  rm -f "$f"
}

# kube-proxy's chains (KUBE-*) and the rules jumping to them, in every table of IPv4 and IPv6: what
# `kube-proxy --cleanup` removes, without its IPVS part, and also after a crash. Read with
# iptables-save, which lists only the tables that exist (listing one by name would create it).
remove_kube_chains() {
  local family save cmd table line chain
  for family in iptables ip6tables; do
    save=$("$family-save" 2>/dev/null) || continue
    local jumps=() chains=()
    while IFS= read -r line; do
      case $line in
        '*'*) table=${line#\*} ;;
        :KUBE-*) chains+=("$table ${line%% *}") ;;
        '-A KUBE-'*) ;;
        '-A '*' -j KUBE-'*) jumps+=("$table ${line#-A }") ;;
      esac
    done <<<"$save"
    for line in "${jumps[@]}"; do eval "$family -w -t ${line%% *} -D ${line#* }" || true; done
    for line in "${chains[@]}"; do chain=${line#* :}; "$family" -w -t "${line%% *}" -F "$chain" || true; done
    for line in "${chains[@]}"; do chain=${line#* :}; "$family" -w -t "${line%% *}" -X "$chain" || true; done
  done
}

start_kube_proxy() {
  save_sysctls
  echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables
  # The host reaches ClusterIPs over the bridge, from the node address (also with no default route).
  ip route add "$SERVICE_CIDR" dev "$BRIDGE" src "$NODE_IP"
  # NodePorts on the node address only; no health port, metrics on loopback (it needs one);
  # conntrack's limits and timeouts and its own OOM score left as they are.
  start kube-proxy "$CACHE/bin/kube-proxy" --kubeconfig="$K/kube-proxy.kubeconfig" \
    --hostname-override="$NODE" --bind-address="$NODE_IP" --proxy-mode=iptables \
    --cluster-cidr="$POD_CIDR" --nodeport-addresses="$NODE_IP/32" --healthz-port=0 \
    --metrics-bind-address="127.0.0.1:$KUBE_PROXY_METRICS_PORT" --oom-score-adj=0 --conntrack-max-per-core=0 \
    --conntrack-tcp-timeout-established=0 --conntrack-tcp-timeout-close-wait=0
}

kube_proxy_synced() {
  iptables -w -t nat -S KUBE-SERVICES 2>/dev/null | grep -qF 'default/kubernetes:https cluster IP'
}

# dnsmasq on DNS_IP:53 alone (--bind-interfaces: no socket on every address, so libvirt's dnsmasq
# and whatever holds 127.0.0.1:53 stay undisturbed). Names under the cluster domain come from the
# hosts file dns-watch keeps; a name without a dot is refused; others go to the host's resolvers
# (/etc/resolv.conf). It stays root, as every component here: the hosts file is under the state
# directory, which only root may enter.
start_dns() {
  mkdir -p "$K/dns"
  : >"$K/dns/hosts"
  start dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --pid-file="$K/run/dnsmasq.own.pid" \
    --user=root --listen-address="$DNS_IP" --bind-interfaces --no-hosts --addn-hosts="$K/dns/hosts" \
    --local="/$CLUSTER_DOMAIN/" --domain-needed --bogus-priv --log-facility=-
  start dns-watch bash "$HERE/kube.sh" dns-watch
}

dns_answers() {
  host -W 2 -t A "kubernetes.default.svc.$CLUSTER_DOMAIN" "$DNS_IP" | grep -qF "has address $SERVICE_IP"
}

# Writes dnsmasq's hosts file from the API and has dnsmasq reread it when it changed:
# <service>.<namespace>.svc.<domain> is the Service's ClusterIP, or for a headless Service the
# addresses of its ready endpoints. Short names resolve through the pods' search path.
dns_sync() {
  local kubectl=("$CACHE/bin/kubectl" --kubeconfig "$K/dns-watch.kubeconfig" --request-timeout=10s)
  local services endpoints hosts=$K/dns/hosts pid
  services=$("${kubectl[@]}" get services -A \
    -o jsonpath='{range .items[*]}{.metadata.name}.{.metadata.namespace} {.spec.clusterIP}{"\n"}{end}') || return 1
  endpoints=$("${kubectl[@]}" get endpoints -A \
    -o jsonpath='{range .items[*]}{.metadata.name}.{.metadata.namespace}{range .subsets[*].addresses[*]} {.ip}{end}{"\n"}{end}') ||
    return 1
  # The first input (endpoints) is never empty: printf writes at least a newline.
  awk -v suffix=".svc.$CLUSTER_DOMAIN" '
    FNR == NR { for (i = 2; i <= NF; i++) ready[$1] = ready[$1] " " $i; next }
    $2 == "None" { n = split(ready[$1], ips, " "); for (i = 1; i <= n; i++) print ips[i], $1 suffix; next }
    $2 != "" { print $2, $1 suffix }' <(printf '%s\n' "$endpoints") <(printf '%s\n' "$services") |
    sort >"$hosts.new"
  if cmp -s "$hosts.new" "$hosts"; then
    rm -f "$hosts.new"
    return 0
  fi
  mv "$hosts.new" "$hosts"
  if pid=$(pid_of dnsmasq); then kill -HUP "$pid"; fi
}

# Keeps the hosts file current: a sync after each change to an Endpoints object (a burst of changes
# syncs once), and every 30 s. One watch, on Endpoints alone (each kubectl holds ~40 MB): the
# endpoints controller creates and deletes a Service's Endpoints with it, and a Service's ClusterIP
# never changes; a Service without a selector is seen at the next 30 s sync. When the watch ends (the
# API closes watches after a while) it starts again. Runs until down stops its process group.
dns_watch() {
  local kubectl=("$CACHE/bin/kubectl" --kubeconfig "$K/dns-watch.kubeconfig")
  while :; do
    "${kubectl[@]}" get endpoints -A --watch -o name | while :; do
      local rc=0
      read -r -t 30 _ || rc=$?
      ((rc == 0 || rc > 128)) || break
      while read -r -t 0.3 _; do :; done
      dns_sync || say "dns-watch: sync failed, next try at the next change or in 30 s"
    done || true
    sleep 1
  done
}

up() {
  need_root "up starts containerd and a kubelet"
  cache_complete || die "Kubernetes $VERSION is not built: run $HERE/kube.sh build (about 11 minutes, once)"
  local running
  running=$(running_components)
  [[ -z $running ]] || die "already up ($running): use it, or run kube.sh down first"
  # Ports first: while another state directory's cluster runs, nothing of its may be cleaned up.
  check_free
  cleanup
  local start=$SECONDS
  rm -rf "$K/etcd" "$K/kubelet" "$K/containerd" "$K/cni" "$K/dns" "$K/run" "$K/log"
  mkdir -p "$K/run" "$K/log" "$K/containerd" "$K/kubelet"
  make_pki
  add_missing_tokens
  write_configs
  compgen -G '/var/log/pods/*' >"$K/run/pod-logs-before" || true

  ip link add "$BRIDGE" type bridge
  ip addr add "$NODE_IP/${POD_CIDR#*/}" dev "$BRIDGE"
  ip link set "$BRIDGE" up

  start etcd etcd --name porthole --data-dir "$K/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "porthole=http://127.0.0.1:$ETCD_PEER_PORT"
  wait_for etcd 30 "etcd health" curl -sf "http://127.0.0.1:$ETCD_PORT/health"

  start kube-apiserver "$CACHE/bin/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --secure-port="$API_PORT" --advertise-address="$NODE_IP" \
    --service-cluster-ip-range="$SERVICE_CIDR" --authorization-mode=Node,RBAC \
    --token-auth-file="$K/pki/tokens.csv" --client-ca-file="$K/pki/ca.crt" --allow-privileged=true \
    --tls-cert-file="$K/pki/apiserver.crt" --tls-private-key-file="$K/pki/apiserver.key" \
    --kubelet-client-certificate="$K/pki/kubelet-client.crt" --kubelet-client-key="$K/pki/kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP \
    --service-account-key-file="$K/pki/sa.pub" --service-account-signing-key-file="$K/pki/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --cert-dir="$K/pki" --profiling=false
  wait_for kube-apiserver 60 "apiserver readiness" kubectl_ get --raw /readyz
  kubectl_ create clusterrolebinding porthole-dns-watch --clusterrole=system:kube-dns \
    --user=porthole:dns-watch >/dev/null || fail kube-apiserver "binding dns-watch's role failed"

  start kube-controller-manager "$CACHE/bin/kube-controller-manager" \
    --kubeconfig="$K/controller-manager.kubeconfig" --leader-elect=false --port=0 --secure-port=0 \
    --service-account-private-key-file="$K/pki/sa.key" --root-ca-file="$K/pki/ca.crt" \
    --use-service-account-credentials=true --cluster-name=porthole --profiling=false
  start kube-scheduler "$CACHE/bin/kube-scheduler" --kubeconfig="$K/scheduler.kubeconfig" \
    --leader-elect=false --port=0 --secure-port=0 --profiling=false
  start_kube_proxy
  start_dns

  start containerd containerd --config "$K/containerd/config.toml"
  wait_for containerd 30 "containerd's socket" "${CTR[@]}" version
  "${CTR[@]}" images import "$CACHE/pause.tar" >/dev/null || fail containerd "importing the pause image failed"

  start kubelet "$CACHE/bin/kubelet" --kubeconfig="$K/kubelet.kubeconfig" --hostname-override="$NODE" \
    --node-ip="$NODE_IP" --address="$NODE_IP" --port="$KUBELET_PORT" --read-only-port=0 \
    --node-labels=porthole.io/kvm-host=true \
    --healthz-bind-address=127.0.0.1 --healthz-port="$KUBELET_HEALTHZ_PORT" \
    --root-dir="$K/kubelet" --volume-plugin-dir="$K/kubelet/volume-plugins" \
    --container-runtime=remote --container-runtime-endpoint="unix://$K/containerd/containerd.sock" \
    --runtime-request-timeout=5m --pod-infra-container-image="$PAUSE_IMAGE" \
    --cgroup-driver=cgroupfs --cgroups-per-qos=false --enforce-node-allocatable= --fail-swap-on=false \
    --client-ca-file="$K/pki/ca.crt" --anonymous-auth=false --authorization-mode=AlwaysAllow \
    --cluster-dns="$DNS_IP" --cluster-domain="$CLUSTER_DOMAIN" \
    --make-iptables-util-chains=false --image-gc-high-threshold=100 --image-gc-low-threshold=99 \
    --eviction-hard='memory.available<100Mi,nodefs.available<2%,imagefs.available<2%'
  wait_for kubelet "$READY_SECONDS" "Ready node" node_ready
  # Pods are refused until the namespace's default service account (and its token) exists.
  wait_for kube-controller-manager 60 "default service account" kubectl_ -n default get serviceaccount default
  wait_for kube-proxy 60 "rules for the kubernetes Service" kube_proxy_synced
  wait_for dns-watch 60 "kubernetes.default.svc.$CLUSTER_DOMAIN in the cluster DNS" dns_answers
  say "node $NODE Ready after $((SECONDS - start)) s; kubeconfig $K/kubeconfig"
}

# ---- down -----------------------------------------------------------------------------------

running_components() {
  local c out=""
  for c in "${COMPONENTS[@]}"; do
    if pid_of "$c" >/dev/null; then out+="$c "; fi
  done
  echo "${out% }"
}

# stop NAME: SIGTERM, then SIGKILL after 15 s. dns-watch goes with its process group (its kubectl
# watches): start made each component the leader of its own.
stop() {
  local pid target
  pid=$(pid_of "$1") || { rm -f "$K/run/$1.pid"; return 0; }
  target=$pid
  [[ $1 != dns-watch ]] || target=-$pid
  kill -- "$target" 2>/dev/null || true
  local deadline=$((SECONDS + 15))
  while kill -0 -- "$target" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 -- "$target" 2>/dev/null; then kill -9 -- "$target" 2>/dev/null || true; fi
  rm -f "$K/run/$1.pid"
}

descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

# Containers of pods the kubelet could not tear down: their shims (found by this containerd's
# socket in their command line) and everything under them.
kill_shims() {
  local p pids=()
  for p in /proc/[0-9]*; do
    if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -q -- "-address $K/containerd/containerd.sock"; then
      pids+=("${p#/proc/}")
    fi
  done
  for p in "${pids[@]}"; do
    # shellcheck disable=SC2046
    kill -9 $(descendants "$p") "$p" 2>/dev/null || true
  done
}

# Everything up may leave behind once its processes are gone: mounts under the state directory,
# pod network namespaces on the pod subnet, veths on the bridge, the bridge, and the pods' logs the
# kubelet keeps in /var/log/pods whatever its root directory (those that appeared after up listed
# the ones already there).
cleanup() {
  kill_shims
  local m
  for m in $(findmnt -rn -o TARGET | grep -F "$K/" | sort -r || true); do
    umount -l "$m" 2>/dev/null || true
  done
  foreign_cluster && return 0
  remove_kube_chains
  restore_sysctls
  if [[ -f $K/run/pod-logs-before ]]; then
    for m in /var/log/pods/*; do
      [[ -e $m ]] || continue
      grep -qxF "$m" "$K/run/pod-logs-before" || rm -rf "$m"
    done
    find /var/log/containers -maxdepth 1 -xtype l -lname '/var/log/pods/*' -delete 2>/dev/null || true
  fi
  for m in /run/netns/cni-*; do
    [[ -e $m ]] || continue
    if ip -n "${m##*/}" -4 addr 2>/dev/null | grep -q "inet ${POD_CIDR%.*}\."; then
      ip netns delete "${m##*/}" || true
    fi
  done
  if ip link show "$BRIDGE" >/dev/null 2>&1; then
    for m in $(ip -o link show master "$BRIDGE" | awk -F': ' '{print $2}' | cut -d@ -f1); do
      ip link delete "$m" 2>/dev/null || true
    done
    ip link delete "$BRIDGE"
  fi
}

down() {
  need_root "down stops containerd and the kubelet"
  if pid_of kube-apiserver >/dev/null && pid_of kubelet >/dev/null; then
    # No controller may recreate what is deleted; the kubelet then stops each pod's containers
    # and tears down its network through the CNI plugin.
    stop kube-controller-manager
    stop kube-scheduler
    kubectl_ delete pods --all-namespaces --all --force --grace-period=0 --wait=false >/dev/null 2>&1 || true
    local deadline=$((SECONDS + 60))
    while [[ -n $("${CTR[@]}" tasks ls -q 2>/dev/null) ]] && ((SECONDS < deadline)); do sleep 0.5; done
  fi
  local i
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop "${COMPONENTS[i]}"; done
  cleanup
  say "down: nothing of the cluster runs"
}

status() {
  local c pid rc=0
  for c in "${COMPONENTS[@]}"; do
    if pid=$(pid_of "$c"); then
      printf '%-24s running (pid %s)\n' "$c" "$pid"
    else
      printf '%-24s stopped\n' "$c"
      rc=3
    fi
  done
  if ip link show "$BRIDGE" >/dev/null 2>&1; then echo "bridge $BRIDGE: present"; else echo "bridge $BRIDGE: absent"; fi
  if pid_of kube-apiserver >/dev/null; then
    kubectl_ get nodes 2>&1 || true
    echo "kubeconfig: $K/kubeconfig"
  fi
  cache_complete && echo "binaries: $CACHE" || echo "binaries: not built (kube.sh build)"
  return $rc
}

# Imports a `docker save` tarball into the node's containerd, for pods with imagePullPolicy: Never.
import_image() {
  [[ -f ${1:-} ]] || die "usage: kube.sh import IMAGE.tar"
  pid_of containerd >/dev/null || die "the node's containerd does not run: kube.sh up first"
  "${CTR[@]}" images import "$1"
}

case "${1:-}" in
  build) build ;;
  up) up ;;
  down) down ;;
  status) status ;;
  import) import_image "${2:-}" ;;
  dns-watch) dns_watch ;;
  kubectl) shift; cache_complete || die "not built: kube.sh build"; exec "$CACHE/bin/kubectl" --kubeconfig "$K/kubeconfig" "$@" ;;
  image-tar) shift; image_tar "$@" ;;
  *)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
