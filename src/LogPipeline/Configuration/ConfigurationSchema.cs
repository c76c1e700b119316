using Microsoft.Extensions.Configuration;

namespace LogPipeline.Configuration;

/// <summary>The sections LogPipeline reads, the options class each binds to, and how each is validated. One
/// list, so the unknown-key check, start-up validation and the documentation cannot drift apart.</summary>
internal static class ConfigurationSchema
{
    /// <summary>A configuration section: its path, the class it binds to, and a validator (given the whole
    /// configuration, since some sections inherit from others) returning one message per problem.</summary>
    public sealed record Section(string Path, Type OptionsType, Func<IConfiguration, IEnumerable<string>> Validate);

    /// <summary>Every top-level section LogPipeline reads. <c>Logging</c> is the logging providers' own and not
    /// checked key by key.</summary>
    public static readonly string[] TopLevel = ["Kafka", "Elasticsearch", "Enrichment", "Sink", "Http", "Shutdown", "Startup", "Memory", "Logging"];

    public static IReadOnlyList<Section> Sections { get; } =
    [
        Bound<SinkOptions>(SinkOptions.SectionName, WorkerOptionsValidator.Check),
        Bound<HttpOptions>(HttpOptions.SectionName, WorkerOptionsValidator.Check),
        Bound<ShutdownOptions>(ShutdownOptions.SectionName, WorkerOptionsValidator.Check),
        Bound<StartupOptions>(StartupOptions.SectionName, WorkerOptionsValidator.Check),
        Bound<MemoryOptions>(MemoryOptions.SectionName, WorkerOptionsValidator.Check),
        .. PipelineSections.All,
    ];

    /// <summary>Checks every key and value; returns the problems (empty when the configuration is usable).</summary>
    public static IReadOnlyList<ConfigurationProblem> Validate(IConfiguration configuration)
    {
        var problems = new List<ConfigurationProblem>();
        CheckUnknownSections(configuration, problems);

        foreach (var section in Sections)
        {
            var configSection = configuration.GetSection(section.Path);
            var before = problems.Count;
            ConfigurationShapeChecker.Check(configSection, section.OptionsType, problems);
            if (problems.Count > before)
            {
                // Binding would throw on the values already reported.
                continue;
            }

            try
            {
                problems.AddRange(section.Validate(configuration).Select(m => new ConfigurationProblem(section.Path, m)));
            }
            catch (InvalidOperationException e)
            {
                problems.Add(new(section.Path, $"{section.Path}: {e.Message}"));
            }
        }

        return problems;
    }

    private static void CheckUnknownSections(IConfiguration configuration, List<ConfigurationProblem> problems)
    {
        var topLevel = TopLevel;
        foreach (var child in configuration.GetChildren())
        {
            if (!topLevel.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add(new(child.Path, ConfigurationShapeChecker.UnknownKeyMessage(child.Path, child.Key, string.Empty, topLevel)));
            }
        }

        // Sections nested one level (Kafka:Consumer, Kafka:Producer, Kafka:Source).
        foreach (var group in Sections.Where(s => s.Path.Contains(':')).GroupBy(s => s.Path.Split(':')[0]))
        {
            var known = group.Select(s => s.Path.Split(':')[1]).ToList();
            foreach (var child in configuration.GetSection(group.Key).GetChildren())
            {
                if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add(new(child.Path, ConfigurationShapeChecker.UnknownKeyMessage(child.Path, child.Key, group.Key, known)));
                }
            }
        }
    }

    public static Section Bound<T>(string path, Func<T, IEnumerable<string>> validate)
        where T : class, new() =>
        new(path, typeof(T), configuration =>
        {
            var options = new T();
            configuration.GetSection(path).Bind(options);
            return validate(options);
        });
}
