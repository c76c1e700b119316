using System.Collections;
using Microsoft.Extensions.Configuration;

namespace LogPipeline.Configuration;

/// <summary>Builds the worker's configuration from its sources, in increasing precedence: <c>appsettings.json</c>
/// beside the program, the file given with <c>--config</c>, the environment (<c>LOGPIPELINE__Section__Key</c>),
/// and command-line overrides
/// (<c>--Section:Key=value</c>).</summary>
internal static class PipelineConfiguration
{
    public const string EnvironmentPrefix = "LOGPIPELINE__";

    /// <summary>Builds the configuration. <paramref name="environment"/> defaults to the process environment
    /// (tests pass their own). <paramref name="commandDefaults"/> (a command's own defaults, e.g. the demo's file
    /// sink) sit above the environment and below the overrides; <paramref name="explicitValues"/> (named options
    /// such as <c>--es-url</c>) are on top.</summary>
    /// <exception cref="ConfigurationException">A file is missing or not valid JSON, or an override is malformed.</exception>
    public static IConfigurationRoot Build(
        string? configFile = null,
        IReadOnlyList<string>? overrides = null,
        IDictionary? environment = null,
        string? baseDirectory = null,
        IReadOnlyDictionary<string, string?>? commandDefaults = null,
        IReadOnlyDictionary<string, string?>? explicitValues = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        var builder = new ConfigurationBuilder();

        var appSettings = Path.Combine(baseDirectory ?? AppContext.BaseDirectory, "appsettings.json");
        AddJson(builder, appSettings, optional: true);
        if (configFile is not null)
        {
            AddJson(builder, Path.GetFullPath(configFile), optional: false);
        }

        builder.AddInMemoryCollection(FromEnvironment(environment));
        if (commandDefaults is not null)
        {
            builder.AddInMemoryCollection(commandDefaults);
        }

        if (overrides is { Count: > 0 })
        {
            builder.AddInMemoryCollection(ParseOverrides(overrides));
        }

        if (explicitValues is not null)
        {
            builder.AddInMemoryCollection(explicitValues);
        }

        try
        {
            return builder.Build();
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationException($"configuration file is not valid JSON: {e.Message}");
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"configuration file is not valid JSON: {e.Message}");
        }
    }

    /// <summary>The environment's contribution: every <c>LOGPIPELINE__A__B</c> as <c>A:B</c>. The seed's
    /// <c>ELASTICSEARCH_RETENTION_DAYS</c> is read by the Elasticsearch options when
    /// <c>Elasticsearch:RetentionDays</c> is not configured; <c>NODE_NAME</c> by the Kafka consumer settings.</summary>
    internal static Dictionary<string, string?> FromEnvironment(IDictionary environment)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                values[name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)] = entry.Value as string;
            }
        }

        return values;
    }

    /// <summary>Parses <c>--Section:Key=value</c>, <c>--Section:Key value</c> and <c>/Section:Key=value</c>.</summary>
    /// <exception cref="ConfigurationException">A token is not an override.</exception>
    internal static Dictionary<string, string?> ParseOverrides(IReadOnlyList<string> tokens)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var key = token.StartsWith("--", StringComparison.Ordinal) ? token[2..]
                : token.StartsWith('/') ? token[1..]
                : null;
            if (key is null || key.Length == 0 || !key.Contains(':'))
            {
                throw new ConfigurationException(
                    $"unrecognized argument '{token}': configuration overrides look like --Section:Key=value (e.g. --Kafka:Consumer:BootstrapServers=kafka:9092); see --help for options.");
            }

            string? value;
            var equals = key.IndexOf('=');
            if (equals >= 0)
            {
                value = key[(equals + 1)..];
                key = key[..equals];
            }
            else if (i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = tokens[++i];
            }
            else
            {
                throw new ConfigurationException($"override --{key} has no value: write --{key}=value.");
            }

            values[key] = value;
        }

        return values;
    }

    private static void AddJson(ConfigurationBuilder builder, string path, bool optional)
    {
        if (!optional && !File.Exists(path))
        {
            throw new ConfigurationException($"--config '{path}' does not exist: give the path of a JSON configuration file.");
        }

        builder.AddJsonFile(path, optional, reloadOnChange: false);
    }
}
