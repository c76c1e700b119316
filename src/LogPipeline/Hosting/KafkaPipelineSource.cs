using Confluent.Kafka;
using LogPipeline.Kafka;

namespace LogPipeline.Hosting;

/// <summary>The worker's source: a <see cref="KafkaSource"/> (which also starts and feeds the sink), with a
/// metadata request at start so an unreachable cluster fails fast instead of retrying silently forever.</summary>
internal sealed class KafkaPipelineSource(KafkaSource source, KafkaSourceOptions options, ConsumerConfig consumer) : IPipelineSource
{
    public bool IsHealthy => source.IsReady;

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

        return source.InFlightRecords == 0;
    }

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
        }
        catch (KafkaException e)
        {
            throw Unavailable(lastError ?? e.Error.Reason);
        }

        DependencyUnavailableException Unavailable(string reason) => new(
            $"Kafka at {consumer.BootstrapServers} did not answer within Startup:ConnectTimeout = {timeout}: {reason} " +
            "(check Kafka:Consumer:BootstrapServers and the security settings).");
    }

    private static bool IsConnectionSetting(string key) =>
        key is "bootstrap.servers" or "security.protocol" or "client.id" or "broker.address.family" or "client.dns.lookup"
        || key.StartsWith("sasl.", StringComparison.Ordinal)
        || key.StartsWith("ssl.", StringComparison.Ordinal);
}
