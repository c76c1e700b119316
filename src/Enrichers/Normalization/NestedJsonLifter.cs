using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Enrichers.Json;

namespace Enrichers.Normalization;

/// <summary>Replaces a top-level string field that is one whole JSON object by that object's fields (the inner value
/// wins over an outer field of the same name). Bounded by size and depth; linear in the string's length.</summary>
/// <param name="parsed">Counts strings lifted.</param>
/// <param name="refused">Counts strings that look like one JSON object but were left as text: over the size or depth
/// bound, or not valid JSON.</param>
internal sealed class NestedJsonLifter(int maxBytes, int maxDepth, StrongBox<long> parsed, StrongBox<long> refused)
{
    /// <param name="slot">The index of <paramref name="field"/>'s first property in the root when the caller knows it
    /// (see <see cref="PresentNames.SlotOf(PathStep)"/>), else -1: it is looked up.</param>
    public bool Lift(LogRecord record, string field, int slot = -1)
    {
        var root = record.Root;
        var i = slot >= 0 ? slot : root.IndexOf(field);
        if (i < 0 || root[i].Value is not LogString s)
        {
            return false;
        }

        // Rule most strings out on their raw bytes before decoding: a JSON object starts with '{' (escapes start
        // with a backslash, so an escaped first char is no '{').
        if (s.IsRaw)
        {
            var raw = s.RawUtf8.TrimStart(" \t"u8);
            if (raw.IsEmpty || raw[0] != (byte)'{')
            {
                return false;
            }

            if (s.RawUtf8.Length > 6 * maxBytes)
            {
                return Refuse();
            }
        }

        var text = s.Value.AsSpan().Trim();
        if (text.Length < 2 || text[0] != '{' || text[^1] != '}')
        {
            return false;
        }

        var byteCount = Encoding.UTF8.GetByteCount(text);
        if (byteCount > maxBytes)
        {
            return Refuse();
        }

        ReadOnlyMemory<byte> bytes;
        if (record.Pool is { } pool)
        {
            var rented = ArrayPool<byte>.Shared.Rent(byteCount);
            try
            {
                var n = Encoding.UTF8.GetBytes(text, rented);
                bytes = pool.Copy(rented.AsSpan(0, n));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
        else
        {
            bytes = Encoding.UTF8.GetBytes(text.ToString());
        }

        if (LogRecordParser.TryParseObject(bytes, maxDepth, record.Pool) is not { } inner)
        {
            return Refuse();
        }

        // The inner object is the application's own record; the outer one is the collector's envelope around it.
        root.RemoveAt(i);
        foreach (var p in inner.Properties)
        {
            var existing = root.IndexOf(p.Name);
            if (existing >= 0)
            {
                root[existing].Value = p.Value;
            }
            else
            {
                root.AddParsed(p);
            }
        }

        Interlocked.Increment(ref parsed.Value);
        return true;
    }

    private bool Refuse()
    {
        Interlocked.Increment(ref refused.Value);
        return false;
    }
}
