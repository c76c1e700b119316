namespace Enrichers.Json;

/// <summary>Dotted-path access that treats <c>a.b</c> as either nested objects or a dotted key, as
/// producers write both (and Elasticsearch maps both to the same field).</summary>
public static class LogPath
{
    public static LogNode? Find(LogObject root, ReadOnlySpan<char> path)
    {
        return FindSlot(root, path, out var parent, out var index) ? parent![index].Value : null;
    }

    public static void Set(LogObject root, string path, LogNode value)
    {
        if (FindSlot(root, path, out var parent, out var index))
        {
            parent![index].Value = value;
            return;
        }

        var current = root;
        var rest = path.AsSpan();
        int dot;
        while ((dot = rest.IndexOf('.')) > 0)
        {
            var child = current.GetOrAddObject(rest[..dot].ToString());
            if (child is null)
            {
                // The segment holds a non-object value: keep it and write the rest as a dotted key.
                break;
            }

            current = child;
            rest = rest[(dot + 1)..];
        }

        current.Set(rest.ToString(), value);
    }

    public static bool Remove(LogObject root, ReadOnlySpan<char> path)
    {
        var exact = root.IndexOf(path);
        if (exact >= 0)
        {
            root.RemoveAt(exact);
            return true;
        }

        for (var dot = path.IndexOf('.'); dot > 0; dot = NextDot(path, dot))
        {
            var i = root.IndexOf(path[..dot]);
            if (i >= 0 && root[i].Value is LogObject child && Remove(child, path[(dot + 1)..]))
            {
                if (child.Count == 0)
                {
                    root.RemoveAt(i);
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>Finds the object and index holding the value at <paramref name="path"/>.</summary>
    public static bool FindSlot(LogObject obj, ReadOnlySpan<char> path, out LogObject? parent, out int index)
    {
        index = obj.IndexOf(path);
        if (index >= 0)
        {
            parent = obj;
            return true;
        }

        for (var dot = path.IndexOf('.'); dot > 0; dot = NextDot(path, dot))
        {
            if (obj.Get(path[..dot]) is LogObject child && FindSlot(child, path[(dot + 1)..], out parent, out index))
            {
                return true;
            }
        }

        parent = null;
        index = -1;
        return false;
    }

    private static int NextDot(ReadOnlySpan<char> path, int after)
    {
        var next = path[(after + 1)..].IndexOf('.');
        return next < 0 ? -1 : after + 1 + next;
    }
}
