#!/usr/bin/env bash
# Porthole service identities without cert-manager: a CA (yours, or a new one) issues one
# certificate per role, and the script stores each as the Secret the chart mounts.
#
#   bootstrap-identities.sh --release NAME --namespace NS --node NODE[=HOST:PORT]... \
#       [--ca-cert FILE --ca-key FILE] [--out DIR] [--days N] [--cluster-domain D] [--print]
#
# Secrets (type kubernetes.io/tls, keys tls.crt, tls.key, ca.crt), named as the chart expects:
#   <fullname>-engine-tls               urn:porthole:engine, every DNS name of the engine Service
#                                       (<svc>, <svc>.<ns>, <svc>.<ns>.svc, <svc>.<ns>.svc.<domain>:
#                                       the ws-proxy and agents read the JWKS there), client+server
#   <fullname>-ws-proxy-tls             urn:porthole:ws-proxy, client
#   <fullname>-host-agent-<node>-tls    urn:porthole:host-agent:<host id>, DNS (or IP) <host>, server
# where <fullname> is the release name when it contains "porthole", else <release>-porthole, and
# a node's host id defaults to <node>:9443 (hostAgent.ports.grpc) and the cluster domain to
# cluster.local (the chart's clusterDomain).
#
# Keys are EC P-256 in PKCS#8 and never leave --out (default: a new 0700 temporary directory,
# removed at the end unless --out is given). Without --ca-cert a new CA is made in --out; keep its
# key offline. --print writes the Secrets as YAML to stdout instead of applying them with kubectl.
# Run it again to add a node: existing Secrets are replaced only for the names you pass.
set -euo pipefail

release="" namespace="" out="" ca_cert="" ca_key="" days=825 print=false grpc_port=9443
cluster_domain=cluster.local
nodes=()

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }
die() { echo "bootstrap-identities: $*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --release) release="$2"; shift 2 ;;
    --namespace) namespace="$2"; shift 2 ;;
    --node) nodes+=("$2"); shift 2 ;;
    --ca-cert) ca_cert="$2"; shift 2 ;;
    --ca-key) ca_key="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    --grpc-port) grpc_port="$2"; shift 2 ;;
    --cluster-domain) cluster_domain="$2"; shift 2 ;;
    --print) print=true; shift ;;
    -h|--help) usage 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

[[ -n "$release" ]] || die "--release is required"
[[ -n "$namespace" ]] || die "--namespace is required"
[[ -z "$ca_cert" && -z "$ca_key" || -n "$ca_cert" && -n "$ca_key" ]] \
  || die "--ca-cert and --ca-key go together"
command -v openssl >/dev/null || die "openssl is required"
$print || command -v kubectl >/dev/null || die "kubectl is required (or use --print)"

if [[ "$release" == *porthole* ]]; then fullname="${release:0:40}"; else fullname="${release}-porthole"; fullname="${fullname:0:40}"; fi
fullname="${fullname%-}"
engine_svc="${fullname}-engine"

keep=true
if [[ -z "$out" ]]; then out="$(mktemp -d)"; keep=false; fi
mkdir -p "$out"; chmod 0700 "$out"
cleanup() { $keep || rm -rf "$out"; }
trap cleanup EXIT
umask 077

if [[ -z "$ca_cert" ]]; then
  ca_cert="$out/ca.crt" ca_key="$out/ca.key"
  if [[ ! -f "$ca_cert" ]]; then
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$ca_key" 2>/dev/null
    openssl req -x509 -new -key "$ca_key" -sha256 -days 3650 -subj "/CN=Porthole CA ${release}" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -out "$ca_cert"
    $keep || echo "bootstrap-identities: a new CA was made and will be deleted; pass --out to keep it" >&2
  fi
fi

# issue NAME URI USAGES [DNS...]: <out>/NAME.{key,crt}, signed by the CA.
issue() {
  local name="$1" uri="$2" usages="$3"; shift 3
  local san="URI:${uri}" alt
  for alt in "$@"; do
    if [[ "$alt" =~ ^[0-9.]+$ ]]; then san="${san},IP:${alt}"; else san="${san},DNS:${alt}"; fi
  done
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/$name.key" 2>/dev/null
  openssl req -new -key "$out/$name.key" -subj "/CN=${uri}" -out "$out/$name.csr"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=${usages}" "subjectAltName=${san}" > "$out/$name.ext"
  openssl x509 -req -in "$out/$name.csr" -CA "$ca_cert" -CAkey "$ca_key" -CAcreateserial \
    -sha256 -days "$days" -extfile "$out/$name.ext" -out "$out/$name.crt" 2>/dev/null
  rm -f "$out/$name.csr" "$out/$name.ext"
}

# secret NAME FILE-STEM: apply (or print) the kubernetes.io/tls Secret. Server-side: a client-side
# apply would copy the whole object, private key included, into its last-applied annotation.
secret() {
  local name="$1" stem="$2" yaml
  yaml="$(kubectl_create "$name" "$stem")"
  if $print; then printf -- '---\n%s\n' "$yaml"; else printf '%s\n' "$yaml" | kubectl apply --server-side -f - >&2; fi
}
kubectl_create() {
  local name="$1" stem="$2"
  if command -v kubectl >/dev/null; then
    kubectl -n "$namespace" create secret generic "$name" --type=kubernetes.io/tls \
      --from-file=tls.crt="$out/$stem.crt" --from-file=tls.key="$out/$stem.key" \
      --from-file=ca.crt="$ca_cert" --dry-run=client -o yaml
  else
    printf 'apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata:\n  name: %s\n  namespace: %s\ndata:\n' "$name" "$namespace"
    printf '  tls.crt: %s\n  tls.key: %s\n  ca.crt: %s\n' "$(base64 -w0 "$out/$stem.crt")" \
      "$(base64 -w0 "$out/$stem.key")" "$(base64 -w0 "$ca_cert")"
  fi
}

issue engine urn:porthole:engine clientAuth,serverAuth \
  "$engine_svc" "$engine_svc.$namespace" "$engine_svc.$namespace.svc" \
  "$engine_svc.$namespace.svc.$cluster_domain"
secret "${fullname}-engine-tls" engine
issue ws-proxy urn:porthole:ws-proxy clientAuth
secret "${fullname}-ws-proxy-tls" ws-proxy
for entry in "${nodes[@]}"; do
  node="${entry%%=*}"
  host_id="${node}:${grpc_port}"
  [[ "$entry" == *=* ]] && host_id="${entry#*=}"
  [[ "$host_id" =~ ^[A-Za-z0-9.-]+:[0-9]+$ ]] || die "host id $host_id must be host:port"
  issue "host-agent-$node" "urn:porthole:host-agent:${host_id}" serverAuth "${host_id%:*}"
  secret "${fullname}-host-agent-${node}-tls" "host-agent-$node"
done
echo "bootstrap-identities: identities for ${fullname} (${#nodes[@]} host agents) ready" >&2
