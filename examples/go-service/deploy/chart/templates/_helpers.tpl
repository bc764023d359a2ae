{{- define "go-service.selector" -}}
app.kubernetes.io/name: go-service
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
