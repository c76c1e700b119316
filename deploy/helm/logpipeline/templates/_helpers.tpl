{{- define "logpipeline.labels" -}}
app.kubernetes.io/name: logpipeline
app.kubernetes.io/part-of: logpipeline
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}
