using System.Globalization;

namespace LogPipeline.Demo.Generator;

/// <summary>A deterministic (seeded) generator of realistic SMM platform logs: the five services of the
/// seed, trace IDs in every supported format, client addresses (public, private, lists, MaxMind test
/// addresses), errors of every category, PII and credentials in messages and nested fields, and optional
/// poison lines. <see cref="Counts"/> states what was produced, so a run over the lines can prove that
/// nothing was lost. Not thread-safe.</summary>
/// <remarks>A record is composed here; its parts are written by <see cref="ServiceFields"/>,
/// <see cref="ErrorFields"/> and <see cref="TraceFields"/>, poison by <see cref="PoisonLines"/>, all drawing from one
/// <see cref="RandomValues"/> in the order the line is written.</remarks>
public sealed class SmmLogGenerator
{
    public static IReadOnlyList<string> ServiceNames { get; } =
        ["model-router", "canary-controller", "mcp-gateway", "audit-service", "workspace-api"];

    /// <summary>Poison kinds, named by the parser rejection code each must get.</summary>
    public static IReadOnlyList<string> PoisonKinds { get; } =
        ["invalid_json", "not_an_object", "invalid_utf8", "too_large", "too_deep", "empty"];

    private readonly SmmLogGeneratorOptions _options;
    private readonly RandomValues _random;
    private readonly JsonTextBuilder _json = new();
    private readonly TraceFields _traces;
    private readonly ServiceFields _serviceFields;
    private readonly ErrorFields _errorFields;
    private readonly PoisonLines _poison;
    private DateTimeOffset _clock;

    public SmmLogGenerator(SmmLogGeneratorOptions? options = null)
    {
        _options = options ?? new SmmLogGeneratorOptions();
        _random = new RandomValues(_options.Seed);
        _clock = _options.Start;
        _traces = new TraceFields(_random, _json, _options.TraceRate);
        _serviceFields = new ServiceFields(_random, _json);
        _errorFields = new ErrorFields(_random, _json);
        _poison = new PoisonLines(_random, _options);
    }

    /// <summary>What has been generated so far.</summary>
    public SmmLogCounts Counts { get; } = new();

    /// <summary>The next line.</summary>
    public SmmLogLine Next()
    {
        var line = _random.NextDouble() < _options.PoisonRate ? _poison.Next(FormatTimestamp(_clock)) : NextRecord();
        Counts.Add(line);
        return line;
    }

    public IEnumerable<SmmLogLine> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next();
        }
    }

    /// <summary>Writes <paramref name="count"/> lines as NDJSON (each ends with <c>\n</c>).</summary>
    public void WriteNdjson(Stream output, int count)
    {
        foreach (var line in Generate(count))
        {
            output.Write(line.Utf8);
            output.WriteByte((byte)'\n');
        }
    }

    private SmmLogLine NextRecord()
    {
        _clock = _clock.AddMilliseconds(_random.Next(0, 25));
        var service = _random.Of(ServiceNames);
        var trace = _traces.Pick();
        var timestamp = _clock;
        if (trace is not null && _random.Next(10) == 0)
        {
            // Clocks of services disagree a little: some records arrive with an earlier timestamp.
            timestamp = timestamp.AddMilliseconds(-_random.Next(1, 80));
        }

        var category = _random.NextDouble() < _options.ErrorRate ? _random.Of(SmmVocabulary.Categories) : null;
        var ws = "ws_" + _random.Hex(10);
        var tenant = "tn_" + _random.Hex(8);

        _json.BeginLine();
        if (_random.Next(3) == 0)
        {
            _json.Str("service_name", service);
            _json.Str("@timestamp", FormatTimestamp(timestamp));
        }
        else
        {
            _json.Str("@timestamp", FormatTimestamp(timestamp));
            _json.Str("service_name", service);
        }

        string? expected = null;
        if (category is null)
        {
            _serviceFields.WriteMessage(service, ws, tenant);
        }
        else
        {
            expected = _errorFields.Write(category, ws, tenant);
        }

        _json.Str("workspace_id", ws);
        _json.Str("tenant_id", tenant);
        var usedRequest = trace is not null && _traces.Write(trace);
        _serviceFields.WriteFields(service, ws, category is not null, usedRequest);
        _json.End();
        return new SmmLogLine(_json.ToUtf8(), service, null, expected, trace?.Id);
    }

    private static string FormatTimestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
