using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace LogPipeline.Demo.Kafka;

/// <summary>An in-process Kafka cluster for tests, benchmarks and the <c>demo</c> command: librdkafka's mock
/// cluster, reached over TCP on 127.0.0.1 with any Kafka client exactly like a real cluster.
/// <para>Limits of the mock (measured): each partition keeps only about 5 MiB (older data is dropped
/// silently), topics are not replicated for real, and leadership does not move when a broker is down.</para>
/// <para>Dispose it after every client that talks to it (consumers, then producers, then the cluster).
/// It is also disposed on process exit, so a crashed test run leaves no listener behind.</para></summary>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    private readonly object _gate = new();
    private IntPtr _rk;
    private IntPtr _cluster;

    private EmbeddedKafkaCluster(IntPtr rk, IntPtr cluster, int brokerCount)
    {
        _rk = rk;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(MockClusterNative.rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster reported no bootstrap servers.");
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary><c>host:port,...</c> of the brokers, for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Number of brokers; their ids are 1..<see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>Starts a cluster with <paramref name="brokers"/> brokers listening on 127.0.0.1.</summary>
    /// <param name="brokers">Broker count (1–32).</param>
    /// <param name="initialRebalanceDelay">How long the group coordinator waits for more members before the
    /// first assignment; the mock's default (about 3 s) slows tests, so the default here is 100 ms.</param>
    public static EmbeddedKafkaCluster Start(int brokers = 3, TimeSpan? initialRebalanceDelay = null)
    {
        if (brokers is < 1 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(brokers), brokers, "Broker count must be between 1 and 32.");
        }

        MockClusterNative.EnsureLoaded();
        var errstr = new byte[512];
        var conf = MockClusterNative.rd_kafka_conf_new();
        // The handle only owns the mock; its own client logs would be noise.
        MockClusterNative.rd_kafka_conf_set(conf, "log_level", "3", errstr, (UIntPtr)errstr.Length);
        var rk = MockClusterNative.rd_kafka_new(0, conf, errstr, (UIntPtr)errstr.Length);
        if (rk == IntPtr.Zero)
        {
            throw new InvalidOperationException("rd_kafka_new failed: " + ReadError(errstr));
        }

        var cluster = MockClusterNative.rd_kafka_mock_cluster_new(rk, brokers);
        if (cluster == IntPtr.Zero)
        {
            MockClusterNative.rd_kafka_destroy(rk);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed.");
        }

        var delay = (int)(initialRebalanceDelay ?? TimeSpan.FromMilliseconds(100)).TotalMilliseconds;
        MockClusterNative.rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, delay);
        return new EmbeddedKafkaCluster(rk, cluster, brokers);
    }

    /// <summary>Creates a topic. The replication factor defaults to min(3, broker count).</summary>
    public void CreateTopic(string name, int partitions, int? replicationFactor = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var rf = replicationFactor ?? Math.Min(3, BrokerCount);
        Check(MockClusterNative.rd_kafka_mock_topic_create(Cluster, name, partitions, rf), $"create topic {name}");
    }

    /// <summary>Bytes each partition keeps: past this (or 100,000 message sets) the mock drops its oldest message
    /// sets, like a retention limit. The limit is fixed inside librdkafka; no API changes it.</summary>
    public const long RetainedBytesPerPartition = 5 * 1024 * 1024;

    /// <summary>Records the mock has already dropped from the start of <paramref name="topic"/> (the sum of its
    /// partitions' log start offsets). Not zero means a backlog outgrew <see cref="RetainedBytesPerPartition"/>:
    /// a consumer starting from the earliest offset never sees those records.</summary>
    public long DroppedRecords(string topic, int partitions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        var config = new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = "embedded-kafka-watermarks" };
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, _) => { }).Build();
        long dropped = 0;
        for (var p = 0; p < partitions; p++)
        {
            dropped += Math.Max(0, consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).Low.Value);
        }

        return dropped;
    }

    /// <summary>Partitions that would hold <paramref name="records"/> whole, given that <paramref name="partitions"/>
    /// partitions kept all but <paramref name="dropped"/> of them: what fit per partition, with a quarter to spare.</summary>
    public static int PartitionsToHold(long records, long dropped, int partitions)
    {
        var keptPerPartition = Math.Max(1, (records - dropped) / Math.Max(1, partitions));
        return (int)Math.Min(int.MaxValue, records / (keptPerPartition * 3 / 4 + 1) + 1);
    }

    /// <summary>Disconnects broker <paramref name="brokerId"/> (1-based) and refuses new connections to it.</summary>
    internal void SetBrokerDown(int brokerId) =>
        Check(MockClusterNative.rd_kafka_mock_broker_set_down(Cluster, brokerId), $"set broker {brokerId} down");

    /// <summary>Lets broker <paramref name="brokerId"/> accept connections again.</summary>
    internal void SetBrokerUp(int brokerId) =>
        Check(MockClusterNative.rd_kafka_mock_broker_set_up(Cluster, brokerId), $"set broker {brokerId} up");

    /// <summary>Delays every response of broker <paramref name="brokerId"/> by <paramref name="roundTripTime"/>.</summary>
    internal void SetRoundTripTime(int brokerId, TimeSpan roundTripTime) =>
        Check(MockClusterNative.rd_kafka_mock_broker_set_rtt(Cluster, brokerId, (int)roundTripTime.TotalMilliseconds),
            $"set round-trip time of broker {brokerId}");

    /// <summary>Makes the next requests of type <paramref name="apiKey"/> (on any broker) fail with
    /// <paramref name="errors"/>, one error per request, in order.</summary>
    internal void InjectRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var codes = Array.ConvertAll(errors, e => (int)e);
        MockClusterNative.rd_kafka_mock_push_request_errors_array(Cluster, (short)apiKey, (UIntPtr)codes.Length, codes);
    }

    /// <summary>Drops errors still queued by <see cref="InjectRequestErrors"/> for <paramref name="apiKey"/>.</summary>
    internal void ClearRequestErrors(KafkaApiKey apiKey) =>
        MockClusterNative.rd_kafka_mock_clear_request_errors(Cluster, (short)apiKey);

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Destroy();
    }

    public override string ToString() => $"EmbeddedKafkaCluster({BrokerCount} brokers, {BootstrapServers})";

    private IntPtr Cluster
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
                return _cluster;
            }
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Destroy();

    private void Destroy()
    {
        lock (_gate)
        {
            // Order matters: the mock cluster runs on the handle's threads, so it goes first.
            if (_cluster != IntPtr.Zero)
            {
                MockClusterNative.rd_kafka_mock_cluster_destroy(_cluster);
                _cluster = IntPtr.Zero;
            }

            if (_rk != IntPtr.Zero)
            {
                MockClusterNative.rd_kafka_destroy(_rk);
                _rk = IntPtr.Zero;
            }
        }
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"Embedded Kafka cluster: {what} failed: {(ErrorCode)error}.");
        }
    }

    private static string ReadError(byte[] errstr)
    {
        var end = Array.IndexOf(errstr, (byte)0);
        return Encoding.UTF8.GetString(errstr, 0, end < 0 ? errstr.Length : end);
    }
}
