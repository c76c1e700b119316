using System.Reflection;
using System.Runtime.InteropServices;

namespace LogPipeline.Demo.Kafka;

/// <summary>P/Invoke surface of librdkafka's mock cluster (<c>rdkafka_mock.h</c>). The library is resolved
/// to the very file Confluent.Kafka already loaded: the default <c>librdkafka.so</c> of the redist package
/// needs <c>libsasl2.so.3</c>, which some distributions lack, and Confluent silently falls back to another
/// build; binding a different copy would give us a second, unrelated librdkafka.</summary>
internal static class MockClusterNative
{
    private const string Library = "librdkafka";
    private static readonly object ResolverLock = new();
    private static IntPtr Handle;
    private static bool ResolverInstalled;

    /// <summary>Loads librdkafka through Confluent.Kafka and routes our imports to the same file.</summary>
    public static void EnsureLoaded()
    {
        lock (ResolverLock)
        {
            if (ResolverInstalled)
            {
                return;
            }

            // Touching the version makes Confluent.Kafka load its native library (with its fallbacks).
            _ = Confluent.Kafka.Library.Version;
            Handle = LoadSameLibraryAsConfluent();
            NativeLibrary.SetDllImportResolver(typeof(MockClusterNative).Assembly, Resolve);
            ResolverInstalled = true;
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == Library ? Handle : IntPtr.Zero;

    private static IntPtr LoadSameLibraryAsConfluent()
    {
        if (OperatingSystem.IsLinux() && File.Exists("/proc/self/maps"))
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var slash = line.IndexOf('/');
                if (slash < 0)
                {
                    continue;
                }

                var path = line[slash..].Trim();
                if (Path.GetFileName(path).Contains("librdkafka", StringComparison.Ordinal) &&
                    NativeLibrary.TryLoad(path, out var loaded))
                {
                    return loaded;
                }
            }
        }

        // Elsewhere (macOS, Windows) Confluent's own file name resolves normally.
        var probe = Path.Combine(AppContext.BaseDirectory, "runtimes");
        if (Directory.Exists(probe))
        {
            foreach (var file in Directory.EnumerateFiles(probe, "*rdkafka*", SearchOption.AllDirectories))
            {
                if (NativeLibrary.TryLoad(file, out var loaded) && NativeLibrary.TryGetExport(loaded, "rd_kafka_mock_cluster_new", out _))
                {
                    return loaded;
                }
            }
        }

        throw new InvalidOperationException(
            "librdkafka was not found among the loaded libraries; the embedded Kafka cluster needs the native library Confluent.Kafka uses.");
    }

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_conf_new();

    [DllImport(Library, CharSet = CharSet.Ansi, BestFitMapping = false)]
    public static extern int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] errstr, UIntPtr errstrSize);

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, UIntPtr errstrSize);

    [DllImport(Library)]
    public static extern void rd_kafka_destroy(IntPtr rk);

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [DllImport(Library)]
    public static extern void rd_kafka_mock_cluster_destroy(IntPtr mcluster);

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);

    [DllImport(Library, CharSet = CharSet.Ansi, BestFitMapping = false)]
    public static extern int rd_kafka_mock_topic_create(IntPtr mcluster, string topic, int partitionCount, int replicationFactor);

    [DllImport(Library)]
    public static extern int rd_kafka_mock_broker_set_down(IntPtr mcluster, int brokerId);

    [DllImport(Library)]
    public static extern int rd_kafka_mock_broker_set_up(IntPtr mcluster, int brokerId);

    [DllImport(Library)]
    public static extern int rd_kafka_mock_broker_set_rtt(IntPtr mcluster, int brokerId, int rttMs);

    [DllImport(Library)]
    public static extern void rd_kafka_mock_push_request_errors_array(IntPtr mcluster, short apiKey, UIntPtr count, int[] errors);

    [DllImport(Library)]
    public static extern void rd_kafka_mock_clear_request_errors(IntPtr mcluster, short apiKey);

    [DllImport(Library)]
    public static extern void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr mcluster, int delayMs);
}
