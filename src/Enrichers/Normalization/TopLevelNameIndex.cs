using Enrichers.Json;

namespace Enrichers.Normalization;

/// <summary>The top-level names the stage's paths can start with, and the one pass over a record's properties that
/// marks which of them are present: every later step is gated by it, so a record that is already canonical costs
/// this pass. Built once (<see cref="Step"/> for each configured path, then <see cref="Seal"/>); read-only and
/// thread-safe afterwards.</summary>
internal sealed class TopLevelNameIndex
{
    private readonly Dictionary<string, int> _nameIds = new(StringComparer.Ordinal);
    private PropertyNameTable? _table;

    /// <summary>Names known; the bits <see cref="PresentNames"/> holds.</summary>
    public int Count => _nameIds.Count;

    /// <summary>A path the stage reads or writes, with the ids of the top-level names it can start with (every
    /// prefix of the dotted path: <c>a.b.c</c> may be written nested, dotted, or half of each).</summary>
    public PathStep Step(string path)
    {
        if (_table is not null)
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

    /// <summary>Builds the lookup; no step is added afterwards.</summary>
    public void Seal() => _table = new PropertyNameTable(_nameIds.Select(kv => (kv.Key, kv.Value)));

    /// <summary>Marks the names of interest among the top-level properties, and where each is first; false when there
    /// is none.</summary>
    public bool Scan(LogObject root, ref PresentNames present)
    {
        // Every record has the same few names: each is one probe of the table (see PropertyNameTable), where comparing
        // it with the candidate names of its bucket, char by char, was most of the stage's cost on canonical records.
        var table = _table!;
        var any = false;
        var properties = root.PropertySpan;
        for (var i = 0; i < properties.Length; i++)
        {
            var id = table.Find(properties[i]);
            if (id >= 0)
            {
                present.Found(id, i);
                any = true;
            }
        }

        return any;
    }
}
