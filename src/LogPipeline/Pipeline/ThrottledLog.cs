using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Pipeline;

/// <summary>Logs a repeating condition (a broker down, a refused dead-letter write) at most once per
/// <see cref="Interval"/> per key, so a failure that lasts minutes does not flood the log at record rate.</summary>
internal sealed class ThrottledLog(ILogger logger)
{
    private static readonly long Interval = (long)TimeSpan.FromSeconds(5).TotalMilliseconds;

    private readonly ConcurrentDictionary<string, long> _lastLogged = new(StringComparer.Ordinal);

    public void Log(string key, LogLevel level, string message)
    {
        var now = Environment.TickCount64;
        var last = _lastLogged.GetOrAdd(key, long.MinValue);
        if (now - last >= Interval && _lastLogged.TryUpdate(key, now, last))
        {
            logger.Log(level, "{Message}", message);
        }
    }
}
