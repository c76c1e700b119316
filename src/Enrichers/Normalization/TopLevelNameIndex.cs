using Enrichers.Json;

namespace Enrichers.Normalization;

/// <summary>The top-level names the stage's paths can start with, and the one pass over a record's properties that
/// marks which of them are present: every later step is gated by it, so a record that is already canonical costs
/// this pass. Built once (<see cref="Step"/> for each configured path, then <see cref="Seal"/>); read-only and
/// thread-safe afterwards.</summary>
internal sealed class TopLevelNameIndex
{
    // Candidate top-level names by a hash of length, first and last char: most properties of a record fall into an
    // empty bucket and cost one array read (a bucket by length alone held three or four names to compare).
    private const int BucketCount = 512;
    private readonly Trigger[]?[] _buckets = new Trigger[]?[BucketCount];

    // One bit per bucket, set when it holds a name: 64 bytes that stay in one cache line, so the record's properties
    // that are none of the stage's names (nearly all of them) are ruled out without reaching the 4 KiB of buckets,
    // which the other stages of the chain evict between two records.
    private readonly ulong[] _occupied = new ulong[BucketCount / 64];
    private readonly Dictionary<string, int> _nameIds = new(StringComparer.Ordinal);
    private bool _sealed;

    /// <summary>Names known; the size of the flags <see cref="PresentNames"/> holds.</summary>
    public int Count => _nameIds.Count;

    /// <summary>A path the stage reads or writes, with the ids of the top-level names it can start with (every
    /// prefix of the dotted path: <c>a.b.c</c> may be written nested, dotted, or half of each).</summary>
    public PathStep Step(string path)
    {
        if (_sealed)
        {
            throw new InvalidOperationException("The name index is sealed.");
        }

        var ids = new List<int>();
        for (var dot = path.IndexOf('.'); ; dot = path.IndexOf('.', dot + 1))
        {
            var prefix = dot < 0 ? path : path[..dot];
            if (!_nameIds.TryGetValue(prefix, out var id))
            {
                id = _nameIds.Count;
                _nameIds[prefix] = id;
            }

            ids.Add(id);
            if (dot < 0)
            {
                break;
            }
        }

        return new PathStep(path, ids.ToArray());
    }

    /// <summary>Builds the buckets; no step is added afterwards.</summary>
    public void Seal()
    {
        _sealed = true;
        foreach (var group in _nameIds.GroupBy(kv => Bucket(kv.Key.Length, kv.Key[0], kv.Key[^1])))
        {
            _buckets[group.Key] = group.Select(kv => new Trigger(kv.Key, kv.Value)).ToArray();
            _occupied[group.Key >> 6] |= 1UL << group.Key;
        }
    }

    /// <summary>Marks the names of interest among the top-level properties; false when there is none.</summary>
    public bool Scan(LogObject root, ref PresentNames present)
    {
        var occupied = _occupied;
        var properties = root.PropertySpan;
        for (var i = 0; i < properties.Length; i++)
        {
            var p = properties[i];
            int bucket;
            if (p.TryGetRawName(out var raw))
            {
                if (raw.IsEmpty)
                {
                    continue;
                }

                bucket = Bucket(raw.Length, (char)raw[0], (char)raw[^1]);
            }
            else
            {
                var name = p.Name;
                if (name.Length == 0)
                {
                    continue;
                }

                bucket = Bucket(name.Length, name[0], name[^1]);
            }

            if ((occupied[bucket >> 6] & (1UL << bucket)) == 0 || _buckets[bucket] is not { } candidates)
            {
                continue;
            }

            foreach (var candidate in candidates)
            {
                if (p.NameEquals(candidate.Name))
                {
                    present.Set(candidate.Id);
                    break;
                }
            }
        }

        return present.Any;
    }

    private static int Bucket(int length, char first, char last) => (length * 31 + first * 7 + last * 13) & (BucketCount - 1);

    private readonly record struct Trigger(string Name, int Id);
}
