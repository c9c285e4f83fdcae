{{/* Names: <release>-porthole unless the release name already says porthole. */}}
{{- define "porthole.fullname" -}}
{{- if contains "porthole" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-porthole" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "porthole.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels shared by every object; the selector labels below are a stable subset. */}}
{{- define "porthole.labels" -}}
helm.sh/chart: {{ include "porthole.chart" .root }}
app.kubernetes.io/name: porthole
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: porthole
{{- end -}}

{{- define "porthole.selectorLabels" -}}
app.kubernetes.io/name: porthole
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "porthole.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .name (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{/* porthole.a.b-c -> PORTHOLE_A_B_C, the mapping libs/config and Quarkus both read. */}}
{{- define "porthole.envName" -}}
{{- . | upper | replace "." "_" | replace "-" "_" | replace "\"" "" -}}
{{- end -}}

{{/* The ConfigMap data of a component's extra keys; refuses a key that names a secret. */}}
{{- define "porthole.extraConfig" -}}
{{- range $key, $value := . }}
{{- if or (regexMatch "(?i)(password|secret|token|private|[-_.]key)$" $key) (regexMatch "(?s)(-----BEGIN|password=|://[^/@ ]+:[^/@ ]+@)" ($value | toString)) }}
{{- fail (printf "config key %q names or holds a secret: put it in a Secret and reference it with extraEnv valueFrom" $key) }}
{{- end }}
{{ include "porthole.envName" $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* extraEnv, refusing a literal value under a name that looks like a secret. */}}
{{- define "porthole.extraEnv" -}}
{{- range . }}
{{- if and (hasKey . "value") (regexMatch "(?i)(PASSWORD|SECRET|TOKEN|_KEY)$" .name) }}
{{- fail (printf "extraEnv %s looks like a secret: use valueFrom.secretKeyRef, not a literal value" .name) }}
{{- end }}
- {{ toYaml . | nindent 2 | trim }}
{{- end }}
{{- end -}}

{{- define "porthole.engineService" -}}{{ include "porthole.fullname" . }}-engine{{- end -}}
{{- define "porthole.wsProxyService" -}}{{ include "porthole.fullname" . }}-ws-proxy{{- end -}}

{{/* The engine Service's DNS names, as a JSON list: its certificate holds each of them. */}}
{{- define "porthole.engineDnsNames" -}}
{{- $svc := include "porthole.engineService" . -}}
{{- $ns := .Release.Namespace -}}
{{- list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns .Values.clusterDomain) | toJson -}}
{{- end -}}

{{/* Where the ws-proxy and agents read the token keys: jwksUrl, or the engine Service's HTTPS. */}}
{{- define "porthole.jwksUrl" -}}
{{- if .Values.jwksUrl -}}
{{- .Values.jwksUrl -}}
{{- else -}}
{{- printf "https://%s.%s.svc:%d/api/v1/jwks" (include "porthole.engineService" .) .Release.Namespace (int .Values.engine.ports.https) -}}
{{- end -}}
{{- end -}}

{{/* "true" when the JWKS URL is the engine Service over https: its certificate is the chart's CA's. */}}
{{- define "porthole.jwksInCluster" -}}
{{- $url := urlParse (include "porthole.jwksUrl" .) -}}
{{- if and (eq $url.scheme "https") (has $url.hostname (include "porthole.engineDnsNames" . | fromJsonArray)) -}}
true
{{- end -}}
{{- end -}}

{{/* The JWKS keys of the ws-proxy and the agents: from the engine Service, only the CA of the
     pod's own identity Secret (ca.crt, mounted with it) may vouch for the engine's certificate;
     from any other address, the JVM's trust store (a publicly signed certificate). */}}
{{- define "porthole.jwksEnv" -}}
PORTHOLE_JWKS_URL: {{ include "porthole.jwksUrl" . | quote }}
{{- if include "porthole.jwksInCluster" . }}
PORTHOLE_JWKS_CA_FILE: /etc/porthole/tls/ca.crt
{{- end }}
{{- end -}}

{{- define "porthole.engineTlsSecret" -}}
{{- default (printf "%s-engine-tls" (include "porthole.fullname" .)) .Values.tls.engineSecret -}}
{{- end -}}
{{- define "porthole.wsProxyTlsSecret" -}}
{{- default (printf "%s-ws-proxy-tls" (include "porthole.fullname" .)) .Values.tls.wsProxySecret -}}
{{- end -}}

{{/* A KVM node's host id: hostId, or <node name>:<grpc port>. Arguments: root, node. */}}
{{- define "porthole.hostId" -}}
{{- default (printf "%s:%d" .node.name (int .root.Values.hostAgent.ports.grpc)) .node.hostId -}}
{{- end -}}

{{/* The host key of docs/contracts.md for the host ids the schema admits ([A-Za-z0-9.-] and one
     colon): '_' -> _5f, '.' -> _2e, ':' -> _3a. */}}
{{- define "porthole.hostKey" -}}
{{- . | replace "_" "_5f" | replace "." "_2e" | replace ":" "_3a" -}}
{{- end -}}

{{- define "porthole.agentTlsSecret" -}}
{{- default (printf "%s-host-agent-%s-tls" (include "porthole.fullname" .root) .node.name) .node.tlsSecret -}}
{{- end -}}

{{/* Pod and container security shared by every component: least privilege. */}}
{{- define "porthole.podSecurity" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
The host agent's pod: uid hostAgent.runAsUser. 0 (the default) is root without any capability, so
it is refused every file it does not own and only reaches what its supplemental groups allow;
libvirtd admits it without polkit or a user record on the node. Any other uid needs the node's
libvirtd set for it (README, "What each component needs from the node").
*/}}
{{- define "porthole.agentPodSecurity" -}}
{{- $uid := int64 .Values.hostAgent.runAsUser }}
runAsNonRoot: {{ ne $uid 0 }}
runAsUser: {{ $uid }}
runAsGroup: {{ $uid }}
fsGroup: {{ $uid }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "porthole.agentContainerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: {{ ne (int64 .Values.hostAgent.runAsUser) 0 }}
privileged: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{- define "porthole.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
privileged: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Probes on a component's admin port (plan: /q/health/live and /q/health/ready). */}}
{{- define "porthole.probes" -}}
startupProbe:
  httpGet: {path: /q/health/live, port: admin}
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet: {path: /q/health/live, port: admin}
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /q/health/ready, port: admin}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
{{- end -}}

{{/* PodDisruptionBudget API: policy/v1 where the cluster serves it (1.21+), else v1beta1. */}}
{{- define "porthole.pdbApiVersion" -}}
{{- if or (.Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget") (semverCompare ">=1.21-0" .Capabilities.KubeVersion.Version) -}}
policy/v1
{{- else -}}
policy/v1beta1
{{- end -}}
{{- end -}}

{{/* The Kafka password file of one SCRAM user, from kafka.existingSecret. */}}
{{- define "porthole.kafkaVolume" -}}
- name: kafka
  secret:
    secretName: {{ .root.Values.kafka.existingSecret }}
    defaultMode: 0440
    items:
      - key: {{ .user }}
        path: password
      {{- if eq .root.Values.kafka.securityProtocol "SASL_SSL" }}
      - key: ca.crt
        path: ca.crt
      {{- end }}
{{- end -}}

{{- define "porthole.kafkaEnv" -}}
PORTHOLE_KAFKA_BOOTSTRAP: {{ .Values.kafka.bootstrap | quote }}
PORTHOLE_KAFKA_SECURITY_PROTOCOL: {{ .Values.kafka.securityProtocol | quote }}
PORTHOLE_KAFKA_PASSWORD_FILE: /etc/porthole/kafka/password
{{- if eq .Values.kafka.securityProtocol "SASL_SSL" }}
PORTHOLE_KAFKA_CA_FILE: /etc/porthole/kafka/ca.crt
{{- end }}
{{- end -}}

{{- define "porthole.tlsEnv" -}}
PORTHOLE_TLS_CA: /etc/porthole/tls/ca.crt
PORTHOLE_TLS_CERT: /etc/porthole/tls/tls.crt
PORTHOLE_TLS_KEY: /etc/porthole/tls/tls.key
PORTHOLE_PKI_DIR: /tmp/porthole-pki
{{- end -}}

{{/* Refusals that need more than the schema: cross-field rules, with the fix in the message. */}}
{{- define "porthole.validate" -}}
{{- if not .Values.postgresql.existingSecret }}
{{- fail "postgresql.existingSecret is required: a Secret with keys username and password" }}
{{- end }}
{{- if not .Values.kafka.existingSecret }}
{{- fail "kafka.existingSecret is required: a Secret with one key per SCRAM user (porthole-engine, porthole-ws-proxy, porthole-host-<host key>)" }}
{{- end }}
{{- if not .Values.keycloak.existingSecret }}
{{- fail "keycloak.existingSecret is required: a Secret with key client-secret" }}
{{- end }}
{{- if and .Values.tls.certManager.enabled (not .Values.tls.certManager.issuerRef.name) }}
{{- fail "tls.certManager.issuerRef.name is required when tls.certManager.enabled is true" }}
{{- end }}
{{- if and .Values.hostAgent.nodes (not .Values.hostAgent.libvirtGroupId) }}
{{- fail "hostAgent.libvirtGroupId is required: the numeric id of the libvirt group on the KVM nodes (getent group libvirt)" }}
{{- end }}
{{- if and .Values.engine.hostNetwork (gt (int .Values.engine.replicas) 1) }}
{{- fail "engine.hostNetwork is for one-node development: with it engine.replicas must be 1 (two engines cannot share a node's ports)" }}
{{- end }}
{{- end -}}
