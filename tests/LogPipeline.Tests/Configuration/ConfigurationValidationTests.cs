using System.Collections;
using LogPipeline.Configuration;
using LogPipeline.Elasticsearch;
using LogPipeline.FileSink;
using LogPipeline.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogPipeline.Tests.Configuration;

public sealed class ConfigurationValidationTests
{
    private static IReadOnlyList<ConfigurationProblem> Validate(params (string Key, string Value)[] values) =>
        ValidateRaw([("Kafka:Consumer:BootstrapServers", "127.0.0.1:9092"), .. values]);

    private static IReadOnlyList<ConfigurationProblem> ValidateRaw(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value)))
            .Build();
        return ConfigurationSchema.Validate(configuration);
    }

    [Fact]
    public void Only_the_kafka_brokers_have_no_default()
    {
        var problem = Assert.Single(ValidateRaw());
        Assert.Equal("Kafka:Consumer:BootstrapServers is not set: give host:port[,host:port...] of the Kafka brokers.", problem.Message);
    }

    [Fact]
    public void A_misspelt_kafka_consumer_key_is_reported_but_librdkafka_names_are_accepted()
    {
        var problem = Assert.Single(Validate(("Kafka:Consumer:BootstrapServer", "x:1"), ("Kafka:Consumer:fetch.max.bytes", "1048576")));
        Assert.StartsWith("Kafka:Consumer:BootstrapServer is not a known key under Kafka:Consumer; did you mean Kafka:Consumer:BootstrapServers?", problem.Message);
    }

    [Fact]
    public void An_invalid_kafka_enum_value_is_reported_by_the_kafka_binder_with_the_allowed_values()
    {
        var problem = Assert.Single(Validate(("Kafka:Consumer:SecurityProtocol", "tls")));
        Assert.StartsWith("Kafka:Consumer:SecurityProtocol = 'tls' is invalid: allowed is Plaintext, Ssl, SaslPlaintext, SaslSsl", problem.Message);
    }

    [Fact]
    public void An_unknown_kafka_subsection_is_reported()
    {
        var problem = Assert.Single(Validate(("Kafka:Consumers:GroupId", "g")));
        Assert.Equal("Kafka:Consumers is not a known key under Kafka; did you mean Kafka:Consumer?", problem.Message);
    }

    [Fact]
    public void Elasticsearch_settings_are_validated_by_the_sink_options_with_their_own_messages()
    {
        var problem = Assert.Single(Validate(("Elasticsearch:Nodes:0", "es:9200")));
        Assert.Equal("Elasticsearch:Nodes:0='es:9200' is not valid: allowed is an absolute http:// or https:// URL.", problem.Message);
    }

    [Fact]
    public void A_misspelt_key_is_reported_with_the_key_it_probably_meant()
    {
        var problem = Assert.Single(Validate(("Sink:Typ", "file")));
        Assert.Equal("Sink:Typ is not a known key under Sink; did you mean Sink:Type?", problem.Message);
    }

    [Fact]
    public void An_unknown_top_level_section_is_reported()
    {
        var problem = Assert.Single(Validate(("Elasticsaerch:Nodes:0", "http://es:9200")));
        Assert.Equal("Elasticsaerch", problem.Key);
        Assert.Contains("did you mean Elasticsearch?", problem.Message);
    }

    [Fact]
    public void A_value_that_is_not_a_duration_names_the_key_the_value_and_the_format()
    {
        var problem = Assert.Single(Validate(("Shutdown:DrainTimeout", "25s")));
        Assert.Equal("Shutdown:DrainTimeout = '25s' is not allowed: expected a duration [d.]hh:mm:ss[.fff], e.g. 00:00:25.", problem.Message);
    }

    [Fact]
    public void A_duration_out_of_range_names_the_allowed_range()
    {
        var problem = Assert.Single(Validate(("Shutdown:DrainTimeout", "01:00:00")));
        Assert.Equal("Shutdown:DrainTimeout = '01:00:00' is not allowed: use 00:00:01 to 00:10:00 (keep it under the pod's terminationGracePeriodSeconds).", problem.Message);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:00.100")]
    [InlineData("00:10:00")]
    public void The_native_heap_trim_interval_may_be_off_or_from_100_ms_to_10_minutes(string value)
    {
        Assert.Empty(Validate(("Memory:NativeHeapTrimInterval", value)));
    }

    [Theory]
    [InlineData("00:00:00.050")]
    [InlineData("01:00:00")]
    public void A_native_heap_trim_interval_out_of_range_names_the_range_and_how_to_turn_it_off(string value)
    {
        var problem = Assert.Single(Validate(("Memory:NativeHeapTrimInterval", value)));
        Assert.Equal($"Memory:NativeHeapTrimInterval = '{TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)}' is not allowed: use 00:00:00.100 to 00:10:00, or 00:00:00 to turn it off.", problem.Message);
    }

    [Fact]
    public void An_unknown_sink_type_lists_the_allowed_types()
    {
        var problem = Assert.Single(Validate(("Sink:Type", "elastic")));
        Assert.Equal("Sink:Type = 'elastic' is not allowed: use 'elasticsearch' or 'file'.", problem.Message);
    }

    [Theory]
    [InlineData("9102")]
    [InlineData("0.0.0.0")]
    [InlineData("0.0.0.0:99999")]
    [InlineData("example.com:9102")]
    public void A_malformed_http_address_is_refused(string address)
    {
        var problem = Assert.Single(Validate(("Http:Address", address)));
        Assert.StartsWith($"Http:Address = '{address}' is not allowed: use host:port", problem.Message);
    }

    [Theory]
    [InlineData("0.0.0.0:9102")]
    [InlineData("127.0.0.1:0")]
    [InlineData("[::]:9102")]
    [InlineData("localhost:8080")]
    public void A_well_formed_http_address_is_accepted(string address)
    {
        Assert.Empty(Validate(("Http:Address", address)));
    }

    [Fact]
    public void A_number_that_does_not_parse_says_a_whole_number_is_expected()
    {
        var problem = Assert.Single(Validate(("Sink:File:MaxDocuments", "lots")));
        Assert.Equal("Sink:File:MaxDocuments = 'lots' is not allowed: expected a whole number.", problem.Message);
    }

    [Fact]
    public void A_boolean_that_does_not_parse_says_true_or_false()
    {
        var problem = Assert.Single(Validate(("Sink:File:Fsync", "yes")));
        Assert.Equal("Sink:File:Fsync = 'yes' is not allowed: expected true or false.", problem.Message);
    }

    [Fact]
    public void File_sink_limits_are_checked_only_when_the_file_sink_is_chosen()
    {
        Assert.Empty(Validate(("Sink:File:MaxDocuments", "0")));
        var problem = Assert.Single(Validate(("Sink:Type", "file"), ("Sink:File:MaxDocuments", "0")));
        Assert.Equal("Sink:File:MaxDocuments = '0' is not allowed: use 1 to 1000000.", problem.Message);
    }

    [Fact]
    public void A_file_sink_idle_flush_delay_longer_than_its_flush_interval_is_refused()
    {
        Assert.Empty(Validate(("Sink:Type", "file"), ("Sink:File:IdleFlushDelay", "00:00:00")));
        var problem = Assert.Single(Validate(("Sink:Type", "file"), ("Sink:File:IdleFlushDelay", "00:00:02")));
        Assert.Equal("Sink:File:IdleFlushDelay = '00:00:02' is not allowed: use 00:00:00 (off) or 00:00:00.001 up to FlushInterval (00:00:01).", problem.Message);
    }

    [Fact]
    public void An_uppercase_file_sink_index_is_refused_because_elasticsearch_would_refuse_it()
    {
        var problem = Assert.Single(Validate(("Sink:Type", "file"), ("Sink:File:Index", "SMM-logs")));
        Assert.StartsWith("Sink:File:Index = 'SMM-logs' is not allowed: an Elasticsearch index name is lowercase", problem.Message);
    }

    [Fact]
    public void A_value_given_to_a_section_is_refused_with_the_keys_of_the_section()
    {
        var problem = Assert.Single(Validate(("Shutdown", "25")));
        Assert.Equal("Shutdown = '25' is not allowed: Shutdown is a section with the keys DrainTimeout.", problem.Message);
    }

    [Fact]
    public void Several_problems_are_all_reported_one_per_line()
    {
        var problems = Validate(("Sink:Type", "s3"), ("Http:Address", "nowhere"), ("Startup:Bogus", "1"));
        Assert.Equal(3, problems.Count);
        var exception = new ConfigurationException(problems);
        Assert.Equal(3, exception.Message.Split(Environment.NewLine).Length);
    }

    [Fact]
    public void The_host_validates_at_start_with_the_same_lines_as_the_check_before_start()
    {
        (string, string)[] values = [("Shutdown:DrainTimeout", "01:00:00"), ("Kafka:Source:MaxInFlightRecords", "5"), ("Enrichment:MaxDepth", "1")];
        var expected = Validate(values).Select(p => p.Message).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, expected.Count);

        var services = new ServiceCollection();
        ConfigurationSchema.AddOptions(services, Configuration([("Kafka:Consumer:BootstrapServers", "127.0.0.1:9092"), .. values]));
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<AggregateException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(expected, e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(x => x.Failures).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_configured_topic_list_replaces_the_default_topic_in_the_host_options()
    {
        var services = new ServiceCollection();
        ConfigurationSchema.AddOptions(services, Configuration([("Kafka:Source:Topics:0", "audit-logs")]));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(["audit-logs"], provider.GetRequiredService<IOptions<KafkaSourceOptions>>().Value.Topics);
    }

    [Fact]
    public void Every_top_level_section_of_the_schema_is_known_and_logging_too()
    {
        Assert.Equal(["Sink", "Http", "Shutdown", "Startup", "Memory", "Kafka", "Elasticsearch", "Enrichment", "Logging"], ConfigurationSchema.TopLevel);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Theory]
    [InlineData("Elasticsearch:Password", true)]
    [InlineData("Elasticsearch:ApiKey", true)]
    [InlineData("Enrichment:Masking:HmacKey", true)]
    [InlineData("Kafka:Consumer:SaslPassword", true)]
    [InlineData("Elasticsearch:ApiKeyFile", false)]
    [InlineData("Sink:File:Directory", false)]
    public void Secret_keys_are_recognised_so_their_values_are_never_echoed(string key, bool secret)
    {
        Assert.Equal(secret, ConfigurationShapeChecker.IsSecretKey(key));
        Assert.Equal(secret ? "(hidden)" : "'v'", ConfigurationShapeChecker.Show(key, "v"));
    }

    [Fact]
    public void The_shipped_appsettings_file_is_valid_and_states_the_same_defaults_as_the_code()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        Assert.True(File.Exists(file), "appsettings.json is copied beside the program");
        var configuration = new ConfigurationBuilder().AddJsonFile(file).Build();
        Assert.Empty(ConfigurationSchema.Validate(configuration));

        foreach (var section in ConfigurationSchema.Sections.Where(s => !s.Path.StartsWith("Kafka:Consumer", StringComparison.Ordinal)
                     && !s.Path.StartsWith("Kafka:Producer", StringComparison.Ordinal)))
        {
            var defaults = Activator.CreateInstance(section.OptionsType)!;
            var shipped = Activator.CreateInstance(section.OptionsType)!;
            configuration.GetSection(section.Path).Bind(shipped);
            AssertSameValues(section.Path, defaults, shipped);
        }
    }

    private static void AssertSameValues(string path, object expected, object actual)
    {
        foreach (var property in expected.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.CanRead))
        {
            var e = property.GetValue(expected);
            var a = property.GetValue(actual);
            var key = path + ":" + property.Name;
            if (e is null || e is string || e.GetType().IsValueType)
            {
                Assert.True(Equals(e, a), $"{key}: code default '{e}', appsettings.json '{a}'");
            }
            else if (e is System.Collections.IEnumerable list)
            {
                Assert.Equal(list.Cast<object>().Select(x => x?.ToString()), ((System.Collections.IEnumerable)a!).Cast<object>().Select(x => x?.ToString()));
            }
            else
            {
                AssertSameValues(key, e, a!);
            }
        }
    }

    [Fact]
    public void Environment_variables_with_the_prefix_override_the_files_and_command_line_overrides_the_environment()
    {
        var environment = new Hashtable
        {
            ["LOGPIPELINE__Sink__Type"] = "file",
            ["LOGPIPELINE__Http__Address"] = "127.0.0.1:9000",
            ["UNRELATED"] = "x",
        };
        var configuration = PipelineConfiguration.Build(
            overrides: ["--Http:Address=127.0.0.1:9001", "--Shutdown:DrainTimeout", "00:00:10"],
            environment: environment,
            baseDirectory: AppContext.BaseDirectory);

        Assert.Equal("file", configuration["Sink:Type"]);
        Assert.Equal("127.0.0.1:9001", configuration["Http:Address"]);
        Assert.Equal("00:00:10", configuration["Shutdown:DrainTimeout"]);
        Assert.Null(configuration["UNRELATED"]);
    }

    [Theory]
    [InlineData("--verbose")]
    [InlineData("stray")]
    public void A_token_that_is_not_an_override_is_refused_with_the_expected_form(string token)
    {
        var e = Assert.Throws<ConfigurationException>(() => PipelineConfiguration.ParseOverrides([token]));
        Assert.Contains("--Section:Key=value", e.Message);
    }

    [Fact]
    public void A_missing_config_file_names_the_path()
    {
        var e = Assert.Throws<ConfigurationException>(() =>
            PipelineConfiguration.Build("/nonexistent/logpipeline.json", environment: new Hashtable(), baseDirectory: AppContext.BaseDirectory));
        Assert.Equal("--config '/nonexistent/logpipeline.json' does not exist: give the path of a JSON configuration file.", e.Message);
    }

    [Fact]
    public void File_sink_defaults_match_the_elasticsearch_bulk_defaults()
    {
        var options = new FileSinkOptions();
        Assert.Equal(5000, options.MaxDocuments);
        Assert.Equal(5 * 1024 * 1024, options.MaxBytes);
        Assert.Equal(TimeSpan.FromSeconds(1), options.FlushInterval);
        Assert.Equal(new ElasticsearchBulkOptions().IdleFlushDelay, options.IdleFlushDelay);
    }
}
