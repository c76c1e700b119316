using System.Runtime.CompilerServices;
using Enrichers.Json;

namespace Enrichers.Normalization;

/// <summary>Maps the shapes services log in onto the canonical fields before the enrichers run (see
/// <see cref="NormalizationOptions"/> and docs/normalization.md): lifts JSON nested in <c>log</c>/<c>message</c>
/// strings, turns OTLP/JSON typed values into plain JSON, applies the user's renames and drops, then the field
/// rules in order, the shape defaults, moves scalars out of fields the index maps as objects, replaces dots in the
/// keys of label objects, and picks the record's data stream namespace. Shared by all sessions; thread-safe (no
/// state besides the compiled options). Every step is gated by one pass over the top-level names
/// (<see cref="TopLevelNameIndex"/>), so a record that is already canonical costs that pass and the level check.</summary>
public sealed class NormalizationEnricher : ILogEnricher
{
    private const int MaxDrops = 8;

    /// <summary>The shape of Serilog's CLEF events, which get <see cref="ClefProperties.Finish"/> after the rules.</summary>
    public const string ClefShape = "clef";

    /// <summary>The shape counted for records whose fields were lifted out of a JSON string.</summary>
    public const string NestedJsonShape = "nested_json";

    private readonly TopLevelNameIndex _names = new();
    private readonly PathStep[] _nestedJson;
    private readonly int _nestedJsonShape;
    private readonly int _clefShape;
    private readonly PathStep[] _otlpValues;
    private readonly (PathStep From, PathStep To)[] _renames;
    private readonly PathStep[] _drops;
    private readonly CompiledRule[] _rules;
    private readonly (int Shape, PathStep Field, string Value)[] _shapeDefaults;
    private readonly (PathStep Field, PathStep ScalarTo)[] _objectFields;
    private readonly PathStep[] _undotted;
    private readonly NamespaceRouter? _router;

    // The names each list of steps can start at: a record that is already canonical (every record of most services)
    // has a few of the stage's names, and ruling a whole list out on one AND keeps the stage's cost on such a record
    // near that of the name scan.
    private readonly NameSet _nestedJsonNames;
    private readonly NameSet _otlpValuesNames;
    private readonly NameSet _renamesNames;
    private readonly NameSet _dropsNames;
    private readonly NameSet _objectFieldsNames;
    private readonly NameSet _undottedNames;

    // The rules each name can start, as bits (rule index) in rows of _ruleWords words, one row per name id: the rules
    // worth trying on a record are the union of its names' rows, found with one OR per name present, where testing
    // each of the ~50 rules against the record's names cost more than the few that apply.
    private readonly ulong[] _rulesByName;
    private readonly int _ruleWords;
    private readonly int _nameWords;

    private readonly string[] _shapes;
    private readonly StrongBox<long>[] _shapeCounters;
    private readonly ValueConverter _converter;
    private readonly NestedJsonLifter _lifter;
    private readonly StrongBox<long> _renamed;
    private readonly StrongBox<long> _dropped;
    private readonly StrongBox<long> _scalarsMoved;

    public NormalizationEnricher(NormalizationOptions options, EnrichmentStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(statistics);
        _converter = new ValueConverter(new LevelVocabulary(options.EffectiveLevels));
        _lifter = new NestedJsonLifter(options.MaxNestedJsonBytes, options.MaxNestedJsonDepth,
            statistics.NestedJson.Counter(EnrichmentStatistics.NestedJsonParsed), statistics.NestedJson.Counter(EnrichmentStatistics.NestedJsonRefused));
        _renamed = statistics.NormalizedFields.Counter(EnrichmentStatistics.FieldRenamed);
        _dropped = statistics.NormalizedFields.Counter(EnrichmentStatistics.FieldDropped);
        _scalarsMoved = statistics.NormalizedFields.Counter(EnrichmentStatistics.FieldScalarMoved);
        var mapped = statistics.NormalizedFields.Counter(EnrichmentStatistics.FieldMapped);

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

        var step = _names.Step;
        _nestedJsonShape = ShapeIndex(NestedJsonShape);
        _nestedJson = options.EffectiveNestedJsonFields.Select(step).ToArray();
        _otlpValues = options.EffectiveOtlpValueFields.Select(step).ToArray();
        _renames = options.Rename.Select(r => (step(r.From), step(r.To))).ToArray();
        _drops = options.Drop.Select(step).ToArray();
        _rules = options.EffectiveRules.Select(r => new CompiledRule(r, step(r.From), step(r.To), ShapeIndex(r.Shape),
            r.As == FieldConversion.Exception ? [step(r.To + ".type"), step(r.To + ".message"), step(r.To + ".stack_trace")] : null, mapped)).ToArray();
        _shapeDefaults = options.EffectiveShapeDefaults.Select(d => (ShapeIndex(d.Shape), step(d.Field), d.Value)).ToArray();
        _objectFields = options.EffectiveObjectFields.Select(o => (step(o.Field), step(o.ScalarTo))).ToArray();
        _undotted = options.EffectiveUndottedObjects.Select(step).ToArray();
        _router = options.Route.Field is { } routeField ? new NamespaceRouter(step(routeField), options.Route.Namespaces, statistics) : null;
        _names.Seal();
        _nameWords = PresentNames.WordCount(_names.Count);
        _nestedJsonNames = Union(_nestedJson);
        _otlpValuesNames = Union(_otlpValues);
        _renamesNames = Union(_renames.Select(r => r.From));
        _dropsNames = Union(_drops);
        _objectFieldsNames = Union(_objectFields.Select(o => o.Field));
        _undottedNames = Union(_undotted);
        _ruleWords = Math.Max(1, (_rules.Length + 63) >> 6);
        _rulesByName = new ulong[_names.Count * _ruleWords];
        for (var r = 0; r < _rules.Length; r++)
        {
            foreach (var id in _rules[r].From.Names.Ids)
            {
                _rulesByName[(id * _ruleWords) + (r >> 6)] |= 1UL << r;
            }
        }

        _clefShape = shapes.IndexOf(ClefShape);
        _shapes = shapes.ToArray();
        if (_shapes.Length > 32)
        {
            throw new EnrichmentConfigurationException($"Enrichment:Normalization:Rules name {_shapes.Length} shapes; allowed: at most 32.");
        }

        _shapeCounters = _shapes.Select(statistics.Normalized.Counter).ToArray();
    }

    public string Name => "normalization";

    /// <summary>The shapes the rules name, in first-use order (metric labels).</summary>
    public IReadOnlyList<string> Shapes => _shapes;

    [SkipLocalsInit]
    public void Enrich(LogRecord record)
    {
        var root = record.Root;
        var nameWords = _nameWords;
        var nameCount = _names.Count;

        // The slots need no clearing (an entry is read only for a name the scan found); the bits start at zero.
        var words = nameWords <= 16 ? stackalloc ulong[nameWords] : new ulong[nameWords];
        words.Clear();
        var present = new PresentNames(words, nameCount <= 256 ? stackalloc int[nameCount] : new int[nameCount]);
        if (!_names.Scan(root, ref present))
        {
            return;
        }

        var shapes = 0u;
        if (present.Has(_nestedJsonNames))
        {
            var lifted = false;
            foreach (var step in _nestedJson)
            {
                lifted |= present.Has(step) && _lifter.Lift(record, step.Path, lifted ? -1 : present.SlotOf(step));
            }

            if (lifted)
            {
                shapes |= 1u << _nestedJsonShape;
                present.Clear();
                _names.Scan(root, ref present);
            }
        }

        if (present.Has(_otlpValuesNames))
        {
            foreach (var step in _otlpValues)
            {
                if (present.Has(step) && LogPath.FindSlot(root, step.Path, out var parent, out var index)
                    && OtlpValues.Plain(parent![index].Value, record) is { } plain)
                {
                    parent[index].Value = plain;
                }
            }
        }

        if (present.Has(_renamesNames))
        {
            foreach (var (from, to) in _renames)
            {
                if (present.Has(from) && LogPath.FindSlot(root, from.Path, out var parent, out var index))
                {
                    var value = parent![index].Value;
                    LogPath.Remove(root, from.Path);
                    present.RootChanged();
                    PathWriter.Set(root, to, value);
                    to.Mark(ref present);
                    Interlocked.Increment(ref _renamed.Value);
                }
            }
        }

        if (present.Has(_dropsNames))
        {
            foreach (var drop in _drops)
            {
                for (var n = 0; n < MaxDrops && present.Has(drop) && LogPath.Remove(root, drop.Path); n++)
                {
                    present.RootChanged();
                    Interlocked.Increment(ref _dropped.Value);
                }
            }
        }

        shapes |= ApplyRules(record, ref present);
        if (shapes != 0)
        {
            ApplyShapeDefaults(record, shapes);
            if (_clefShape >= 0 && (shapes & (1u << _clefShape)) != 0)
            {
                ClefProperties.Finish(root);
            }
        }

        if (present.Has(_objectFieldsNames))
        {
            foreach (var (field, scalarTo) in _objectFields)
            {
                if (present.Has(field) && MappingShapes.MoveScalar(root, field.Path, scalarTo))
                {
                    Interlocked.Increment(ref _scalarsMoved.Value);
                }
            }
        }

        if (present.Has(_undottedNames))
        {
            foreach (var step in _undotted)
            {
                if (present.Has(step) && LogPath.Find(root, step.Path) is LogObject labels)
                {
                    MappingShapes.Undot(labels);
                }
            }
        }

        if (_router is { } router && present.Has(router.Field))
        {
            router.Route(record);
        }
    }

    private static NameSet Union(IEnumerable<PathStep> steps) => NameSet.Union(steps.Select(step => step.Names));

    /// <summary>Applies, in order, the rules whose source can start at a name the record has (or at a name an earlier
    /// rule wrote); returns the bits of the shapes they recognized.</summary>
    private uint ApplyRules(LogRecord record, ref PresentNames present)
    {
        var ruleWords = _ruleWords;
        var candidates = ruleWords <= 16 ? stackalloc ulong[ruleWords] : new ulong[ruleWords];
        var names = present.Words;
        var rulesByName = _rulesByName;
        for (var w = 0; w < names.Length; w++)
        {
            for (var bits = names[w]; bits != 0; bits &= bits - 1)
            {
                var row = ((w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits)) * ruleWords;
                for (var k = 0; k < candidates.Length; k++)
                {
                    candidates[k] |= rulesByName[row + k];
                }
            }
        }

        var shapes = 0u;
        for (var w = 0; w < ruleWords; w++)
        {
            // Lowest first: the rules' order is the order they are applied in.
            while (candidates[w] != 0)
            {
                var r = (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(candidates[w]);
                candidates[w] &= candidates[w] - 1;
                var rule = _rules[r];
                var target = rule.To.FirstId;
                var had = present.Contains(target);
                if (rule.Apply(record, _converter, ref present))
                {
                    if (!rule.InPlace)
                    {
                        // It may have removed its source or written its target: the root's places may have moved.
                        present.RootChanged();
                    }

                    if (rule.Shape >= 0)
                    {
                        shapes |= 1u << rule.Shape;
                    }
                }

                if (!had && present.Contains(target))
                {
                    // The rule wrote a name the record lacked: the later rules that read it are now worth trying.
                    AddRules(candidates, target, r);
                }
            }
        }

        return shapes;
    }

    /// <summary>Adds the rules after rule <paramref name="after"/> that name <paramref name="id"/> can start (a name a rule
    /// wrote: rare, the rules of the record's own names are added in one pass).</summary>
    private void AddRules(Span<ulong> candidates, int id, int after)
    {
        var row = _rulesByName.AsSpan(id * _ruleWords, _ruleWords);
        var first = (after + 1) >> 6;
        for (var w = first; w < row.Length; w++)
        {
            candidates[w] |= w == first ? row[w] & (ulong.MaxValue << ((after + 1) & 63)) : row[w];
        }
    }

    /// <summary>Writes the values the recognized <paramref name="shapes"/> imply, and counts the shapes.</summary>
    private void ApplyShapeDefaults(LogRecord record, uint shapes)
    {
        foreach (var (shape, field, value) in _shapeDefaults)
        {
            if (shape >= 0 && (shapes & (1u << shape)) != 0 && LogPath.Find(record.Root, field.Path) is null or { IsEmpty: true })
            {
                PathWriter.Set(record.Root, field, record.NewReferenceString(value));
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
}
