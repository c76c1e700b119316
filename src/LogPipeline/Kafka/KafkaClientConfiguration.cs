using System.Globalization;
using System.Reflection;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;

namespace LogPipeline.Kafka;

/// <summary>Binds <c>Kafka:Consumer</c> into <see cref="ConsumerConfig"/>, <c>Kafka:Producer</c> into
/// <see cref="ProducerConfig"/> and <c>Kafka:Source</c> into <see cref="KafkaSourceOptions"/>, then applies
/// the settings at-least-once delivery depends on.
/// <para>Keys are either Confluent property names (<c>BootstrapServers</c>, <c>SaslMechanism</c>) or
/// librdkafka names (<c>bootstrap.servers</c>, <c>fetch.max.bytes</c>), so every librdkafka setting (TLS,
/// SASL, tuning) works without code changes.</para></summary>
internal static class KafkaClientConfiguration
{
    public const string ConsumerSection = "Kafka:Consumer";
    public const string ProducerSection = "Kafka:Producer";

    /// <summary>Consumer group used when <c>Kafka:Consumer:GroupId</c> is not set.</summary>
    public const string DefaultGroupId = "logpipeline";

    /// <summary>Environment variable that gives the static group member id (<c>group.instance.id</c>).</summary>
    public const string NodeNameVariable = "NODE_NAME";

    /// <summary>Settings the dead-letter producer takes from the consumer when <c>Kafka:Producer</c> does
    /// not set them: where the cluster is and how to authenticate.</summary>
    private static readonly string[] InheritedPrefixes = ["bootstrap.servers", "security.protocol", "sasl.", "ssl.", "client.dns.lookup", "broker.address.family"];

    /// <summary>Binds the <c>Kafka:Source</c> section into <paramref name="options"/>.</summary>
    public static void BindSource(IConfigurationSection section, KafkaSourceOptions options)
    {
        // Binding a list appends to the default; an explicit Topics list replaces it.
        if (section.GetSection(nameof(KafkaSourceOptions.Topics)).GetChildren().Any())
        {
            options.Topics = [];
        }

        section.Bind(options);
    }

    /// <summary>Reads <c>Kafka:Consumer</c> and applies <see cref="PrepareConsumer"/>.</summary>
    public static ConsumerConfig BindConsumer(IConfiguration configuration, Func<string, string?>? environment = null)
    {
        var config = new ConsumerConfig();
        BindInto(config, configuration.GetSection(ConsumerSection), ConsumerSection);
        return PrepareConsumer(config, environment);
    }

    /// <summary>Reads <c>Kafka:Producer</c> and applies <see cref="PrepareProducer"/>.</summary>
    public static ProducerConfig BindProducer(IConfiguration configuration, ConsumerConfig consumer)
    {
        var config = new ProducerConfig();
        BindInto(config, configuration.GetSection(ProducerSection), ProducerSection);
        return PrepareProducer(config, consumer);
    }

    /// <summary>The consume result fields the source asks for unless configured: headers (the trace context), timestamp
    /// and topic. With one topic subscribed by name the source drops the topic too (see <see cref="KafkaSource"/>).</summary>
    internal const string DefaultConsumeResultFields = "headers,timestamp,topic";

    /// <summary>Returns a copy of <paramref name="user"/> with the source's required consumer settings:
    /// <c>enable.auto.offset.store=false</c> and <c>enable.auto.commit=false</c> (the source commits the
    /// acknowledged prefix itself, on its interval, on revoke and on shutdown), cooperative-sticky
    /// assignment unless another strategy is set, <c>auto.offset.reset=earliest</c> unless set (a new group
    /// reads what is retained rather than skipping it), <c>queued.max.messages.kbytes=4096</c>, <c>fetch.max.bytes=2097152</c> (or <c>message.max.bytes</c> when larger) and <c>fetch.queue.backoff.ms=10</c> unless set, <c>dotnet.consumer.consume.result.fields=headers,timestamp,topic</c> unless set (headers for the trace context), group <c>logpipeline</c> unless set, and
    /// <c>group.instance.id</c> from <c>NODE_NAME</c> when present and not set.</summary>
    public static ConsumerConfig PrepareConsumer(ConsumerConfig user, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var config = new ConsumerConfig(user.ToDictionary(kv => kv.Key, kv => kv.Value));
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(config.BootstrapServers))
        {
            errors.Add($"{ConsumerSection}:BootstrapServers is not set: give host:port[,host:port...] of the Kafka brokers.");
        }

        if (config.EnableAutoOffsetStore == true)
        {
            errors.Add($"{ConsumerSection}:EnableAutoOffsetStore = true is not allowed: offsets are stored only after the sink acknowledged the records (remove the key).");
        }

        if (config.EnableAutoCommit == true)
        {
            errors.Add($"{ConsumerSection}:EnableAutoCommit = true is not allowed: the source commits the acknowledged prefix itself every Kafka:Source:CommitInterval (remove the key).");
        }

        if (errors.Count > 0)
        {
            throw new KafkaConfigurationException(errors);
        }

        config.EnableAutoOffsetStore = false;
        config.EnableAutoCommit = false;
        config.EnablePartitionEof = false;
        if (string.IsNullOrWhiteSpace(config.GroupId))
        {
            config.GroupId = DefaultGroupId;
        }

        config.PartitionAssignmentStrategy ??= PartitionAssignmentStrategy.CooperativeSticky;
        config.AutoOffsetReset ??= AutoOffsetReset.Earliest;
        // librdkafka prefetches up to 64 MiB by default, and each broker's fetch response (50 MiB by default) can
        // overshoot that; the source bounds its own memory separately, so a small native prefetch keeps a
        // DaemonSet pod's footprint predictable. A fetched message keeps its whole (decompressed) fetch buffer
        // alive in glibc's heap, so the fetch size counts as much as the queue. Smaller fetches also interleave
        // better with the queue: lower RSS and more records/s (figures: docs/kafka.md).
        config.QueuedMaxMessagesKbytes ??= 4 * 1024;
        // A fetch must hold the largest message, so a raised message.max.bytes raises it too.
        config.FetchMaxBytes ??= Math.Max(2 * 1024 * 1024, config.MessageMaxBytes ?? 0);

        // Once that queue is full librdkafka postpones the partition's next fetch by fetch.queue.backoff.ms, 1 s by
        // default: the queue drains in milliseconds and the consumer then idles for most of that second
        // (figures: docs/kafka.md).
        if (string.IsNullOrWhiteSpace(config.Get("fetch.queue.backoff.ms")))
        {
            config.Set("fetch.queue.backoff.ms", "10");
        }
        // The source reads key, value, topic, timestamp and headers (trace context) only.
        if (string.IsNullOrWhiteSpace(config.Get("dotnet.consumer.consume.result.fields")))
        {
            config.ConsumeResultFields = DefaultConsumeResultFields;
        }

        var node = environment(NodeNameVariable);
        if (string.IsNullOrWhiteSpace(config.GroupInstanceId) && !string.IsNullOrWhiteSpace(node))
        {
            config.GroupInstanceId = node;
        }

        if (string.IsNullOrWhiteSpace(config.ClientId))
        {
            config.ClientId = "logpipeline-" + (string.IsNullOrWhiteSpace(node) ? Environment.MachineName : node);
        }

        return config;
    }

    /// <summary>Returns a copy of <paramref name="user"/> for the dead-letter producer: connection and
    /// security settings inherited from <paramref name="consumer"/> when not set, idempotence on and
    /// <c>acks=all</c> (a dead-lettered record counts as done only once the cluster has it durably), one request in
    /// flight and <c>linger.ms=5</c> unless set.</summary>
    public static ProducerConfig PrepareProducer(ProducerConfig user, ConsumerConfig consumer)
    {
        var config = new ProducerConfig(user.ToDictionary(kv => kv.Key, kv => kv.Value));
        var errors = new List<string>();
        if (config.EnableIdempotence == false)
        {
            errors.Add($"{ProducerSection}:EnableIdempotence = false is not allowed: the dead-letter producer must not duplicate or reorder records.");
        }

        if (config.Acks is not null and not Acks.All)
        {
            errors.Add($"{ProducerSection}:Acks = {config.Acks} is not allowed: only All, so a dead-lettered record is durable before its offset is committed.");
        }

        if (errors.Count > 0)
        {
            throw new KafkaConfigurationException(errors);
        }

        var present = config.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in consumer)
        {
            if (!present.Contains(key) && InheritedPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
            {
                config.Set(key, value);
            }
        }

        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        config.LingerMs ??= 5;
        // Dead-letter traffic is small; one request in flight makes every retry unambiguous. With five, librdkafka's
        // mock cluster (tests, demo) answered DUPLICATE_SEQUENCE for batches it never stored after a broker outage,
        // and the producer then reported records as delivered that were lost.
        config.MaxInFlight ??= 1;
        if (string.IsNullOrWhiteSpace(config.ClientId))
        {
            config.ClientId = (consumer.ClientId ?? "logpipeline") + "-dlq";
        }

        return config;
    }

    /// <summary>Key of a file holding the SASL password (a mounted Kubernetes secret): librdkafka takes the password
    /// only as a value, so the file is read here, once, and trimmed.</summary>
    public const string SaslPasswordFileKey = "SaslPasswordFile";

    private static void ReadSaslPasswordFile(ClientConfig config, IConfigurationSection section, IConfigurationSection file, List<string> errors)
    {
        var key = $"{section.Path}:{file.Key}";
        if (section.GetChildren().Any(c => c.Value is not null && (string.Equals(c.Key, nameof(ClientConfig.SaslPassword), StringComparison.OrdinalIgnoreCase) || c.Key == "sasl.password")))
        {
            errors.Add($"{section.Path}:SaslPassword and {key} are both set: set only one of them.");
            return;
        }

        try
        {
            var password = File.ReadAllText(file.Value!).Trim();
            if (password.Length == 0)
            {
                errors.Add($"{key} = '{file.Value}' is empty: allowed is a file holding the password.");
                return;
            }

            config.SaslPassword = password;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            errors.Add($"{key} = '{file.Value}' cannot be read: {e.Message}");
        }
    }

    /// <summary>Copies a configuration section into a Confluent config: a key naming a property of the
    /// config class is converted to its type, any other key is passed to librdkafka as is.</summary>
    internal static void BindInto(ClientConfig config, IConfigurationSection section, string sectionPath)
    {
        var properties = config.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        foreach (var child in section.GetChildren())
        {
            if (child.Value is null)
            {
                continue;
            }

            if (string.Equals(child.Key, SaslPasswordFileKey, StringComparison.OrdinalIgnoreCase))
            {
                ReadSaslPasswordFile(config, section, child, errors);
                continue;
            }

            if (!properties.TryGetValue(child.Key, out var property))
            {
                config.Set(child.Key, child.Value);
                continue;
            }

            try
            {
                property.SetValue(config, Convert(child.Value, property.PropertyType));
            }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or InvalidCastException)
            {
                var allowed = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                var what = allowed.IsEnum ? string.Join(", ", Enum.GetNames(allowed)) : allowed.Name;
                var shown = child.Key.Contains("password", StringComparison.OrdinalIgnoreCase) ? "***" : child.Value;
                errors.Add($"{sectionPath}:{child.Key} = '{shown}' is invalid: allowed is {what}.");
            }
        }

        if (errors.Count > 0)
        {
            throw new KafkaConfigurationException(errors);
        }
    }

    private static object? Convert(string value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
        {
            return value;
        }

        if (target.IsEnum)
        {
            // librdkafka spells values like SASL_SSL or cooperative-sticky; the enums say SaslSsl, CooperativeSticky.
            var compact = value.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            return Enum.Parse(target, compact, ignoreCase: true);
        }

        return System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
    }
}
