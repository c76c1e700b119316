using System.Runtime.CompilerServices;
using System.Text;
using Enrichers.Json;

namespace Enrichers.Normalization;

/// <summary>Picks the record's data stream namespace from a field's value, among a bounded set (compared ignoring
/// case); any other value leaves the sink's own namespace. Counts each route. Thread-safe.</summary>
internal sealed class NamespaceRouter
{
    private readonly Dictionary<string, int> _namespaces = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _namespacesBySpan;
    private readonly string[] _namespaceNames;
    private readonly StrongBox<long>[] _routeCounters;

    public NamespaceRouter(PathStep field, IEnumerable<string> namespaces, EnrichmentStatistics statistics)
    {
        Field = field;
        _namespaceNames = namespaces.Distinct(StringComparer.Ordinal).ToArray();
        for (var i = 0; i < _namespaceNames.Length; i++)
        {
            _namespaces.TryAdd(_namespaceNames[i], i);
        }

        _namespacesBySpan = _namespaces.GetAlternateLookup<ReadOnlySpan<char>>();
        _routeCounters = _namespaceNames.Select(statistics.Routes.Counter).ToArray();
    }

    /// <summary>The field whose value names the namespace.</summary>
    public PathStep Field { get; }

    public void Route(LogRecord record)
    {
        if (LogPath.Find(record.Root, Field.Path) is not LogString { IsEmpty: false } s)
        {
            return;
        }

        Span<char> buffer = stackalloc char[128];
        scoped ReadOnlySpan<char> value;
        if (s.IsRaw && !s.RawHasEscapes && s.RawUtf8.Length <= buffer.Length && Ascii.IsValid(s.RawUtf8))
        {
            value = buffer[..Encoding.ASCII.GetChars(s.RawUtf8, buffer)];
        }
        else
        {
            value = s.Value;
        }

        if (_namespacesBySpan.TryGetValue(value.Trim(), out var i))
        {
            record.RouteNamespace = _namespaceNames[i];
            Interlocked.Increment(ref _routeCounters[i].Value);
        }
    }
}
