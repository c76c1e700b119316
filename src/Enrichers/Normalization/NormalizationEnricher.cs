using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Enrichers.Json;
using Enrichers.Timestamps;

namespace Enrichers.Normalization;

/// <summary>Maps the shapes services log in onto the canonical fields before the enrichers run (see
/// <see cref="NormalizationOptions"/> and docs/normalization.md): lifts JSON nested in <c>log</c>/<c>message</c>
/// strings, turns OTLP/JSON typed values into plain JSON, applies the user's renames and drops, then the field
/// rules in order, the shape defaults, moves scalars out of fields the index maps as objects, replaces dots in the
/// keys of label objects, and picks the record's data stream namespace. Shared by all sessions; thread-safe (no
/// state besides the compiled options). Every step is gated by one pass over the top-level names, so a record that
/// is already canonical costs that pass and the level check.</summary>
public sealed class NormalizationEnricher : ILogEnricher
{
    private const int MaxDrops = 8;

    /// <summary>What a conversion returns for a value that means "none" (OTLP's zero time, all-zero trace IDs).</summary>
    private static readonly LogString Nothing = new(string.Empty);

    // Candidate top-level names by a hash of length, first and last char: most properties of a record fall into an
    // empty bucket and cost one array read (a bucket by length alone held three or four names to compare).
    private const int BucketCount = 512;
    private readonly Trigger[]?[] _buckets = new Trigger[]?[BucketCount];
    private readonly int _nameCount;
    private readonly Dictionary<string, int> _nameIds = new(StringComparer.Ordinal);

    /// <summary>The shape counted for records whose fields were lifted out of a JSON string.</summary>
    public const string NestedJsonShape = "nested_json";

    private readonly PathStep[] _nestedJson;
    private readonly int _nestedJsonShape;
    private readonly PathStep[] _otlpValues;
    private readonly (PathStep From, PathStep To)[] _renames;
    private readonly PathStep[] _drops;
    private readonly CompiledRule[] _rules;
    private readonly (int Shape, PathStep Field, string Value)[] _shapeDefaults;
    private readonly (PathStep Field, PathStep ScalarTo)[] _objectFields;
    private readonly PathStep[] _undotted;
    private readonly PathStep? _routeField;
    private readonly Dictionary<string, int> _namespaces = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _namespacesBySpan;
    private readonly string[] _namespaceNames;
    private readonly StrongBox<long>[] _routeCounters;

    private readonly string[] _shapes;
    private readonly StrongBox<long>[] _shapeCounters;
    private readonly LevelVocabulary _levels;
    private readonly int _maxNestedBytes;
    private readonly int _maxNestedDepth;

    public NormalizationEnricher(NormalizationOptions options, EnrichmentStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(statistics);
        _levels = new LevelVocabulary(options.EffectiveLevels);
        _maxNestedBytes = options.MaxNestedJsonBytes;
        _maxNestedDepth = options.MaxNestedJsonDepth;

        var shapes = new List<string>();
        int ShapeIndex(string shape)
        {
            if (string.IsNullOrEmpty(shape))
            {
                return -1;
            }

            var i = shapes.IndexOf(shape);
            if (i < 0)
            {
                shapes.Add(shape);
                i = shapes.Count - 1;
            }

            return i;
        }

        _nestedJsonShape = ShapeIndex(NestedJsonShape);
        _nestedJson = options.EffectiveNestedJsonFields.Select(Step).ToArray();
        _otlpValues = options.EffectiveOtlpValueFields.Select(Step).ToArray();
        _renames = options.Rename.Select(r => (Step(r.From), Step(r.To))).ToArray();
        _drops = options.Drop.Select(Step).ToArray();
        _rules = options.EffectiveRules.Select(r => new CompiledRule(r, Step(r.From), Step(r.To), ShapeIndex(r.Shape),
            r.As == FieldConversion.Exception ? [Step(r.To + ".type"), Step(r.To + ".message"), Step(r.To + ".stack_trace")] : null)).ToArray();
        _shapeDefaults = options.EffectiveShapeDefaults.Select(d => (ShapeIndex(d.Shape), Step(d.Field), d.Value)).ToArray();
        _objectFields = options.EffectiveObjectFields.Select(o => (Step(o.Field), Step(o.ScalarTo))).ToArray();
        _undotted = options.EffectiveUndottedObjects.Select(Step).ToArray();
        _routeField = options.Route.Field is { } routeField ? Step(routeField) : null;
        _namespaceNames = options.Route.Namespaces.Distinct(StringComparer.Ordinal).ToArray();
        for (var i = 0; i < _namespaceNames.Length; i++)
        {
            _namespaces.TryAdd(_namespaceNames[i], i);
        }

        _namespacesBySpan = _namespaces.GetAlternateLookup<ReadOnlySpan<char>>();
        _routeCounters = _namespaceNames.Select(statistics.Routes.Counter).ToArray();

        _shapes = shapes.ToArray();
        if (_shapes.Length > 32)
        {
            throw new EnrichmentConfigurationException($"Enrichment:Normalization:Rules name {_shapes.Length} shapes; allowed: at most 32.");
        }

        _shapeCounters = _shapes.Select(statistics.Normalized.Counter).ToArray();
        _nameCount = _nameIds.Count;
        foreach (var group in _nameIds.GroupBy(kv => Bucket(kv.Key.Length, kv.Key[0], kv.Key[^1])))
        {
            _buckets[group.Key] = group.Select(kv => new Trigger(kv.Key, kv.Value)).ToArray();
        }
    }

    public string Name => "normalization";

    /// <summary>The shapes the rules name, in first-use order (metric labels).</summary>
    public IReadOnlyList<string> Shapes => _shapes;

    public void Enrich(LogRecord record)
    {
        var root = record.Root;
        Span<bool> present = _nameCount <= 512 ? stackalloc bool[_nameCount] : new bool[_nameCount];
        if (!Scan(root, present))
        {
            return;
        }

        var shapes = 0u;
        var lifted = false;
        foreach (var step in _nestedJson)
        {
            lifted |= step.IsPresent(present) && LiftNestedJson(record, step.Path);
        }

        if (lifted)
        {
            shapes |= 1u << _nestedJsonShape;
            present.Clear();
            Scan(root, present);
        }

        foreach (var step in _otlpValues)
        {
            if (step.IsPresent(present) && LogPath.FindSlot(root, step.Path, out var parent, out var index)
                && OtlpValues.Plain(parent![index].Value, record) is { } plain)
            {
                parent[index].Value = plain;
            }
        }

        foreach (var (from, to) in _renames)
        {
            if (from.IsPresent(present) && LogPath.FindSlot(root, from.Path, out var parent, out var index))
            {
                var value = parent![index].Value;
                LogPath.Remove(root, from.Path);
                Set(root, to, value);
                to.Mark(present);
            }
        }

        foreach (var drop in _drops)
        {
            for (var n = 0; n < MaxDrops && drop.IsPresent(present) && LogPath.Remove(root, drop.Path); n++)
            {
            }
        }

        foreach (var rule in _rules)
        {
            if (rule.From.IsPresent(present) && Apply(record, rule, present) && rule.Shape >= 0)
            {
                shapes |= 1u << rule.Shape;
            }
        }

        if (shapes != 0)
        {
            foreach (var (shape, field, value) in _shapeDefaults)
            {
                if (shape >= 0 && (shapes & (1u << shape)) != 0 && LogPath.Find(root, field.Path) is null or { IsEmpty: true })
                {
                    Set(root, field, record.NewReferenceString(value));
                }
            }

            for (var i = 0; i < _shapes.Length; i++)
            {
                if ((shapes & (1u << i)) != 0)
                {
                    Interlocked.Increment(ref _shapeCounters[i].Value);
                }
            }
        }

        foreach (var (field, scalarTo) in _objectFields)
        {
            if (field.IsPresent(present))
            {
                MoveScalar(root, field.Path, scalarTo);
            }
        }

        foreach (var step in _undotted)
        {
            if (step.IsPresent(present) && LogPath.Find(root, step.Path) is LogObject labels)
            {
                Undot(labels);
            }
        }

        if (_routeField is { } route && route.IsPresent(present))
        {
            Route(record, route.Path);
        }
    }

    /// <summary>Marks the names of interest among the top-level properties; false when there is none.</summary>
    private bool Scan(LogObject root, Span<bool> present)
    {
        var any = false;
        var buckets = _buckets;
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

            if (buckets[bucket] is not { } candidates)
            {
                continue;
            }

            foreach (var candidate in candidates)
            {
                if (p.NameEquals(candidate.Name))
                {
                    present[candidate.Id] = true;
                    any = true;
                    break;
                }
            }
        }

        return any;
    }

    private static int Bucket(int length, char first, char last) => (length * 31 + first * 7 + last * 13) & (BucketCount - 1);

    /// <returns>True when the rule recognized the field (its shape counts), whether or not it wrote the target.</returns>
    private bool Apply(LogRecord record, CompiledRule rule, Span<bool> present)
    {
        var root = record.Root;
        if (!LogPath.FindSlot(root, rule.From.Path, out var parent, out var index))
        {
            return false;
        }

        var source = parent![index].Value;
        if (rule.InPlace)
        {
            var converted = Convert(rule.As, source, record);
            if (converted is not null && !ReferenceEquals(converted, source))
            {
                parent[index].Value = converted;
            }

            return converted is not null;
        }

        if (rule.As == FieldConversion.Exception)
        {
            return ApplyException(record, rule, source, present);
        }

        if (LogPath.Find(root, rule.To.Path) is { IsEmpty: false })
        {
            if (rule.Consume == SourceConsumption.Always)
            {
                LogPath.Remove(root, rule.From.Path);
                return true;
            }

            return false;
        }

        if (Convert(rule.As, source, record) is not { } value)
        {
            return false;
        }

        if (ReferenceEquals(value, Nothing))
        {
            // The value says "none" in its format's own way: nothing to write, and nothing worth keeping.
            if (rule.Consume != SourceConsumption.Never)
            {
                LogPath.Remove(root, rule.From.Path);
            }

            return true;
        }

        // The source goes first: it may be where the target's path starts ("error" → "error.message").
        if (rule.Consume != SourceConsumption.Never)
        {
            LogPath.Remove(root, rule.From.Path);
        }

        Set(root, rule.To, value);
        rule.To.Mark(present);
        return true;
    }

    /// <summary>Writes the type, message and stack trace of an exception text under the rule's target object,
    /// each only where the record has none.</summary>
    private static bool ApplyException(LogRecord record, CompiledRule rule, LogNode source, Span<bool> present)
    {
        if (source is not LogString { IsEmpty: false } s)
        {
            return false;
        }

        var root = record.Root;
        var text = s.Value;
        var (type, message) = ExceptionText.Parse(text);
        if (rule.Consume != SourceConsumption.Never)
        {
            LogPath.Remove(root, rule.From.Path);
        }

        SetIfAbsent(record, rule.ExceptionType, type);
        SetIfAbsent(record, rule.ExceptionMessage, message);
        if (LogPath.Find(root, rule.ExceptionStack.Path) is null)
        {
            // The whole text: the frames, and for Python the exception line after them.
            Set(root, rule.ExceptionStack, source);
        }

        rule.To.Mark(present);
        return true;
    }

    private static void SetIfAbsent(LogRecord record, PathStep target, string? value)
    {
        if (!string.IsNullOrEmpty(value) && LogPath.Find(record.Root, target.Path) is null or { IsEmpty: true })
        {
            Set(record.Root, target, record.NewString(value));
        }
    }

    private LogNode? Convert(FieldConversion conversion, LogNode source, LogRecord record) => conversion switch
    {
        FieldConversion.Copy => source,
        FieldConversion.Text => Text(source),
        FieldConversion.Line => Line(source, record),
        FieldConversion.Level => _levels.Normalize(source, record),
        FieldConversion.SeverityNumber => SeverityNumber(source, record),
        FieldConversion.Timestamp => Timestamp(source, record),
        FieldConversion.HexId => HexId(source, record),
        FieldConversion.MessageTemplate => source is LogString { IsEmpty: false } t ? record.NewString(MessageTemplateRenderer.Render(t.Value, record.Root)) : null,
        FieldConversion.Status => Status(source, record),
        _ => null,
    };

    private static LogNode? Text(LogNode source) => source switch
    {
        LogString { IsEmpty: false } s => s,
        LogObject { Count: 1 } any when any[0].NameEquals("stringValue") && any[0].Value is LogString { IsEmpty: false } s => s,
        _ => null,
    };

    private static LogNode? Line(LogNode source, LogRecord record)
    {
        if (Text(source) is not LogString s)
        {
            return null;
        }

        // Unescaped raw text has no line end (a newline in JSON is always escaped).
        if (s.IsRaw && !s.RawHasEscapes)
        {
            return s;
        }

        var value = s.Value;
        var trimmed = value.AsSpan().TrimEnd("\r\n");
        return trimmed.Length == value.Length ? s : trimmed.IsEmpty ? null : record.NewString(trimmed.ToString());
    }

    private LogNode? SeverityNumber(LogNode source, LogRecord record)
    {
        long number;
        switch (source)
        {
            case LogLiteral literal when literal.TryGetInt64(out number):
                break;
            case LogString s when long.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out number):
                break;
            default:
                return null;
        }

        return _levels.FromSeverityNumber(number) is { } level ? record.NewReferenceString(level) : null;
    }

    private static LogNode? Timestamp(LogNode source, LogRecord record)
    {
        switch (source)
        {
            case LogString s when Tracing.IsoTimestamp.TryGetUnixMilliseconds(s, out var ms):
                // Written in one form: Elasticsearch's default date format refuses some that parse here ("2026-11-25 08:30:00").
                return record.NewString(RecordTimestamp.Format(DateTimeOffset.FromUnixTimeMilliseconds(ms)));
            case LogString s when ulong.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var digits):
                return FromEpoch(digits, record);
            case LogLiteral { Kind: LogNodeKind.Number } n when n.TryGetInt64(out var integer) && integer >= 0:
                return FromEpoch((ulong)integer, record);
            case LogLiteral { Kind: LogNodeKind.Number } n when n.TryGetDouble(out var seconds) && seconds is > 0 and < 1e11:
                return record.NewString(RecordTimestamp.Format(DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))));
            default:
                return null;
        }
    }

    /// <summary>An integer epoch by its magnitude: nanoseconds (OTLP), microseconds, milliseconds or seconds. Zero is
    /// OTLP's "unknown".</summary>
    private static LogNode? FromEpoch(ulong value, LogRecord record)
    {
        var ms = value switch
        {
            0 => 0UL,
            >= 100_000_000_000_000_000 => value / 1_000_000,
            >= 100_000_000_000_000 => value / 1_000,
            >= 100_000_000_000 => value,
            _ => value * 1_000,
        };
        return ms == 0 ? Nothing : ms > 253402300799999 ? null : record.NewString(RecordTimestamp.Format(DateTimeOffset.FromUnixTimeMilliseconds((long)ms)));
    }

    private static LogNode? HexId(LogNode source, LogRecord record)
    {
        if (source is not LogString { IsEmpty: false } s)
        {
            return null;
        }

        if (s.IsRaw && !s.RawHasEscapes)
        {
            // The common case decided on the input bytes, without decoding: lowercase hex, not all zeros.
            var raw = s.RawUtf8;
            if (!raw.ContainsAnyExcept("0123456789abcdef"u8) && raw.ContainsAnyExcept((byte)'0'))
            {
                return s;
            }
        }

        var value = s.Value.AsSpan().Trim();
        if (value.IsEmpty)
        {
            return null;
        }

        if (!value.ContainsAnyExcept("0123456789abcdefABCDEF"))
        {
            // OTLP writes an absent ID as zeros (or as an empty string).
            if (!value.ContainsAnyExcept('0'))
            {
                return Nothing;
            }

            if (value.ContainsAnyInRange('A', 'F'))
            {
                return record.NewString(value.ToString().ToLowerInvariant());
            }
        }

        // Not hex: the producer's own ID, kept as sent.
        return value.Length == s.Value.Length ? s : record.NewString(value.ToString());
    }

    private static LogNode? Status(LogNode source, LogRecord record) => source switch
    {
        LogLiteral literal when literal.TryGetInt64(out var n) && n is >= 100 and <= 599 => literal,
        LogString s when int.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 100 and <= 599 => record.NewNumber(n),
        _ => null,
    };

    /// <summary>Replaces a top-level string field that is one whole JSON object by that object's fields. Bounded by
    /// size and depth; linear in the string's length.</summary>
    private bool LiftNestedJson(LogRecord record, string field)
    {
        var root = record.Root;
        var i = root.IndexOf(field);
        if (i < 0 || root[i].Value is not LogString s)
        {
            return false;
        }

        // Rule most strings out on their raw bytes before decoding: a JSON object starts with '{' (escapes start
        // with a backslash, so an escaped first char is no '{').
        if (s.IsRaw)
        {
            var raw = s.RawUtf8.TrimStart(" \t"u8);
            if (raw.IsEmpty || raw[0] != (byte)'{' || s.RawUtf8.Length > 6 * _maxNestedBytes)
            {
                return false;
            }
        }

        var text = s.Value.AsSpan().Trim();
        if (text.Length < 2 || text[0] != '{' || text[^1] != '}')
        {
            return false;
        }

        var byteCount = Encoding.UTF8.GetByteCount(text);
        if (byteCount > _maxNestedBytes)
        {
            return false;
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

        if (LogRecordParser.TryParseObject(bytes, _maxNestedDepth, record.Pool) is not { } inner)
        {
            return false;
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

        return true;
    }

    private static void MoveScalar(LogObject root, string field, PathStep scalarTo)
    {
        if (!LogPath.FindSlot(root, field, out var parent, out var index))
        {
            return;
        }

        var value = parent![index].Value;
        if (value is LogObject || value.Kind == LogNodeKind.Null || (value is LogArray array && OnlyObjects(array)))
        {
            return;
        }

        LogPath.Remove(root, field);
        Set(root, scalarTo, value);
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

    private static void Undot(LogObject labels)
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

    private void Route(LogRecord record, string field)
    {
        if (LogPath.Find(record.Root, field) is not LogString { IsEmpty: false } s)
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

    /// <summary>Sets the value at <paramref name="target"/>: in place where the path exists (nested or dotted), else as
    /// nested objects from the path's segments (as <see cref="LogPath.Set(LogObject, string, LogNode)"/>, without
    /// making a string per record). Where a segment holds a scalar, the rest is written as a dotted key.</summary>
    private static void Set(LogObject root, PathStep target, LogNode value)
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

    /// <summary>A path the stage reads or writes, with the ids of the top-level names it can start with.</summary>
    private PathStep Step(string path)
    {
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

    private readonly record struct Trigger(string Name, int Id);

    private sealed class PathStep(string path, int[] ids)
    {
        public string Path { get; } = path;

        /// <summary>The path's names, split once: writing a path must not make strings per record.</summary>
        public string[] Segments { get; } = path.Split('.');

        public bool IsPresent(ReadOnlySpan<bool> present)
        {
            foreach (var id in ids)
            {
                if (present[id])
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The stage wrote this path: later steps that read it must look.</summary>
        public void Mark(Span<bool> present) => present[ids[0]] = true;
    }

    private sealed class CompiledRule(FieldRule rule, PathStep from, PathStep to, int shape, PathStep[]? exceptionParts)
    {
        public PathStep From { get; } = from;

        public PathStep To { get; } = to;

        public int Shape { get; } = shape;

        public FieldConversion As { get; } = rule.As;

        public SourceConsumption Consume { get; } = rule.Consume;

        public bool InPlace { get; } = string.Equals(rule.From, rule.To, StringComparison.Ordinal);

        /// <summary>Where <see cref="FieldConversion.Exception"/> writes the type, message and stack trace.</summary>
        public PathStep ExceptionType => exceptionParts![0];

        public PathStep ExceptionMessage => exceptionParts![1];

        public PathStep ExceptionStack => exceptionParts![2];
    }
}
