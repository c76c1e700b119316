using Enrichers.Json;

namespace Enrichers.Normalization;

/// <summary>Keeps the fields the index maps as objects free of scalars (Elasticsearch refuses a document where one
/// holds a string, number, boolean or an array of them): such a value moves to its <c>ScalarTo</c> field
/// (<see cref="ObjectFieldRule"/>). And replaces the dots in the keys of label objects, as Fluent Bit's
/// <c>Replace_Dots</c> does (Elasticsearch expands dots into objects).</summary>
internal static class MappingShapes
{
    /// <returns>True when a scalar was moved.</returns>
    public static bool MoveScalar(LogObject root, string field, PathStep scalarTo)
    {
        if (!LogPath.FindSlot(root, field, out var parent, out var index))
        {
            return false;
        }

        var value = parent![index].Value;
        if (value is LogObject || value.Kind == LogNodeKind.Null || (value is LogArray array && OnlyObjects(array)))
        {
            return false;
        }

        LogPath.Remove(root, field);
        PathWriter.Set(root, scalarTo, value);
        return true;
    }

    public static void Undot(LogObject labels)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            var p = labels[i];
            var hasDot = p.TryGetRawName(out var raw) ? raw.Contains((byte)'.') : p.Name.Contains('.');
            if (!hasDot)
            {
                continue;
            }

            var name = p.Name.Replace('.', '_');
            if (labels.IndexOf(name) >= 0)
            {
                // Both spellings present: one field can hold only one value, and the plain key was there first.
                labels.RemoveAt(i--);
            }
            else
            {
                labels.ReplaceAt(i, name, p.Value);
            }
        }
    }

    private static bool OnlyObjects(LogArray array)
    {
        foreach (var item in array.ItemSpan)
        {
            if (item is not LogObject && item.Kind != LogNodeKind.Null)
            {
                return false;
            }
        }

        return true;
    }
}
