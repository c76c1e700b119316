{{- /* The labels that select the release's pods: the workload's selector, the Service's and the ServiceMonitor's. */ -}}
{{- define "logpipeline.selectorLabels" -}}
app.kubernetes.io/name: logpipeline
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- /* Every object's labels. helm.sh/chart stays a valid label value (63 characters, no trailing dash). */ -}}
{{- define "logpipeline.labels" -}}
{{ include "logpipeline.selectorLabels" . }}
app.kubernetes.io/part-of: logpipeline
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{- /* One egress rule of the NetworkPolicy for a peer of values networkPolicy.kafka or .elasticsearch: its address
ranges when `cidrs` lists some (a service outside the cluster), otherwise every pod of its namespace. */ -}}
{{- define "logpipeline.egressRule" -}}
- to:
    {{- if .cidrs }}
    {{- range .cidrs }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
    {{- else }}
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ .namespace }}
    {{- end }}
  ports:
    {{- range .ports }}
    - protocol: TCP
      port: {{ . }}
    {{- end }}
{{- end -}}
