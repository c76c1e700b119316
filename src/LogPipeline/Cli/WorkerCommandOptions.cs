using System.CommandLine;
using Confluent.Kafka;
using Enrichers.Geo;
using LogPipeline.Configuration;
using LogPipeline.Elasticsearch;
using LogPipeline.FileSink;
using LogPipeline.Kafka;
using Microsoft.Extensions.Configuration;

namespace LogPipeline.Cli;

/// <summary>The options <c>run</c> and <c>demo</c> share. Each explicit option is a shorthand for one configuration
/// key; any key can also be set with <c>--Section:Key=value</c>. Precedence, lowest first: appsettings.json,
/// <c>--config</c> file, environment, <c>--Section:Key</c> overrides, explicit options.</summary>
internal sealed class WorkerCommandOptions
{
    public Option<FileInfo?> Config { get; } = new("--config")
    {
        Description = "A JSON configuration file (same schema as appsettings.json), layered over appsettings.json.",
        HelpName = "PATH",
    };

    public Option<string?> BootstrapServers { get; } = new("--bootstrap-servers")
    {
        Description = "Kafka brokers, host:port[,host:port] (Kafka:Consumer:BootstrapServers).",
        HelpName = "HOSTS",
    };

    public Option<string?> Topic { get; } = new("--topic")
    {
        Description = "Topic to consume (Kafka:Source:Topics).",
        HelpName = "NAME",
    };

    public Option<string?> EsUrl { get; } = new("--es-url")
    {
        Description = "Elasticsearch node URL (Elasticsearch:Nodes); with it the sink is elasticsearch.",
        HelpName = "URL",
    };

    public Option<string?> Sink { get; } = new("--sink")
    {
        Description = "elasticsearch or file (Sink:Type).",
        HelpName = "TYPE",
    };

    public Option<string?> Output { get; } = new("--output")
    {
        Description = "Directory of the file sink (Sink:File:Directory).",
        HelpName = "DIR",
    };

    public Option<string?> GeoIpDb { get; } = new("--geoip-db")
    {
        Description = $"MaxMind City database ({GeoIpOptions.CityDatabasePathKey}).",
        HelpName = "PATH",
    };

    public Option<string?> AsnDb { get; } = new("--asn-db")
    {
        Description = $"MaxMind ASN database ({GeoIpOptions.AsnDatabasePathKey}).",
        HelpName = "PATH",
    };

    public Option<string?> HttpAddress { get; } = new("--http-address")
    {
        Description = "host:port of /healthz, /readyz and /metrics (Http:Address).",
        HelpName = "ADDRESS",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Config, BootstrapServers, Topic, EsUrl, Sink, Output, GeoIpDb, AsnDb, HttpAddress })
        {
            command.Add(option);
        }

        // Unmatched tokens are the --Section:Key=value overrides.
        command.TreatUnmatchedTokensAsErrors = false;
    }

    /// <summary>The explicit options as configuration keys (only those given).</summary>
    public Dictionary<string, string?> ExplicitValues(ParseResult result)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        void Set(Option<string?> option, string key)
        {
            if (result.GetValue(option) is { } value)
            {
                values[key] = value;
            }
        }

        Set(BootstrapServers, $"{KafkaClientConfiguration.ConsumerSection}:{nameof(ConsumerConfig.BootstrapServers)}");
        Set(Topic, $"{KafkaSourceOptions.SectionName}:{nameof(KafkaSourceOptions.Topics)}:0");
        Set(EsUrl, $"{ElasticsearchSinkOptions.SectionName}:{nameof(ElasticsearchSinkOptions.Nodes)}:0");
        Set(Sink, $"{SinkOptions.SectionName}:{nameof(SinkOptions.Type)}");
        Set(Output, $"{SinkOptions.SectionName}:{nameof(SinkOptions.File)}:{nameof(FileSinkOptions.Directory)}");
        Set(GeoIpDb, GeoIpOptions.CityDatabasePathKey);
        Set(AsnDb, GeoIpOptions.AsnDatabasePathKey);
        Set(HttpAddress, $"{HttpOptions.SectionName}:{nameof(HttpOptions.Address)}");
        return values;
    }

    /// <summary>Builds the configuration from every source plus the command line, and validates it.</summary>
    /// <exception cref="ConfigurationException">Unusable configuration; the message is one line per problem.</exception>
    public IConfigurationRoot BuildConfiguration(ParseResult result, IReadOnlyDictionary<string, string?>? commandDefaults = null)
    {
        var configuration = PipelineConfiguration.Build(
            result.GetValue(Config)?.FullName,
            result.UnmatchedTokens.ToList(),
            commandDefaults: commandDefaults,
            explicitValues: ExplicitValues(result));
        var problems = ConfigurationSchema.Validate(configuration);
        if (problems.Count > 0)
        {
            throw new ConfigurationException(problems);
        }

        return configuration;
    }
}
