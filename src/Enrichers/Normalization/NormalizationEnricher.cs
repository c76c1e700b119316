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

    // The summary bits each list of steps can start at, and each rule's own, in arrays of their own: a record that is
    // already canonical (every record of most services) has one or two of the stage's names, and ruling a list or a
    // rule out on one AND of these, instead of reaching each step's object for its mask, is what keeps the stage's
    // cost on such a record near that of the name scan.
    private readonly ulong _nestedJsonMask;
    private readonly ulong _otlpValuesMask;
    private readonly ulong _renamesMask;
    private readonly ulong _dropsMask;
    private readonly ulong[] _ruleMasks;
    private readonly ulong _objectFieldsMask;
    private readonly ulong _undottedMask;

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
        _nestedJsonMask = Union(_nestedJson);
        _otlpValuesMask = Union(_otlpValues);
        _renamesMask = Union(_renames.Select(r => r.From));
        _dropsMask = Union(_drops);
        _ruleMasks = _rules.Select(r => r.From.Mask).ToArray();
        _objectFieldsMask = Union(_objectFields.Select(o => o.Field));
        _undottedMask = Union(_undotted);

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

    public void Enrich(LogRecord record)
    {
        var root = record.Root;
        var nameCount = _names.Count;
        var present = new PresentNames(nameCount <= 512 ? stackalloc bool[nameCount] : new bool[nameCount]);
        if (!_names.Scan(root, ref present))
        {
            return;
        }

        var shapes = 0u;
        if (present.Intersects(_nestedJsonMask))
        {
            var lifted = false;
            foreach (var step in _nestedJson)
            {
                lifted |= present.Has(step) && _lifter.Lift(record, step.Path);
            }

            if (lifted)
            {
                shapes |= 1u << _nestedJsonShape;
                present.Clear();
                _names.Scan(root, ref present);
            }
        }

        if (present.Intersects(_otlpValuesMask))
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

        if (present.Intersects(_renamesMask))
        {
            foreach (var (from, to) in _renames)
            {
                if (present.Has(from) && LogPath.FindSlot(root, from.Path, out var parent, out var index))
                {
                    var value = parent![index].Value;
                    LogPath.Remove(root, from.Path);
                    PathWriter.Set(root, to, value);
                    to.Mark(ref present);
                    Interlocked.Increment(ref _renamed.Value);
                }
            }
        }

        if (present.Intersects(_dropsMask))
        {
            foreach (var drop in _drops)
            {
                for (var n = 0; n < MaxDrops && present.Has(drop) && LogPath.Remove(root, drop.Path); n++)
                {
                    Interlocked.Increment(ref _dropped.Value);
                }
            }
        }

        var ruleMasks = _ruleMasks;
        for (var r = 0; r < ruleMasks.Length; r++)
        {
            // A rule that applies marks its target, so the summary is read afresh for each rule.
            if (present.Intersects(ruleMasks[r]) && _rules[r] is var rule && present.Has(rule.From)
                && rule.Apply(record, _converter, ref present) && rule.Shape >= 0)
            {
                shapes |= 1u << rule.Shape;
            }
        }

        if (shapes != 0)
        {
            ApplyShapeDefaults(record, shapes);
            if (_clefShape >= 0 && (shapes & (1u << _clefShape)) != 0)
            {
                ClefProperties.Finish(root);
            }
        }

        if (present.Intersects(_objectFieldsMask))
        {
            foreach (var (field, scalarTo) in _objectFields)
            {
                if (present.Has(field) && MappingShapes.MoveScalar(root, field.Path, scalarTo))
                {
                    Interlocked.Increment(ref _scalarsMoved.Value);
                }
            }
        }

        if (present.Intersects(_undottedMask))
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

    private static ulong Union(IEnumerable<PathStep> steps) => steps.Aggregate(0UL, (mask, step) => mask | step.Mask);

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
