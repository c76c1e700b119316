using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>The configured fields whose IP addresses stay (<see cref="MaskingOptions.KeepIpFields"/>), and the property
/// path of the record's walk they are recognized by. The path is kept only when there are such fields: keeping it cost
/// a thread-static read per object and a reference store (GC write barrier) per property.</summary>
internal sealed class KeepIpFields
{
    [ThreadStatic]
    private static LogProperty?[]? t_path;

    // Each dotted path with its suffixes, shortest first: the leaf name is compared before the path is joined.
    private readonly (string Path, string[] Leaves)[] _fields;

    public KeepIpFields(IEnumerable<string> paths)
    {
        _fields = paths
            .Select(path => (path, Enumerable.Range(1, path.Count(c => c == '.') + 1)
                .Select(n => string.Join('.', path.Split('.')[^n..])).ToArray()))
            .ToArray();
    }

    public bool IsEmpty => _fields.Length == 0;

    /// <summary>The path to write the properties of an object at <paramref name="depth"/> into, or null when no path
    /// is kept (no such fields, or inside JSON held in a string, whose paths are not the record's).</summary>
    public LogProperty?[]? PathFor(int depth, int innerLevel)
    {
        if (_fields.Length == 0 || innerLevel != 0)
        {
            return null;
        }

        var path = t_path ??= new LogProperty?[64];
        if (depth >= path.Length)
        {
            Array.Resize(ref t_path, depth * 2);
            path = t_path;
        }

        return path;
    }

    /// <summary>Whether the value at <paramref name="depth"/> on the current path is one of the fields.</summary>
    public bool Contains(int depth)
    {
        var leaf = depth > 0 ? t_path![depth - 1] : null;
        if (leaf is null)
        {
            return false;
        }

        foreach (var (path, leaves) in _fields)
        {
            foreach (var name in leaves)
            {
                if (leaf.NameEquals(name))
                {
                    var names = new string[depth];
                    for (var i = 0; i < depth; i++)
                    {
                        names[i] = t_path![i]!.Name;
                    }

                    if (string.Join('.', names) == path)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
