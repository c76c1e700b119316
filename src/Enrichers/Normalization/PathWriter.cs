using Enrichers.Json;

namespace Enrichers.Normalization;

/// <summary>Writes a value at a <see cref="PathStep"/>: in place where the path exists (nested or dotted), else as
/// nested objects from the path's segments (as <see cref="LogPath.Set(LogObject, string, LogNode)"/>, without making a
/// string per record). Where a segment holds a scalar, the rest is written as a dotted key.</summary>
internal static class PathWriter
{
    public static void Set(LogObject root, PathStep target, LogNode value)
    {
        if (LogPath.FindSlot(root, target.Path, out var parent, out var index))
        {
            parent![index].Value = value;
            return;
        }

        var segments = target.Segments;
        var current = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (current.GetOrAddObject(segments[i]) is not { } child)
            {
                current.Set(string.Join('.', segments, i, segments.Length - i), value);
                return;
            }

            current = child;
        }

        current.Set(segments[^1], value);
    }

    /// <summary>Sets <paramref name="value"/> as a string where the record has no value (or an empty one) yet.</summary>
    public static void SetIfAbsent(LogRecord record, PathStep target, string? value)
    {
        if (!string.IsNullOrEmpty(value) && LogPath.Find(record.Root, target.Path) is null or { IsEmpty: true })
        {
            Set(record.Root, target, record.NewString(value));
        }
    }
}
