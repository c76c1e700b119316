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
