using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Enrichers;

/// <summary>Thread-safe counters by a low-cardinality key (mask type, GeoIP result, category...).</summary>
public sealed class CounterSet
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _counters = new(StringComparer.Ordinal);

    public void Increment(string key, long by = 1) =>
        Interlocked.Add(ref Counter(key).Value, by);

    /// <summary>The counter of <paramref name="key"/> (created at 0), for callers that count on every record
    /// and keep it instead of looking the key up each time.</summary>
    internal StrongBox<long> Counter(string key) => _counters.GetOrAdd(key, static _ => new StrongBox<long>());

    public long this[string key] => _counters.TryGetValue(key, out var box) ? Interlocked.Read(ref box.Value) : 0;

    public long Total => _counters.Values.Sum(b => Interlocked.Read(ref b.Value));

    /// <summary>A copy of the counters, sorted by key.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Snapshot() =>
        _counters.Select(kv => KeyValuePair.Create(kv.Key, Interlocked.Read(ref kv.Value.Value)))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .ToList();
}
