using System.Text.Json;
using Enrichers;
using LogPipeline.Configuration;
using LogPipeline.Diagnostics;
using LogPipeline.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace LogPipeline.Hosting;

/// <summary>Builds the worker's host: Kestrel (slim) for the probes and metrics, JSON console logs, validated
/// options, the enrichment chain, the sink chosen by <c>Sink:Type</c>, the Kafka source and the worker.</summary>
internal static class WorkerHost
{
    /// <summary>Extra time the host grants over <c>Shutdown:DrainTimeout</c> for committing and closing.</summary>
    public static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(5);

    /// <param name="configuration">A configuration already checked by <see cref="ConfigurationSchema.Validate"/>.</param>
    /// <param name="configureServices">Replaces or adds services (the demo and tests use it).</param>
    /// <param name="logToConsole">JSON logs on stdout (the worker); otherwise (the demo, which shows its own
    /// output) only warnings and errors, as plain lines on stderr.</param>
    /// <exception cref="ConfigurationException">A component refused its configuration (e.g. a missing GeoIP database).</exception>
    public static WebApplication Build(
        IConfiguration configuration,
        Action<IServiceCollection>? configureServices = null,
        bool logToConsole = true,
        PipelineMetrics? metrics = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "logpipeline",
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);

        ConfigureLogging(builder.Logging, configuration, logToConsole);

        // Every section is bound once, here; Kestrel and the host's shutdown take their settings from those options.
        ConfigurationSchema.AddOptions(builder.Services, configuration);
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<HttpOptions>>((kestrel, http) =>
        {
            HttpListenAddress.TryParse(http.Value.Address, out var listen);
            kestrel.Listen(listen.Address, listen.Port);
        });
        builder.WebHost.UseSetting(WebHostDefaults.SuppressStatusMessagesKey, "true");
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((o, shutdown) =>
        {
            o.ShutdownTimeout = shutdown.Value.DrainTimeout + ShutdownMargin;
            o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });

        metrics ??= new PipelineMetrics();
        DotNetStats.Register(metrics.Registry);
        metrics.BuildInfo.WithLabels(typeof(WorkerHost).Assembly.GetName().Version?.ToString() ?? "0").Set(1);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton<PipelineHealth>();
        builder.Services.AddSingleton<WorkerOutcome>();
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddSingleton(sp => CreateChain(sp.GetRequiredService<IOptions<EnrichmentOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new EnrichmentMetricsBridge(
            sp.GetRequiredService<EnrichmentChain>().Statistics,
            sp.GetRequiredService<PipelineMetrics>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("LogPipeline.Enrichment")));
        builder.Services.AddSingleton(sp => new GeoIpDatabaseAgeGauge(
            sp.GetRequiredService<EnrichmentChain>().GeoIp, sp.GetRequiredService<PipelineMetrics>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new GeoIpReloadLog(
            sp.GetRequiredService<EnrichmentChain>().GeoIp, sp.GetRequiredService<PipelineMetrics>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("LogPipeline.GeoIp")));
        builder.Services.AddSingleton(sp => new RulesReloadLog(
            sp.GetRequiredService<EnrichmentChain>().Rules, sp.GetRequiredService<PipelineMetrics>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("LogPipeline.Rules")));
        builder.Services.AddSingleton<IRecordProcessor>(sp => new EnrichingRecordProcessor(sp.GetRequiredService<EnrichmentChain>()));
        builder.Services.AddSingleton(sp => PipelineSinks.Create(sp, configuration, sp.GetRequiredService<IOptions<SinkOptions>>().Value));
        builder.Services.AddSingleton<IPipelineSource>(sp => PipelineSources.CreateKafka(sp, configuration));
        builder.Services.AddHostedService<PipelineWorker>();
        builder.Services.AddHostedService(sp => new NativeHeapTrimmer(
            sp.GetRequiredService<IOptions<MemoryOptions>>().Value.NativeHeapTrimInterval,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<NativeHeapTrimmer>()));

        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        var health = app.Services.GetRequiredService<PipelineHealth>();
        app.MapPipelineEndpoints(health, metrics);

        // Resolve the components now, so a bad database path or credential file fails before anything starts.
        _ = app.Services.GetRequiredService<EnrichmentMetricsBridge>();
        _ = app.Services.GetRequiredService<GeoIpDatabaseAgeGauge>();
        _ = app.Services.GetRequiredService<GeoIpReloadLog>();
        _ = app.Services.GetRequiredService<RulesReloadLog>();
        var sink = app.Services.GetRequiredService<IRecordSink>();
        var source = app.Services.GetRequiredService<IPipelineSource>();
        health.SinkHealthy = () => sink.IsHealthy;
        health.SourceHealthy = () => source.IsHealthy;
        return app;
    }

    /// <summary>The addresses Kestrel listens on (after start; resolves port 0).</summary>
    public static IReadOnlyCollection<string> ListeningAddresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    public static void ConfigureLogging(ILoggingBuilder logging, IConfiguration configuration, bool logToConsole)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        // "Hosting failed to start" (the HTTP port is taken) is printed by the command as one line, without the
        // stack trace the host would log; the worker itself never lets an exception reach the host.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        logging.AddConfiguration(configuration.GetSection(ConfigurationSchema.LoggingSection));
        if (logToConsole)
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                o.IncludeScopes = false;
                o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            logging.AddFilter((category, level) => level >= LogLevel.Warning);
            logging.AddSimpleConsole(o => o.SingleLine = true);
            logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
    }

    /// <summary>The enrichment chain (the worker's and <c>replay</c>'s) from the bound <c>Enrichment</c> section (in
    /// the host, <c>IOptions&lt;EnrichmentOptions&gt;</c>; elsewhere <see cref="ConfigurationSchema.Get{T}"/>).</summary>
    /// <exception cref="ConfigurationException">A rule or database the chain refused.</exception>
    internal static EnrichmentChain CreateChain(EnrichmentOptions options, TimeProvider time)
    {
        try
        {
            return EnrichmentChain.Create(options, time);
        }
        catch (EnrichmentConfigurationException e)
        {
            throw new ConfigurationException(e.Message);
        }
    }
}
