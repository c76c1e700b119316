using Confluent.Kafka;
using LogPipeline.Kafka;
using Microsoft.Extensions.Configuration;

namespace LogPipeline.Tests.Kafka;

public sealed class KafkaClientConfigurationTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static Func<string, string?> NoEnvironment => _ => null;

    [Fact]
    public void Defaults_are_valid_and_documented_values_apply()
    {
        var options = Source(Config());

        Assert.Empty(options.Validate());
        Assert.Equal(["smm-logs-raw"], options.Topics);
        Assert.Equal("smm-logs-raw.dlq", options.DeadLetterTopicFor("smm-logs-raw"));
        Assert.Equal(TimeSpan.FromSeconds(5), options.CommitInterval);
    }

    [Fact]
    public void The_sasl_password_can_come_from_a_mounted_secret_file_and_reaches_the_dead_letter_producer_too()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "kafka-secret\n");
            var configuration = Config(
                ("Kafka:Consumer:BootstrapServers", "k1:9092"),
                ("Kafka:Consumer:SaslUsername", "worker"),
                ("Kafka:Consumer:SaslPasswordFile", file));

            var consumer = KafkaClientConfiguration.BindConsumer(configuration, NoEnvironment);
            var producer = KafkaClientConfiguration.BindProducer(configuration, consumer);

            Assert.Equal("kafka-secret", consumer.SaslPassword);
            Assert.Equal("kafka-secret", producer.SaslPassword);
            Assert.Null(consumer.Get("SaslPasswordFile"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("/nonexistent/kafka-password", "Kafka:Consumer:SaslPasswordFile = '/nonexistent/kafka-password' cannot be read")]
    [InlineData("both", "Kafka:Consumer:SaslPassword and Kafka:Consumer:SaslPasswordFile are both set")]
    public void A_sasl_password_file_that_cannot_be_used_is_reported_without_the_password(string file, string expected)
    {
        var values = new List<(string, string)> { ("Kafka:Consumer:BootstrapServers", "k1:9092") };
        values.Add(("Kafka:Consumer:SaslPasswordFile", file == "both" ? "/nonexistent/x" : file));
        if (file == "both")
        {
            values.Add(("Kafka:Consumer:SaslPassword", "inline-secret"));
        }

        var e = Assert.Throws<KafkaConfigurationException>(() => KafkaClientConfiguration.BindConsumer(Config([.. values]), NoEnvironment));

        Assert.Contains(e.Errors, m => m.StartsWith(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(e.Errors, m => m.Contains("inline-secret", StringComparison.Ordinal));
    }

    [Fact]
    public void The_consumer_section_binds_confluent_property_names_and_librdkafka_names()
    {
        var config = KafkaClientConfiguration.BindConsumer(Config(
            ("Kafka:Consumer:BootstrapServers", "k1:9092,k2:9092"),
            ("Kafka:Consumer:SecurityProtocol", "SASL_SSL"),
            ("Kafka:Consumer:SaslMechanism", "ScramSha512"),
            ("Kafka:Consumer:SessionTimeoutMs", "12000"),
            ("Kafka:Consumer:fetch.max.bytes", "1048576")), NoEnvironment);

        Assert.Equal("k1:9092,k2:9092", config.BootstrapServers);
        Assert.Equal(SecurityProtocol.SaslSsl, config.SecurityProtocol);
        Assert.Equal(SaslMechanism.ScramSha512, config.SaslMechanism);
        Assert.Equal(12000, config.SessionTimeoutMs);
        Assert.Equal(1048576, config.FetchMaxBytes);
        Assert.Equal("logpipeline", config.GroupId);
        Assert.False(config.EnableAutoOffsetStore);
        Assert.False(config.EnableAutoCommit);
        Assert.Equal(PartitionAssignmentStrategy.CooperativeSticky, config.PartitionAssignmentStrategy);
        Assert.Equal(AutoOffsetReset.Earliest, config.AutoOffsetReset);
        Assert.Null(config.GroupInstanceId);
    }

    [Fact]
    public void The_native_prefetch_is_small_by_default_and_a_fetch_always_holds_the_largest_message()
    {
        var defaults = KafkaClientConfiguration.BindConsumer(Config(("Kafka:Consumer:BootstrapServers", "k1:9092")), NoEnvironment);
        var bigMessages = KafkaClientConfiguration.BindConsumer(Config(
            ("Kafka:Consumer:BootstrapServers", "k1:9092"), ("Kafka:Consumer:MessageMaxBytes", "5000000")), NoEnvironment);

        Assert.Equal(4096, defaults.QueuedMaxMessagesKbytes);
        Assert.Equal(2 * 1024 * 1024, defaults.FetchMaxBytes);
        Assert.Equal(5_000_000, bigMessages.FetchMaxBytes);
    }

    [Fact]
    public void NODE_NAME_becomes_the_static_group_member_id()
    {
        var config = KafkaClientConfiguration.BindConsumer(Config(("Kafka:Consumer:BootstrapServers", "k:9092")),
            name => name == "NODE_NAME" ? "node-a" : null);

        Assert.Equal("node-a", config.GroupInstanceId);
    }

    [Fact]
    public void Automatic_offset_store_or_commit_is_refused_with_the_key_named()
    {
        var e = Assert.Throws<KafkaConfigurationException>(() => KafkaClientConfiguration.BindConsumer(Config(
            ("Kafka:Consumer:BootstrapServers", "k:9092"),
            ("Kafka:Consumer:EnableAutoCommit", "true"),
            ("Kafka:Consumer:EnableAutoOffsetStore", "true")), NoEnvironment));

        Assert.Contains("Kafka:Consumer:EnableAutoCommit", e.Message);
        Assert.Contains("Kafka:Consumer:EnableAutoOffsetStore", e.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_refused_with_key_value_and_what_is_allowed()
    {
        var e = Assert.Throws<KafkaConfigurationException>(() => KafkaClientConfiguration.BindConsumer(Config(
            ("Kafka:Consumer:BootstrapServers", "k:9092"),
            ("Kafka:Consumer:SecurityProtocol", "Carrier_Pigeon")), NoEnvironment));

        Assert.Contains("Kafka:Consumer:SecurityProtocol = 'Carrier_Pigeon'", e.Message);
        Assert.Contains("SaslSsl", e.Message);
    }

    [Fact]
    public void The_dead_letter_producer_inherits_connection_and_security_and_is_idempotent_with_acks_all()
    {
        var configuration = Config(
            ("Kafka:Consumer:BootstrapServers", "k:9092"),
            ("Kafka:Consumer:SecurityProtocol", "SaslSsl"),
            ("Kafka:Consumer:SaslUsername", "u"),
            ("Kafka:Consumer:SaslPassword", "p"),
            ("Kafka:Consumer:SessionTimeoutMs", "9000"),
            ("Kafka:Producer:LingerMs", "20"));
        var consumer = KafkaClientConfiguration.BindConsumer(configuration, NoEnvironment);
        var producer = KafkaClientConfiguration.BindProducer(configuration, consumer);

        Assert.Equal("k:9092", producer.BootstrapServers);
        Assert.Equal(SecurityProtocol.SaslSsl, producer.SecurityProtocol);
        Assert.Equal("u", producer.SaslUsername);
        Assert.Equal("p", producer.SaslPassword);
        Assert.Equal(20, producer.LingerMs);
        Assert.True(producer.EnableIdempotence);
        Assert.Equal(Acks.All, producer.Acks);
        Assert.DoesNotContain(producer, kv => kv.Key == "session.timeout.ms");
    }

    [Fact]
    public void A_producer_without_acks_all_is_refused()
    {
        var consumer = KafkaClientConfiguration.PrepareConsumer(new ConsumerConfig { BootstrapServers = "k:9092" }, NoEnvironment);
        var e = Assert.Throws<KafkaConfigurationException>(() =>
            KafkaClientConfiguration.PrepareProducer(new ProducerConfig { Acks = Acks.Leader }, consumer));

        Assert.Contains("Kafka:Producer:Acks", e.Message);
    }

    [Fact]
    public void Source_options_bind_and_a_configured_topic_list_replaces_the_default()
    {
        var options = Source(Config(
            ("Kafka:Source:Topics:0", "a"),
            ("Kafka:Source:Topics:1", "b"),
            ("Kafka:Source:DeadLetterTopic", "dead-letters"),
            ("Kafka:Source:CommitInterval", "00:00:02"),
            ("Kafka:Source:MaxInFlightBytes", "1048576")));

        Assert.Equal(["a", "b"], options.Topics);
        Assert.Equal("dead-letters", options.DeadLetterTopicFor("a"));
        Assert.Equal(TimeSpan.FromSeconds(2), options.CommitInterval);
        Assert.Equal(1048576, options.MaxInFlightBytes);
        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData("MaxInFlightBytes", "100", "Kafka:Source:MaxInFlightBytes = 100")]
    [InlineData("MaxInFlightRecords", "5", "Kafka:Source:MaxInFlightRecords = 5")]
    [InlineData("ResumeThreshold", "1.5", "Kafka:Source:ResumeThreshold = 1.5")]
    [InlineData("CommitInterval", "00:00:00", "Kafka:Source:CommitInterval = 00:00:00")]
    [InlineData("TopicPattern", "smm-(", "Kafka:Source:TopicPattern = 'smm-('")]
    [InlineData("Topics:0", "smm-logs-raw.dlq", "dead-letter topics")]
    public void Invalid_source_settings_are_reported_with_key_and_value(string key, string value, string expected)
    {
        var options = Source(Config(("Kafka:Source:" + key, value)));

        var e = Assert.Throws<KafkaConfigurationException>(options.ValidateOrThrow);
        Assert.Contains(expected, e.Message);
    }

    private static KafkaSourceOptions Source(IConfiguration configuration)
    {
        var options = new KafkaSourceOptions();
        KafkaClientConfiguration.BindSource(configuration.GetSection(KafkaSourceOptions.SectionName), options);
        return options;
    }
}
