using System.Text.Json;
using Enrichers;
using LogPipeline.Configuration;
using LogPipeline.Diagnostics;
using LogPipeline.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
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

        var http = configuration.GetSection(HttpOptions.SectionName).Get<HttpOptions>() ?? new HttpOptions();
        HttpListenAddress.TryParse(http.Address, out var listen);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(listen.Address, listen.Port));
        builder.WebHost.UseSetting(WebHostDefaults.SuppressStatusMessagesKey, "true");
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        var shutdown = configuration.GetSection(ShutdownOptions.SectionName).Get<ShutdownOptions>() ?? new ShutdownOptions();
        builder.Services.Configure<HostOptions>(o =>
        {
            o.ShutdownTimeout = shutdown.DrainTimeout + ShutdownMargin;
            o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });

        AddWorkerOptions(builder.Services, configuration);

        metrics ??= new PipelineMetrics();
        DotNetStats.Register(metrics.Registry);
        metrics.BuildInfo.WithLabels(typeof(WorkerHost).Assembly.GetName().Version?.ToString() ?? "0").Set(1);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton<PipelineHealth>();
        builder.Services.AddSingleton<WorkerOutcome>();
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddSingleton(sp => CreateChain(configuration, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new EnrichmentMetricsBridge(
            sp.GetRequiredService<EnrichmentChain>().Statistics,
            sp.GetRequiredService<PipelineMetrics>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("LogPipeline.Enrichment")));
        builder.Services.AddSingleton(sp => new GeoIpDatabaseAgeGauge(
            sp.GetRequiredService<EnrichmentChain>().GeoIp, sp.GetRequiredService<PipelineMetrics>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new GeoIpReloadLog(
            sp.GetRequiredService<EnrichmentChain>().GeoIp, sp.GetRequiredService<PipelineMetrics>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("LogPipeline.GeoIp")));
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
        logging.AddConfiguration(configuration.GetSection("Logging"));
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

    private static void AddWorkerOptions(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<WorkerOptionsValidator>();
        services.AddSingleton<IValidateOptions<SinkOptions>>(sp => sp.GetRequiredService<WorkerOptionsValidator>());
        services.AddSingleton<IValidateOptions<HttpOptions>>(sp => sp.GetRequiredService<WorkerOptionsValidator>());
        services.AddSingleton<IValidateOptions<ShutdownOptions>>(sp => sp.GetRequiredService<WorkerOptionsValidator>());
        services.AddSingleton<IValidateOptions<StartupOptions>>(sp => sp.GetRequiredService<WorkerOptionsValidator>());
        services.AddSingleton<IValidateOptions<MemoryOptions>>(sp => sp.GetRequiredService<WorkerOptionsValidator>());
        services.AddOptions<SinkOptions>().Bind(configuration.GetSection(SinkOptions.SectionName)).ValidateOnStart();
        services.AddOptions<HttpOptions>().Bind(configuration.GetSection(HttpOptions.SectionName)).ValidateOnStart();
        services.AddOptions<ShutdownOptions>().Bind(configuration.GetSection(ShutdownOptions.SectionName)).ValidateOnStart();
        services.AddOptions<StartupOptions>().Bind(configuration.GetSection(StartupOptions.SectionName)).ValidateOnStart();
        services.AddOptions<MemoryOptions>().Bind(configuration.GetSection(MemoryOptions.SectionName)).ValidateOnStart();
    }

    /// <summary>The enrichment chain from the <c>Enrichment</c> section (the worker's and <c>replay</c>'s).</summary>
    /// <exception cref="ConfigurationException">A rule or database the chain refused.</exception>
    internal static EnrichmentChain CreateChain(IConfiguration configuration, TimeProvider time)
    {
        var options = new EnrichmentOptions();
        configuration.GetSection(EnrichmentOptions.SectionName).Bind(options);
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
