using LogPipeline.FileSink;
using LogPipeline.Pipeline;

namespace LogPipeline.Configuration;

/// <summary>The checks of the worker's own sections (<c>Sink</c>, <c>Http</c>, <c>Shutdown</c>, <c>Startup</c>,
/// <c>Memory</c>), with messages that name the key, the value and what is allowed. <see cref="ConfigurationSchema"/>
/// hands them to the options system.</summary>
internal static class WorkerOptionsValidator
{
    public static IEnumerable<string> Check(SinkOptions options)
    {
        if (options.Type is not (SinkOptions.Types.Elasticsearch or SinkOptions.Types.File))
        {
            yield return $"Sink:Type = '{options.Type}' is not allowed: use 'elasticsearch' or 'file'.";
        }

        if (options.Type == SinkOptions.Types.File)
        {
            foreach (var message in Check(options.File, "Sink:File"))
            {
                yield return message;
            }
        }
    }

    public static IEnumerable<string> Check(FileSinkOptions options, string prefix)
    {
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            yield return $"{prefix}:Directory = '{options.Directory}' is not allowed: give the directory the files go to.";
        }
        else if (options.Directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            yield return $"{prefix}:Directory = '{options.Directory}' is not a valid path.";
        }

        if (options.MaxDocuments is < 1 or > 1_000_000)
        {
            yield return $"{prefix}:MaxDocuments = '{options.MaxDocuments}' is not allowed: use 1 to 1000000.";
        }

        if (options.MaxBytes is < 1024 or > 1L << 30)
        {
            yield return $"{prefix}:MaxBytes = '{options.MaxBytes}' is not allowed: use 1024 (1 KiB) to 1073741824 (1 GiB).";
        }

        if (options.FlushInterval < TimeSpan.FromMilliseconds(1) || options.FlushInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{prefix}:FlushInterval = '{options.FlushInterval}' is not allowed: use 00:00:00.001 to 00:01:00.";
        }

        if (!BatchLimits.IsAllowedIdleFlushDelay(options.IdleFlushDelay, options.FlushInterval))
        {
            yield return $"{prefix}:IdleFlushDelay = '{options.IdleFlushDelay}' is not allowed: use 00:00:00 (off) or " +
                $"00:00:00.001 up to FlushInterval ({options.FlushInterval}).";
        }

        if (options.MaxFileBytes is < 1L << 20 or > 10L << 30)
        {
            yield return $"{prefix}:MaxFileBytes = '{options.MaxFileBytes}' is not allowed: use 1048576 (1 MiB) to 10737418240 (10 GiB).";
        }

        if (options.BufferCapacity is < 1 or > 10_000_000)
        {
            yield return $"{prefix}:BufferCapacity = '{options.BufferCapacity}' is not allowed: use 1 to 10000000.";
        }

        var index = options.Index.Replace("{namespace}", "default", StringComparison.Ordinal);
        if (index.Length == 0 || index.Length > 255 || index != index.ToLowerInvariant()
            || index.StartsWith('-') || index.StartsWith('_') || index.StartsWith('+')
            || index.IndexOfAny(['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':']) >= 0)
        {
            yield return $"{prefix}:Index = '{options.Index}' is not allowed: an Elasticsearch index name is lowercase, " +
                "without spaces or \\ / * ? \" < > | , # :, and does not start with -, _ or +.";
        }
    }

    public static IEnumerable<string> Check(HttpOptions options)
    {
        if (!HttpListenAddress.TryParse(options.Address, out _))
        {
            yield return $"Http:Address = '{options.Address}' is not allowed: use host:port with an IP address, " +
                "'localhost' or '*' and a port 0-65535 (e.g. 0.0.0.0:9102, [::]:9102).";
        }
    }

    public static IEnumerable<string> Check(ShutdownOptions options)
    {
        if (options.DrainTimeout < TimeSpan.FromSeconds(1) || options.DrainTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"Shutdown:DrainTimeout = '{options.DrainTimeout}' is not allowed: use 00:00:01 to 00:10:00 " +
                "(keep it under the pod's terminationGracePeriodSeconds).";
        }
    }

    public static IEnumerable<string> Check(StartupOptions options)
    {
        if (options.ConnectTimeout < TimeSpan.FromSeconds(1) || options.ConnectTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"Startup:ConnectTimeout = '{options.ConnectTimeout}' is not allowed: use 00:00:01 to 00:10:00.";
        }
    }

    public static IEnumerable<string> Check(MemoryOptions options)
    {
        var interval = options.NativeHeapTrimInterval;
        if (interval != TimeSpan.Zero && (interval < TimeSpan.FromMilliseconds(100) || interval > TimeSpan.FromMinutes(10)))
        {
            yield return $"Memory:NativeHeapTrimInterval = '{interval}' is not allowed: use 00:00:00.100 to 00:10:00, or 00:00:00 to turn it off.";
        }
    }
}
