using System.Text;
using Enrichers.Json;

namespace Enrichers.Normalization;

/// <summary>Maps the level names producers write onto one lowercase vocabulary. A value already in canonical form
/// is left as its input node (no allocation): that is every record of a service that logs canonically.</summary>
internal sealed class LevelVocabulary
{
    private const int MaxLevelLength = 32;

    private readonly Dictionary<string, string> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _byNameSpan;
    private readonly string[] _canonical;

    // The canonical names as UTF-8, for the common case decided on the input bytes: a level already canonical.
    private readonly byte[][] _canonicalUtf8;

    public LevelVocabulary(IReadOnlyDictionary<string, string[]> levels)
    {
        _byNameSpan = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var (level, names) in levels)
        {
            _byName.TryAdd(level, level);
            foreach (var name in names ?? [])
            {
                _byName.TryAdd(name.Trim(), level);
            }
        }

        _canonical = levels.Keys.ToArray();
        _canonicalUtf8 = _canonical.Where(l => _byName.TryGetValue(l, out var c) && c == l).Select(Encoding.UTF8.GetBytes).ToArray();
    }

    /// <summary>The canonical level of OpenTelemetry's severity number (1–24), from the vocabulary's own names
    /// when it has trace/debug/info/warn/error/fatal.</summary>
    public string? FromSeverityNumber(long number) => number switch
    {
        >= 1 and <= 4 => Canonical("trace"),
        >= 5 and <= 8 => Canonical("debug"),
        >= 9 and <= 12 => Canonical("info"),
        >= 13 and <= 16 => Canonical("warn"),
        >= 17 and <= 20 => Canonical("error"),
        >= 21 and <= 24 => Canonical("fatal"),
        _ => null,
    };

    private string Canonical(string name) => _byName.TryGetValue(name, out var level) ? level : name;

    /// <summary>The normalized level node for <paramref name="value"/> (the same node when it is canonical already),
    /// or null when the value is not text.</summary>
    public LogNode? Normalize(LogNode value, LogRecord record)
    {
        if (value is not LogString s)
        {
            return null;
        }

        if (s.IsRaw && !s.RawHasEscapes)
        {
            var raw = s.RawUtf8;
            foreach (var canonical in _canonicalUtf8)
            {
                if (raw.SequenceEqual(canonical))
                {
                    return s;
                }
            }
        }

        Span<char> buffer = stackalloc char[MaxLevelLength];
        scoped ReadOnlySpan<char> text;
        if (s.IsRaw && !s.RawHasEscapes && s.RawUtf8.Length <= MaxLevelLength && Ascii.IsValid(s.RawUtf8))
        {
            var n = Encoding.ASCII.GetChars(s.RawUtf8, buffer);
            text = buffer[..n];
        }
        else
        {
            text = s.Value;
        }

        var trimmed = text.Trim();
        if (_byNameSpan.TryGetValue(trimmed, out var level))
        {
            return text.SequenceEqual(level) ? s : record.NewReferenceString(level);
        }

        if (trimmed.IsEmpty)
        {
            return null;
        }

        // A name outside the vocabulary is kept, lowercased, so that case variants of it still group together.
        return trimmed.Length == text.Length && !ContainsUpper(trimmed) ? s : record.NewString(trimmed.ToString().ToLowerInvariant());
    }

    private static bool ContainsUpper(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsUpper(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The canonical levels (for documentation and tests).</summary>
    public IReadOnlyList<string> Levels => _canonical;
}
