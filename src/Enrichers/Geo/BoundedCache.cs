using System.Collections.Concurrent;

namespace Enrichers.Geo;

/// <summary>A bounded, thread-safe cache. Two generations: new entries go into the current one; when it holds
/// half the capacity it becomes the previous one (the older previous one is dropped), and entries read from the
/// previous generation move forward. So it never holds more than <c>capacity</c> entries (plus what racing
/// writers add in the instant of a swap), keeps what is used, and costs one dictionary read on a hit: no
/// per-entry bookkeeping, no global lock.</summary>
internal class BoundedCache<TKey, TValue>
    where TKey : notnull
{
    private readonly int _generationSize;
    private readonly IEqualityComparer<TKey>? _comparer;
    private readonly Lock _rotateLock = new();
    private ConcurrentDictionary<TKey, TValue> _current;
    private ConcurrentDictionary<TKey, TValue> _previous;
    private int _currentCount;

    public BoundedCache(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        Capacity = capacity;
        _comparer = comparer;
        _generationSize = Math.Max(1, capacity / 2);
        _current = NewGeneration();
        _previous = NewGeneration();
    }

    public int Capacity { get; }

    /// <summary>Entries held now (for tests and diagnostics; not cheap).</summary>
    public int Count => Volatile.Read(ref _current).Count + Volatile.Read(ref _previous).Count;

    public bool TryGet(TKey key, out TValue value)
    {
        if (Capacity == 0)
        {
            value = default!;
            return false;
        }

        if (Volatile.Read(ref _current).TryGetValue(key, out value!))
        {
            return true;
        }

        if (Volatile.Read(ref _previous).TryGetValue(key, out value!))
        {
            Add(key, value);
            return true;
        }

        return false;
    }

    public void Add(TKey key, TValue value)
    {
        if (Capacity == 0)
        {
            return;
        }

        var current = Volatile.Read(ref _current);
        if (current.TryAdd(key, value) && Interlocked.Increment(ref _currentCount) >= _generationSize)
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

    /// <summary>As <see cref="TryGet(TKey, out TValue)"/> by another form of the key that the comparer given
    /// at construction understands (a span for a string key): a hit makes no key, and one in the previous
    /// generation moves forward with the key it was stored under.</summary>
    protected bool TryGetAlternate<TAlternate>(TAlternate key, out TValue value)
        where TAlternate : notnull, allows ref struct
    {
        if (Capacity == 0)
        {
            value = default!;
            return false;
        }

        if (Volatile.Read(ref _current).GetAlternateLookup<TAlternate>().TryGetValue(key, out value!))
        {
            return true;
        }

        if (Volatile.Read(ref _previous).GetAlternateLookup<TAlternate>().TryGetValue(key, out var stored, out value!))
        {
            Add(stored, value);
            return true;
        }

        return false;
    }

    private ConcurrentDictionary<TKey, TValue> NewGeneration() =>
        new(Environment.ProcessorCount, Math.Min(_generationSize, 1024), _comparer);
}
