using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment;

public sealed class KubernetesManifestTests
{
    private const int WorkerPort = 9102;

    private static readonly string[] ClusterScopedKinds = ["Namespace"];

    public static TheoryData<string> ManifestFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in KubernetesManifests.Files.Keys.Order())
        {
            data.Add(f);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void Every_document_parses_and_names_its_apiVersion_kind_and_name(string file)
    {
        var documents = KubernetesManifests.Files[file];

        Assert.NotEmpty(documents);
        foreach (var d in documents)
        {
            Assert.False(string.IsNullOrEmpty(d.Str("apiVersion")), $"{file}: apiVersion");
            Assert.False(string.IsNullOrEmpty(d.Str("kind")), $"{file}: kind");
            if (d.Str("kind") is not ("Kustomization" or "Component"))
            {
                Assert.Matches("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", d.Required("metadata.name"));
            }
        }
    }

    [Fact]
    public void The_kustomization_applies_every_manifest_except_the_secret_example_and_components()
    {
        var listed = KubernetesManifests.Kustomization.Items("resources").Select(r => ((YamlScalarNode)r).Value!).ToHashSet();
        var topLevel = KubernetesManifests.Files.Keys.Where(f => !f.Contains('/') && f != "kustomization.yaml").ToHashSet();

        topLevel.Remove("secret.example.yaml");
        Assert.Equal(topLevel.Order(), listed.Order());
        Assert.Equal("logging", KubernetesManifests.Kustomization.Str("namespace"));
        Assert.DoesNotContain(KubernetesManifests.Base, d => d.Str("kind") == "Secret");

        // `kustomize edit set image logpipeline=...` must find the worker's image by name.
        var image = KubernetesManifests.Kustomization.Items("images").Single();
        Assert.StartsWith(image.Required("name") + ":", KubernetesManifests.WorkerContainer.Required("image"));
        Assert.DoesNotContain(":latest", KubernetesManifests.WorkerContainer.Required("image"));
    }

    [Fact]
    public void The_base_has_each_resource_the_deployment_needs_in_the_logging_namespace()
    {
        string[] kinds = ["Namespace", "ServiceAccount", "ConfigMap", "DaemonSet", "Service", "ServiceMonitor",
            "PrometheusRule", "NetworkPolicy", "PodDisruptionBudget"];

        Assert.Equal(kinds.Order(), KubernetesManifests.Base.Select(d => d.Required("kind")).Order());
        Assert.Equal("logging", KubernetesManifests.Single("Namespace").Required("metadata.name"));
        Assert.All(KubernetesManifests.Base.Where(d => !ClusterScopedKinds.Contains(d.Str("kind"))),
            d => Assert.Equal("logging", d.Str("metadata.namespace")));
        Assert.Equal("restricted", KubernetesManifests.Single("Namespace").Map("metadata.labels")["pod-security.kubernetes.io/enforce"]);
    }

    [Fact]
    public void Probes_use_the_workers_port_and_health_paths()
    {
        var c = KubernetesManifests.WorkerContainer;
        var ports = c.Items("ports").ToDictionary(p => p.Required("name"), p => int.Parse(p.Required("containerPort")));
        int Resolve(string probe)
        {
            var port = c.Required($"{probe}.httpGet.port");
            return int.TryParse(port, out var n) ? n : ports[port];
        }

        Assert.Equal(WorkerPort, Resolve("livenessProbe"));
        Assert.Equal(WorkerPort, Resolve("readinessProbe"));
        Assert.Equal(WorkerPort, Resolve("startupProbe"));
        Assert.Equal("/healthz", c.Required("livenessProbe.httpGet.path"));
        Assert.Equal("/readyz", c.Required("readinessProbe.httpGet.path"));
        Assert.Equal("/healthz", c.Required("startupProbe.httpGet.path"));

        var http = JsonNode.Parse(KubernetesManifests.AppSettingsJson)!["Http"]!["Address"]!.GetValue<string>();
        Assert.Equal($"0.0.0.0:{WorkerPort}", http);
        Assert.Contains($"EXPOSE {WorkerPort}", RepositoryFiles.Read("Dockerfile"));
    }

    [Fact]
    public void The_grace_period_outlasts_the_drain_deadline_with_room_to_commit()
    {
        var grace = int.Parse(KubernetesManifests.PodSpec.Required("terminationGracePeriodSeconds"));
        var drain = TimeSpan.Parse(JsonNode.Parse(KubernetesManifests.AppSettingsJson)!["Shutdown"]!["DrainTimeout"]!.GetValue<string>());

        Assert.Equal(TimeSpan.FromSeconds(25), drain);
        Assert.True(grace >= drain.TotalSeconds + 10, $"terminationGracePeriodSeconds {grace} leaves under 10 s after a {drain.TotalSeconds} s drain");
    }

    [Fact]
    public void The_node_name_comes_from_the_downward_api_for_static_membership()
    {
        var env = KubernetesManifests.WorkerContainer.Items("env").Single(e => e.Str("name") == "NODE_NAME");

        Assert.Equal("spec.nodeName", env.Required("valueFrom.fieldRef.fieldPath"));
    }

    public static TheoryData<string> PodSpecs() => new() { "base", "geoip component", "setup job" };

    [Theory]
    [MemberData(nameof(PodSpecs))]
    public void Every_container_runs_non_root_read_only_without_capabilities(string which)
    {
        var spec = which switch
        {
            "base" => KubernetesManifests.PodSpec,
            "geoip component" => (YamlMappingNode)KubernetesManifests.GeoIpPatch.At("spec.template.spec")!,
            _ => (YamlMappingNode)KubernetesManifests.SetupJob.At("spec.template.spec")!,
        };
        // The component's entry for the worker container only adds env and mounts to the base's.
        var containers = spec.Items("initContainers").Concat(spec.Items("containers"))
            .Where(c => which == "base" || c.Str("name") != "logpipeline").ToList();

        Assert.NotEmpty(containers);
        foreach (var c in containers)
        {
            var name = c.Required("name");
            Assert.True(c.Str("securityContext.readOnlyRootFilesystem") == "true", $"{name}: readOnlyRootFilesystem");
            Assert.True(c.Str("securityContext.allowPrivilegeEscalation") == "false", $"{name}: allowPrivilegeEscalation");
            Assert.True(c.Str("securityContext.runAsNonRoot") == "true", $"{name}: runAsNonRoot");
            Assert.Equal(["ALL"], c.Items("securityContext.capabilities.drop").Select(n => ((YamlScalarNode)n).Value));
            Assert.NotNull(c.Str("resources.limits.memory"));
            Assert.NotNull(c.Str("resources.requests.memory"));
        }

        if (which != "geoip component")
        {
            Assert.Equal("true", spec.Str("securityContext.runAsNonRoot"));
            Assert.Equal("RuntimeDefault", spec.Str("securityContext.seccompProfile.type"));
            Assert.Equal("false", spec.Str("automountServiceAccountToken"));
            // The image's non-root user (USER in the Dockerfile) is the one the pod runs as.
            Assert.Contains($"USER {spec.Required("securityContext.runAsUser")}", RepositoryFiles.Read("Dockerfile"));
        }
    }

    [Fact]
    public void The_managed_heap_cap_leaves_the_measured_native_memory_room_under_the_limit()
    {
        // Measured with the end-to-end harness (see the DaemonSet's comment): peak RSS 183-189 MiB with a 96 MiB
        // heap cap, of which the managed heap held ~55-67 MB; outside it (mapped code and runtime, JIT code,
        // librdkafka's buffers) ~120 MiB at most, rounded up here to 128 MiB.
        const long MeasuredNativeMiB = 128;
        var container = KubernetesManifests.WorkerContainer;
        var resources = container.At("resources")!;
        var request = MiB(resources.Required("requests.memory"));
        var limit = MiB(resources.Required("limits.memory"));
        var heapCap = Convert.ToInt64(container.Items("env").Single(e => e.Str("name") == "DOTNET_GCHeapHardLimit").Required("value"), 16) / (1024 * 1024);

        Assert.True(heapCap + MeasuredNativeMiB <= request, $"request {request} Mi is below the measured peak {heapCap + MeasuredNativeMiB} Mi");
        Assert.True(limit >= (heapCap + MeasuredNativeMiB) * 1.25, $"limit {limit} Mi leaves under 25 % over the measured peak");
        Assert.NotNull(resources.Str("requests.cpu"));
        Assert.Null(resources.Str("limits.cpu"));
    }

    [Fact]
    public void Every_file_the_configuration_names_is_on_a_mounted_volume()
    {
        var settings = JsonNode.Parse(KubernetesManifests.AppSettingsJson)!;
        var mounts = KubernetesManifests.WorkerContainer.Items("volumeMounts").Select(m => m.Required("mountPath")).ToList();
        string[] paths =
        [
            settings["Elasticsearch"]!["ApiKeyFile"]!.GetValue<string>(),
            settings["Elasticsearch"]!["CaCertificatePath"]!.GetValue<string>(),
            settings["Enrichment"]!["Masking"]!["HmacKeyFile"]!.GetValue<string>(),
            settings["Kafka"]!["Consumer"]!["SslCaLocation"]!.GetValue<string>(),
        ];

        Assert.All(paths, p => Assert.Contains(mounts, m => p.StartsWith(m + "/", StringComparison.Ordinal)));
        Assert.Contains("/app/appsettings.json", mounts);
        Assert.Contains("/tmp", mounts);
    }

    [Fact]
    public void Secrets_are_referenced_and_only_placeholders_are_committed()
    {
        // Every Secret any manifest (base or component) uses has an example, and every example is used.
        var podSpecs = new[]
        {
            KubernetesManifests.PodSpec,
            KubernetesManifests.GeoIpPatch.At("spec.template.spec")!,
            KubernetesManifests.SetupJob.At("spec.template.spec")!,
        };
        var referenced = podSpecs.SelectMany(p => p.Items("volumes").Select(v => v.Str("secret.secretName"))
                .Concat(p.Items("containers").Concat(p.Items("initContainers")).SelectMany(c => c.Items("env"))
                    .Select(e => e.Str("valueFrom.secretKeyRef.name"))))
            .OfType<string>().ToHashSet();
        var examples = KubernetesManifests.Files["secret.example.yaml"];

        Assert.Equal(["logpipeline-elasticsearch", "logpipeline-geoip", "logpipeline-kafka", "logpipeline-kibana", "logpipeline-masking"],
            referenced.Order());
        Assert.Equal(referenced.Order(), examples.Select(d => d.Required("metadata.name")).Order());
        Assert.All(examples.SelectMany(d => d.Map("stringData").Values), v => Assert.Matches("^<[^>]+>$", v));
        string[] secretWords = ["Password", "ApiKey", "HmacKey", "Secret"];
        Assert.DoesNotContain(KubernetesManifests.WorkerContainer.Items("env"),
            e => e.Str("value") is not null && secretWords.Any(w => e.Required("name").EndsWith(w, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void Selectors_match_the_pod_labels_and_the_service_monitor_scrapes_the_metrics_port()
    {
        var podLabels = KubernetesManifests.DaemonSet.Map("spec.template.metadata.labels");
        void MatchesPods(IReadOnlyDictionary<string, string> selector, string what) =>
            Assert.All(selector, kv => Assert.True(podLabels.TryGetValue(kv.Key, out var v) && v == kv.Value, $"{what} selector {kv.Key}={kv.Value}"));

        var service = KubernetesManifests.Single("Service");
        var monitor = KubernetesManifests.Single("ServiceMonitor");
        MatchesPods(KubernetesManifests.DaemonSet.Map("spec.selector.matchLabels"), "DaemonSet");
        MatchesPods(service.Map("spec.selector"), "Service");
        MatchesPods(KubernetesManifests.Single("PodDisruptionBudget").Map("spec.selector.matchLabels"), "PodDisruptionBudget");
        MatchesPods(KubernetesManifests.Single("NetworkPolicy").Map("spec.podSelector.matchLabels"), "NetworkPolicy");

        var servicePort = service.Items("spec.ports").Single();
        Assert.Equal(WorkerPort.ToString(), servicePort.Str("port"));
        Assert.Equal("http", servicePort.Str("targetPort"));
        Assert.Contains(KubernetesManifests.WorkerContainer.Items("ports"), p => p.Str("name") == "http" && p.Str("containerPort") == WorkerPort.ToString());

        var endpoint = monitor.Items("spec.endpoints").Single();
        Assert.Equal(servicePort.Str("name"), endpoint.Str("port"));
        Assert.Equal("/metrics", endpoint.Str("path"));
        Assert.All(monitor.Map("spec.selector.matchLabels"), kv => Assert.Equal(kv.Value, service.Map("metadata.labels")[kv.Key]));
        Assert.Equal("logging", ((YamlScalarNode)monitor.Items("spec.namespaceSelector.matchNames").Single()).Value);
    }

    [Fact]
    public void The_network_policy_admits_only_scrapes_from_monitoring_and_egress_to_dns_kafka_and_elasticsearch()
    {
        var policy = KubernetesManifests.Single("NetworkPolicy");

        Assert.Equal(["Egress", "Ingress"], policy.Items("spec.policyTypes").Select(n => ((YamlScalarNode)n).Value).Order());
        var ingress = policy.Items("spec.ingress").Single();
        Assert.Equal("monitoring", ingress.Items("from").Single().Map("namespaceSelector.matchLabels")["kubernetes.io/metadata.name"]);
        Assert.Equal(WorkerPort.ToString(), ingress.Items("ports").Single().Str("port"));

        var egress = policy.Items("spec.egress").ToList();
        var ports = egress.SelectMany(e => e.Items("ports")).Select(p => p.Required("port")).ToHashSet();
        Assert.Equal(["53", "9092", "9093", "9200"], ports.Order());
        Assert.All(egress, e => Assert.All(e.Items("to"), t => Assert.Null(t.At("ipBlock"))));
    }

    [Fact]
    public void The_geoip_component_points_the_worker_at_the_files_its_init_container_downloads()
    {
        var spec = KubernetesManifests.GeoIpPatch.At("spec.template.spec")!;
        var init = spec.Items("initContainers").Single();
        var dbDir = init.Items("env").Single(e => e.Str("name") == "GEOIPUPDATE_DB_DIR").Required("value");
        var worker = KubernetesManifests.GeoIpWorkerPatch;
        var sidecar = spec.Items("containers").Single(c => c.Str("name") == "geoipupdate");
        string Env(YamlNode c, string name) => c.Items("env").Single(e => e.Str("name") == name).Required("value");
        Assert.Equal("0", Env(init, "GEOIPUPDATE_FREQUENCY"));
        Assert.True(int.Parse(Env(sidecar, "GEOIPUPDATE_FREQUENCY")) is > 0 and <= 24 * 7, "the sidecar must refresh within a week");
        Assert.Equal(dbDir, Env(sidecar, "GEOIPUPDATE_DB_DIR"));
        var paths = worker.Items("env").Where(e => e.Required("name").StartsWith("LOGPIPELINE__Enrichment__GeoIp__", StringComparison.Ordinal))
            .Select(e => e.Required("value")).ToList();

        Assert.Equal(2, paths.Count);
        Assert.All(paths, p => Assert.StartsWith(dbDir + "/", p));
        Assert.Contains(worker.Items("volumeMounts"), m => m.Str("mountPath") == dbDir && m.Str("readOnly") == "true");
        Assert.Equal("Component", KubernetesManifests.Files["components/geoip/kustomization.yaml"].Single().Str("kind"));
    }

    [Fact]
    public void The_image_builds_on_the_aspnet_runtime_and_starts_the_worker()
    {
        var dockerfile = RepositoryFiles.Read("Dockerfile");
        var stages = dockerfile.Split('\n').Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, stages.Count);
        Assert.Contains("/dotnet/sdk:", stages[0]);
        Assert.Contains("/dotnet/aspnet:", stages[1]);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"logpipeline.dll\", \"run\"]", dockerfile);
        Assert.Contains("DOTNET_EnableDiagnostics=0", dockerfile);
        var dockerignore = RepositoryFiles.Read(".dockerignore");
        Assert.Contains("**/bin/", dockerignore);
        Assert.Contains("*.mmdb", dockerignore);
    }

    [Fact]
    public void The_geoip_component_adds_the_measured_database_memory_to_the_base_resources()
    {
        // Measured (docs/geoip.md § Memory): the mapped City and ASN files resident (GeoLite2: 61 + 9 MB, rounded
        // to 80 MiB) and 32 MiB more managed heap for the decoded records; sized from the files: 16 MiB of lookup
        // structures (a 4 MiB IPv4 table per database, a bitmap of verified records of 1/8 of each data section).
        const long DatabaseFilesMiB = 80;
        const long DecodedRecordsMiB = 32 + 16;
        var baseResources = KubernetesManifests.WorkerContainer.At("resources")!;
        var worker = KubernetesManifests.GeoIpPatch.At("spec.template.spec")!.Items("containers").Single(c => c.Str("name") == "logpipeline");
        var resources = worker.At("resources")!;
        var heapCap = Convert.ToInt64(worker.Items("env").Single(e => e.Str("name") == "DOTNET_GCHeapHardLimit").Required("value"), 16) / (1024 * 1024);
        var baseHeapCap = Convert.ToInt64(KubernetesManifests.WorkerContainer.Items("env").Single(e => e.Str("name") == "DOTNET_GCHeapHardLimit").Required("value"), 16) / (1024 * 1024);

        Assert.Equal(baseHeapCap + DecodedRecordsMiB, heapCap);
        Assert.True(MiB(resources.Required("requests.memory")) >= MiB(baseResources.Required("requests.memory")) + DatabaseFilesMiB + DecodedRecordsMiB);
        Assert.True(MiB(resources.Required("limits.memory")) >= MiB(baseResources.Required("limits.memory")) + DatabaseFilesMiB + DecodedRecordsMiB);
        Assert.Null(resources.Str("limits.cpu"));
    }

    [Fact]
    public void The_image_is_published_ready_to_run_with_the_compiler_restored_for_its_architecture()
    {
        var runs = RepositoryFiles.Read("Dockerfile").Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
            .Where(l => l.StartsWith("RUN dotnet ", StringComparison.Ordinal)).ToList();

        Assert.Contains(runs, r => r.Contains("dotnet restore", StringComparison.Ordinal) && r.Contains("-p:PublishReadyToRun=true", StringComparison.Ordinal));
        Assert.Contains(runs, r => r.Contains("dotnet publish", StringComparison.Ordinal) && r.Contains("-p:PublishReadyToRun=true", StringComparison.Ordinal));
    }

    [Fact]
    public void The_image_sets_the_runtime_settings_the_benchmarks_measured_with()
    {
        var dockerfile = RepositoryFiles.Read("Dockerfile");
        var env = dockerfile[dockerfile.IndexOf("\nENV ", StringComparison.Ordinal)..];
        env = env[..env.IndexOf("\n\n", StringComparison.Ordinal)];

        Assert.NotEmpty(LogPipeline.Hosting.ImageRuntimeSettings.Environment);
        Assert.All(LogPipeline.Hosting.ImageRuntimeSettings.Environment,
            setting => Assert.Contains($"{setting.Key}={setting.Value}", env, StringComparison.Ordinal));
    }

    private static int MiB(string quantity) => quantity switch
    {
        _ when quantity.EndsWith("Mi", StringComparison.Ordinal) => int.Parse(quantity[..^2]),
        _ when quantity.EndsWith("Gi", StringComparison.Ordinal) => int.Parse(quantity[..^2]) * 1024,
        _ => throw new Xunit.Sdk.XunitException($"unexpected quantity {quantity}"),
    };
}
