using Confluent.Kafka;
using LogPipeline.Diagnostics;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Kafka;

/// <summary>Registers the Kafka source for a host. The host still registers <see cref="IRecordProcessor"/>,
/// <see cref="IRecordSink"/> and <see cref="PipelineMetrics"/>, and runs
/// <see cref="KafkaSource.RunAsync"/> from a <c>BackgroundService</c>.</summary>
public static class KafkaServiceCollectionExtensions
{
    /// <summary>Binds <c>Kafka:Source</c>, <c>Kafka:Consumer</c> and <c>Kafka:Producer</c> from
    /// <paramref name="configuration"/>, validates them now (a bad setting fails at boot with the key named) and
    /// registers <see cref="KafkaSourceOptions"/> and a singleton <see cref="KafkaSource"/>.</summary>
    /// <param name="configure">Last-minute changes, e.g. <c>o.DrainTimeout</c> from <c>Shutdown:DrainTimeout</c>.</param>
    public static IServiceCollection AddKafkaSource(this IServiceCollection services, IConfiguration configuration,
        Action<KafkaSourceOptions>? configure = null)
    {
        var options = KafkaClientConfiguration.BindSource(configuration);
        configure?.Invoke(options);
        options.ValidateOrThrow();
        var consumer = KafkaClientConfiguration.BindConsumer(configuration);
        var producer = KafkaClientConfiguration.BindProducer(configuration, consumer);
        services.AddSingleton(options);
        services.AddSingleton(sp => new KafkaSource(options, consumer, producer,
            sp.GetRequiredService<IRecordProcessor>(), sp.GetRequiredService<IRecordSink>(), sp.GetRequiredService<PipelineMetrics>(),
            sp.GetService<ILogger<KafkaSource>>()));
        return services;
    }
}
