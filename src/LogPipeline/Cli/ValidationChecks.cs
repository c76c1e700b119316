using System.Text.Json.Nodes;
using Confluent.Kafka;
using LogPipeline.Configuration;
using LogPipeline.Elasticsearch;
using LogPipeline.Hosting;
using LogPipeline.Kafka;
using Elastic.Transport;
using HttpMethod = Elastic.Transport.HttpMethod;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LogPipeline.Cli;

/// <summary>The checks of <c>validate</c>. Each reuses what <c>run</c> does at start (the configuration schema, the
/// enrichment chain's constructor, the Kafka and Elasticsearch client builders), so a configuration that passes
/// here passes there; what <c>run</c> only finds out later (a topic, a privilege) is asked of the clusters.</summary>
internal static class ValidationChecks
{
    /// <summary>Every key and value, with <c>run</c>'s own check (<see cref="ConfigurationSchema.Validate"/>).</summary>
    public static IReadOnlyList<ValidationCheck> Configuration(IConfiguration configuration)
    {
        var problems = ConfigurationSchema.Validate(configuration);
        return problems.Count == 0
            ? [new("configuration", true, "every key and value is allowed")]
            : [.. problems.Select(p => new ValidationCheck("configuration", false, p.ToString()))];
    }

    /// <summary>The enrichment chain built as <c>run</c> builds it: GeoIP databases opened, masking and category
    /// rules compiled.</summary>
    public static ValidationCheck Enrichment(IConfiguration configuration)
    {
        try
        {
            using var chain = WorkerHost.CreateChain(ConfigurationSchema.Get<Enrichers.EnrichmentOptions>(configuration), TimeProvider.System);
            return new("enrichment", true, "GeoIP databases opened, masking and category rules built");
        }
        catch (Exception e) when (e is ConfigurationException or OptionsValidationException)
        {
            return new("enrichment", false, e.Message.ReplaceLineEndings(" "));
        }
    }

    /// <summary>Kafka: the brokers answer a metadata request, each source topic exists (with its partition count), and
    /// so does its dead-letter topic. The metadata of all topics is asked for, not of each topic by name: a request
    /// by name may create the topic on a broker that auto-creates topics, and validate must change nothing.</summary>
    public static IReadOnlyList<ValidationCheck> Kafka(IConfiguration configuration, TimeSpan timeout)
    {
        var consumer = KafkaClientConfiguration.BindConsumer(configuration);
        var source = ConfigurationSchema.Get<KafkaSourceOptions>(configuration);
        Metadata metadata;
        try
        {
            // The worker's own consumer configuration (an admin client refuses consumer properties), never subscribed:
            // it joins no group and reads nothing; an admin client on its handle asks for the metadata.
            using var client = new ConsumerBuilder<Ignore, Ignore>(consumer)
                // Connection errors are reported as the check's outcome, not logged on the side.
                .SetLogHandler((_, _) => { })
                .SetErrorHandler((_, _) => { })
                .Build();
            using var admin = new DependentAdminClientBuilder(client.Handle).Build();
            metadata = admin.GetMetadata(timeout);
        }
        catch (KafkaException e)
        {
            return [new("kafka", false, $"{consumer.BootstrapServers}: {e.Error.Reason}")];
        }

        var checks = new List<ValidationCheck> { new("kafka", true, $"{consumer.BootstrapServers}: {metadata.Brokers.Count} brokers") };
        var topics = metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError).ToDictionary(t => t.Topic, StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(source.TopicPattern))
        {
            var pattern = new System.Text.RegularExpressions.Regex(source.TopicPattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
            var matching = topics.Keys.Where(t => pattern.IsMatch(t)).Order(StringComparer.Ordinal).ToList();
            checks.Add(new($"kafka topics {source.TopicPattern}", matching.Count > 0,
                matching.Count > 0 ? $"{matching.Count} topics match" : "no topic matches the pattern"));
            checks.AddRange(matching.SelectMany(t => TopicChecks(t, source, topics)));
            return checks;
        }

        checks.AddRange(source.Topics.SelectMany(t => TopicChecks(t, source, topics)));
        return checks;
    }

    private static IEnumerable<ValidationCheck> TopicChecks(string topic, KafkaSourceOptions source, Dictionary<string, TopicMetadata> topics)
    {
        yield return Topic($"kafka topic {topic}", topic, topics);
        var deadLetter = source.DeadLetterTopicFor(topic);
        yield return Topic($"kafka dead-letter topic {deadLetter}", deadLetter, topics);
    }

    private static ValidationCheck Topic(string check, string topic, Dictionary<string, TopicMetadata> topics) =>
        topics.TryGetValue(topic, out var t)
            ? new(check, true, $"{t.Partitions.Count} partitions")
            : new(check, false, "does not exist");

    /// <summary>Elasticsearch: reachable, its version, and the privileges the worker needs: <c>create_doc</c> on the
    /// target's indices, and <c>manage_ilm</c> and <c>manage_index_templates</c> when it bootstraps.</summary>
    public static async Task<IReadOnlyList<ValidationCheck>> ElasticsearchAsync(IConfiguration configuration, CancellationToken ct)
    {
        if (ConfigurationSchema.Get<SinkOptions>(configuration).Type == SinkOptions.Types.File)
        {
            return [new("elasticsearch", true, "not used (Sink:Type is file)")];
        }

        var options = ConfigurationSchema.Get<ElasticsearchSinkOptions>(configuration);
        ITransport<Elastic.Clients.Elasticsearch.IElasticsearchClientSettings> client;
        try
        {
            client = ElasticsearchClientFactory.Create(options);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException
                                      or System.Security.Cryptography.CryptographicException)
        {
            return [new("elasticsearch", false, e.Message)];
        }

        var where = ElasticsearchClientFactory.Describe(options);
        ElasticsearchProtocol protocol;
        try
        {
            // The sink's own negotiation: the same GET /, the same refusal of an old or foreign server, the same
            // REST API major for every later request.
            protocol = await ElasticsearchProtocol.NegotiateAsync(client, ct).ConfigureAwait(false);
        }
        catch (ElasticsearchBootstrapException e)
        {
            var why = e.ErrorType == ElasticsearchBootstrapException.UnsupportedServer ? e.Message
                : e.StatusCode is { } status ? $"HTTP {status} {e.ErrorType}: {e.Reason}"
                : $"{e.ErrorType}: {e.Reason}";
            return [new("elasticsearch", false, $"{where}: {why}")];
        }

        var server = protocol.Server;
        var detail = $"{where}: version {server.Version.ToString(3)}{(server.IsServerless ? " (serverless)" : "")}, REST API compatible-with={protocol.CompatibleWith}"
            + (protocol.IsNewerThanTested ? $" (newer than the newest major tested, {ElasticsearchProtocol.NewestTestedMajor}.x)" : "");
        var checks = new List<ValidationCheck> { new("elasticsearch", true, detail) };
        checks.AddRange(await PrivilegesAsync(client, protocol, options, ct).ConfigureAwait(false));
        return checks;
    }

    private static async Task<IReadOnlyList<ValidationCheck>> PrivilegesAsync(
        ITransport<Elastic.Clients.Elasticsearch.IElasticsearchClientSettings> client, ElasticsearchProtocol protocol, ElasticsearchSinkOptions options,
        CancellationToken ct)
    {
        // The worker writes to the target and, in index mode, to the rollover indices behind its alias.
        var indexPattern = options.Target + "*";
        string[] cluster = options.Bootstrap ? ["manage_ilm", "manage_index_templates"] : [];
        var request = new JsonObject
        {
            ["cluster"] = new JsonArray([.. cluster.Select(c => (JsonNode)c)]),
            ["index"] = new JsonArray(new JsonObject
            {
                ["names"] = new JsonArray(indexPattern),
                ["privileges"] = new JsonArray("create_doc"),
            }),
        };
        var (status, body, failure) = await SendAsync(client, protocol, HttpMethod.POST, "/_security/user/_has_privileges", request.ToJsonString(), ct).ConfigureAwait(false);
        if (failure is not null || status is not (>= 200 and < 300))
        {
            return [new("elasticsearch privileges", false, failure ?? Error(status, body))];
        }

        var answer = JsonNode.Parse(body);
        var checks = new List<ValidationCheck>
        {
            Privilege($"elasticsearch privilege create_doc on {indexPattern}", answer?["index"]?[indexPattern]?["create_doc"]),
        };
        checks.AddRange(cluster.Select(c => Privilege($"elasticsearch cluster privilege {c} (Elasticsearch:Bootstrap)", answer?["cluster"]?[c])));
        return checks;
    }

    private static ValidationCheck Privilege(string check, JsonNode? granted) =>
        granted is JsonValue v && v.TryGetValue<bool>(out var ok) && ok
            ? new(check, true, "granted")
            : new(check, false, "not granted to these credentials");

    private static async Task<(int? Status, string Body, string? Failure)> SendAsync(
        ITransport<Elastic.Clients.Elasticsearch.IElasticsearchClientSettings> client, ElasticsearchProtocol protocol, HttpMethod method, string path,
        string? body, CancellationToken ct)
    {
        try
        {
            var response = await client.RequestAsync<StringResponse>(method, path, body is null ? null : PostData.String(body), protocol.Json, ct)
                .ConfigureAwait(false);
            var details = response.ApiCallDetails;
            return details.HttpStatusCode is null
                ? (null, "", details.OriginalException?.Message ?? "no response")
                : (details.HttpStatusCode, response.Body ?? "", null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, "", e.Message);
        }
    }

    private static string Error(int? status, string body)
    {
        var (type, reason) = ElasticsearchBootstrapper.ParseError(body);
        return $"HTTP {status}: {type}: {reason}";
    }
}
