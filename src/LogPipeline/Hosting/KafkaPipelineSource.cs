using Confluent.Kafka;
using LogPipeline.Kafka;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Hosting;

/// <summary>The worker's source: a <see cref="KafkaSource"/> (which also starts and feeds the sink), with a
/// metadata request at start so an unreachable cluster fails fast instead of retrying silently forever.</summary>
internal sealed class KafkaPipelineSource(KafkaSource source, KafkaSourceOptions options, ConsumerConfig consumer, ILogger logger) : IPipelineSource
{
    public bool IsHealthy => source.IsReady;

    public bool HasConsumed => source.ReceivedRecords > 0;

    public KafkaSource Source => source;

    public Task CheckConnectionAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.Run(() => CheckConnection(timeout), cancellationToken);

    public async Task<bool> RunAsync(TimeSpan drainTimeout, CancellationToken stoppingToken)
    {
        options.DrainTimeout = drainTimeout;
        try
        {
            await source.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (KafkaSourceException e)
        {
            throw new InvalidOperationException("Kafka: " + e.Message, e);
        }

        // Not source.InFlightRecords: closing the partitions at the end of the stop resets that count to 0.
        return source.StopReport is { Complete: true };
    }

    public string DescribeIncompleteStop() => source.StopReport switch
    {
        null => "the Kafka source did not drain",
        { Drained: false } r => $"{r.UnacknowledgedRecords} records were not acknowledged within Shutdown:DrainTimeout = {options.DrainTimeout} of the stop request: their offsets were not committed and they will be redelivered",
        _ => "every record was acknowledged, but the final offset commit failed: the records since the last successful commit will be redelivered",
    };

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void CheckConnection(TimeSpan timeout)
    {
        var config = new AdminClientConfig(consumer.Where(kv => IsConnectionSetting(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value))
        {
            SocketTimeoutMs = (int)Math.Clamp(timeout.TotalMilliseconds, 10, int.MaxValue),
        };
        string? lastError = null;
        using var admin = new AdminClientBuilder(config)
            .SetErrorHandler((_, error) => lastError = error.Reason)
            .SetLogHandler((_, _) => { })
            .Build();
        try
        {
            var metadata = admin.GetMetadata(timeout);
            if (metadata.Brokers.Count == 0)
            {
                throw Unavailable(lastError ?? "no brokers in the metadata");
            }

            WarnAboutMissingDeadLetterTopics(metadata);
        }
        catch (KafkaException e)
        {
            throw Unavailable(lastError ?? e.Error.Reason);
        }

        DependencyUnavailableException Unavailable(string reason) => new(
            $"Kafka at {consumer.BootstrapServers} did not answer within Startup:ConnectTimeout = {timeout}: {reason} " +
            "(check Kafka:Consumer:BootstrapServers and the security settings).");
    }

    /// <summary>A missing dead-letter topic does not stop the worker (brokers may create topics on first
    /// produce), but until it exists a poison record holds back its partition's commits, so say so at start
    /// rather than when the first one arrives.</summary>
    private void WarnAboutMissingDeadLetterTopics(Metadata metadata)
    {
        foreach (var topic in MissingDeadLetterTopics(options, metadata))
        {
            logger.LogWarning(
                "dead-letter topic {DeadLetterTopic} does not exist: rejected records wait (and hold back their partition's commits) until it is created or the brokers auto-create it; create it with the source topic's partitions and retention",
                topic);
        }
    }

    /// <summary>The dead-letter topics of the configured source topics that the cluster does not have. Unknown
    /// under a topic pattern, where the source topics are only known once assigned.</summary>
    internal static IReadOnlyList<string> MissingDeadLetterTopics(KafkaSourceOptions options, Metadata metadata)
    {
        if (!string.IsNullOrWhiteSpace(options.TopicPattern) || options.Topics is null)
        {
            return [];
        }

        var existing = metadata.Topics.Where(t => !t.Error.IsError).Select(t => t.Topic).ToHashSet(StringComparer.Ordinal);
        return options.Topics.Select(options.DeadLetterTopicFor).Distinct(StringComparer.Ordinal)
            .Where(topic => !existing.Contains(topic))
            .ToList();
    }

    private static bool IsConnectionSetting(string key) =>
        key is "bootstrap.servers" or "security.protocol" or "client.id" or "broker.address.family" or "client.dns.lookup"
        || key.StartsWith("sasl.", StringComparison.Ordinal)
        || key.StartsWith("ssl.", StringComparison.Ordinal);
}
