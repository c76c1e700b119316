using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipeline.Configuration;

/// <summary>The sections LogPipeline reads, the options class each binds to, and how each is validated. One
/// list, so the unknown-key check, the check before start, the host's options and the documentation cannot
/// drift apart.</summary>
internal static class ConfigurationSchema
{
    /// <summary>A configuration section: its path and the class it binds to.</summary>
    public abstract record Section(string Path, Type OptionsType)
    {
        /// <summary>Every problem with the section's values (given the whole configuration, since some sections
        /// inherit from others), one message per problem.</summary>
        public abstract IEnumerable<string> Validate(IConfiguration configuration);

        /// <summary>Registers the section's options in the host's services.</summary>
        public abstract void AddTo(IServiceCollection services, IConfiguration configuration);
    }

    /// <summary>A section the options system binds and validates: <c>AddOptions&lt;T&gt;().Bind(section)
    /// .ValidateOnStart()</c> with <see cref="Validator"/>. The check before start goes through the same
    /// registration, so it binds and validates exactly as the host does.</summary>
    /// <remarks>The source-generated <c>[OptionsValidator]</c> does not fit these sections: its DataAnnotations
    /// messages cannot quote the value and are prefixed with the property name, while every message here names
    /// the key, the value and what is allowed.</remarks>
    /// <param name="Bind">Binds a section whose class needs more than the binder (null: the binder alone).</param>
    public sealed record OptionsSection<T>(string Path, IValidateOptions<T> Validator, Action<IConfigurationSection, T>? Bind = null)
        : Section(Path, typeof(T))
        where T : class
    {
        /// <summary>Registers <typeparamref name="T"/> bound to the section and validated at start.</summary>
        public override void AddTo(IServiceCollection services, IConfiguration configuration)
        {
            var section = configuration.GetSection(Path);
            var options = services.AddOptions<T>();
            if (Bind is null)
            {
                options.Bind(section);
            }
            else
            {
                options.Configure(o => Bind(section, o));
            }

            options.ValidateOnStart();
            services.AddSingleton(Validator);
        }

        public override IEnumerable<string> Validate(IConfiguration configuration)
        {
            try
            {
                _ = Get(configuration);
                return [];
            }
            catch (OptionsValidationException e)
            {
                return e.Failures;
            }
        }

        /// <summary>The section's options, bound and validated by the same registration as the host's.</summary>
        /// <exception cref="OptionsValidationException">A value is not allowed.</exception>
        public T Get(IConfiguration configuration)
        {
            var services = new ServiceCollection();
            AddTo(services, configuration);
            using var provider = services.BuildServiceProvider();
            return provider.GetRequiredService<IOptions<T>>().Value;
        }
    }

    /// <summary>A section its component binds itself (Confluent's client configs take librdkafka names and
    /// inherit from each other), validated by <see cref="Check"/>.</summary>
    public sealed record ComponentSection(string Path, Type OptionsType, Func<IConfiguration, IEnumerable<string>> Check)
        : Section(Path, OptionsType)
    {
        public override IEnumerable<string> Validate(IConfiguration configuration) => Check(configuration);

        /// <summary>Nothing to register: the component binds the section when it is built.</summary>
        public override void AddTo(IServiceCollection services, IConfiguration configuration)
        {
        }
    }

    /// <summary>The logging providers' own section: not checked key by key.</summary>
    public const string LoggingSection = "Logging";

    public static IReadOnlyList<Section> Sections { get; } =
    [
        Bound<SinkOptions>(SinkOptions.SectionName, WorkerOptionsValidator.Check),
        Bound<HttpOptions>(HttpOptions.SectionName, WorkerOptionsValidator.Check),
        Bound<ShutdownOptions>(ShutdownOptions.SectionName, WorkerOptionsValidator.Check),
        Bound<StartupOptions>(StartupOptions.SectionName, WorkerOptionsValidator.Check),
        Bound<MemoryOptions>(MemoryOptions.SectionName, WorkerOptionsValidator.Check),
        .. PipelineSections.All,
    ];

    /// <summary>Every top-level section LogPipeline reads: those of <see cref="Sections"/> and
    /// <see cref="LoggingSection"/>.</summary>
    public static IReadOnlyList<string> TopLevel { get; } =
        [.. Sections.Select(s => s.Path.Split(':')[0]).Distinct(StringComparer.OrdinalIgnoreCase), LoggingSection];

    /// <summary>Registers every section the options system binds (<see cref="OptionsSection{T}"/>): each is bound
    /// here and nowhere else, and validated at start.</summary>
    public static void AddOptions(IServiceCollection services, IConfiguration configuration)
    {
        foreach (var section in Sections)
        {
            section.AddTo(services, configuration);
        }
    }

    /// <summary>The options of section <typeparamref name="T"/>, bound and validated exactly as the host does, for a
    /// command that builds no host.</summary>
    /// <exception cref="OptionsValidationException">A value is not allowed.</exception>
    public static T Get<T>(IConfiguration configuration)
        where T : class =>
        Sections.OfType<OptionsSection<T>>().Single().Get(configuration);

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

    /// <summary>A section the options system binds, validated by <paramref name="check"/> (one message per
    /// problem, each naming the key, the value and what is allowed).</summary>
    public static OptionsSection<T> Bound<T>(string path, Func<T, IEnumerable<string>> check, Action<IConfigurationSection, T>? bind = null)
        where T : class =>
        new(path, new MessagesValidator<T>(check), bind);

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
}
