using System.Collections.Concurrent;

namespace Enrichers.Geo;

/// <summary>A bounded, thread-safe cache of recent lookups by address text. Two generations: new entries
/// go into the current one; when it holds half the capacity it becomes the previous one (the older previous
/// one is dropped), and entries read from the previous generation move forward. So it never holds more than
/// <c>capacity</c> entries (plus what racing writers add in the instant of a swap), keeps what is used, and
/// costs one dictionary read on a hit: no per-entry bookkeeping, no global lock.</summary>
internal sealed class GeoLookupCache
{
    private readonly int _generationSize;
    private readonly Lock _rotateLock = new();
    private ConcurrentDictionary<string, GeoLookupResult> _current;
    private ConcurrentDictionary<string, GeoLookupResult> _previous;
    private int _currentCount;

    public GeoLookupCache(int capacity)
    {
        Capacity = capacity;
        _generationSize = Math.Max(1, capacity / 2);
        _current = NewGeneration();
        _previous = NewGeneration();
    }

    public int Capacity { get; }

    /// <summary>Entries held now (for tests and diagnostics; not cheap).</summary>
    public int Count => Volatile.Read(ref _current).Count + Volatile.Read(ref _previous).Count;

    public bool TryGet(string key, out GeoLookupResult result)
    {
        if (Capacity == 0)
        {
            result = null!;
            return false;
        }

        if (Volatile.Read(ref _current).TryGetValue(key, out result!))
        {
            return true;
        }

        if (Volatile.Read(ref _previous).TryGetValue(key, out result!))
        {
            Add(key, result);
            return true;
        }

        return false;
    }

    /// <summary>As <see cref="TryGet(string, out GeoLookupResult)"/> without a string for the key: only a hit
    /// in the previous generation, which moves forward, makes one.</summary>
    public bool TryGet(ReadOnlySpan<char> key, out GeoLookupResult result)
    {
        if (Capacity == 0)
        {
            result = null!;
            return false;
        }

        if (Volatile.Read(ref _current).GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out result!))
        {
            return true;
        }

        if (Volatile.Read(ref _previous).GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out result!))
        {
            Add(key.ToString(), result);
            return true;
        }

        return false;
    }

    public void Add(string key, GeoLookupResult result)
    {
        if (Capacity == 0)
        {
            return;
        }

        var current = Volatile.Read(ref _current);
        if (current.TryAdd(key, result) && Interlocked.Increment(ref _currentCount) >= _generationSize)
        {
            lock (_rotateLock)
            {
                if (ReferenceEquals(current, _current))
                {
                    Volatile.Write(ref _previous, current);
                    Volatile.Write(ref _current, NewGeneration());
                    Volatile.Write(ref _currentCount, 0);
                }
            }
        }
    }

    private ConcurrentDictionary<string, GeoLookupResult> NewGeneration() =>
        new(Environment.ProcessorCount, Math.Min(_generationSize, 1024), StringComparer.Ordinal);
}
