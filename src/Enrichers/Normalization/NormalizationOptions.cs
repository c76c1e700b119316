using System.Text.RegularExpressions;

namespace Enrichers.Normalization;

/// <summary>Options of the normalization stage (section <c>Enrichment:Normalization</c>), which maps the shapes
/// services log in (ECS, Serilog CLEF, OpenTelemetry, Docker json-file under Kubernetes) onto the canonical fields
/// before enrichment. Every list is data: null (the default) means the built-in list, a configured list replaces
/// it (copy the defaults from docs/normalization.md to extend them).</summary>
public sealed partial class NormalizationOptions
{
    /// <summary>Runs the stage. Default true; false leaves every record as the producer wrote it (renames, drops
    /// and routing are off too).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Field rules in order. Null: <see cref="DefaultRules"/>.</summary>
    public List<FieldRule>? Rules { get; set; }

    /// <summary>The level vocabulary: canonical level → the names producers use for it (matched ignoring case).
    /// Null: <see cref="DefaultLevels"/>. A name in no list is lowercased.</summary>
    public Dictionary<string, string[]>? Levels { get; set; }

    /// <summary>Fields the index maps as objects, with where a scalar found there goes. Null: <see cref="DefaultObjectFields"/>.</summary>
    public List<ObjectFieldRule>? ObjectFields { get; set; }

    /// <summary>Values implied by a shape. Null: <see cref="DefaultShapeDefaults"/>.</summary>
    public List<ShapeDefault>? ShapeDefaults { get; set; }

    /// <summary>Top-level fields whose string value, when it is one whole JSON object, is parsed and its fields
    /// lifted to the top level (the inner value wins over an outer field of the same name; the string is removed).
    /// Each is parsed at most once per record, and a lifted field is not parsed again. Default <c>log</c>, <c>message</c>.</summary>
    public List<string>? NestedJsonFields { get; set; }

    /// <summary>Largest string parsed as nested JSON, in bytes. Default 65536; longer strings stay text.</summary>
    public int MaxNestedJsonBytes { get; set; } = 64 * 1024;

    /// <summary>Deepest nesting accepted inside a nested JSON string. Default 16; deeper strings stay text.</summary>
    public int MaxNestedJsonDepth { get; set; } = 16;

    /// <summary>Fields converted from OTLP/JSON's typed values when they are a <c>KeyValue</c> list or an
    /// <c>AnyValue</c> (see docs/normalization.md), before the rules read them. Null: <c>attributes</c>,
    /// <c>resource.attributes</c>, <c>scope.attributes</c>, <c>body</c>.</summary>
    public List<string>? OtlpValueFields { get; set; }

    /// <summary>Objects whose keys have their dots replaced by <c>_</c>, as Fluent Bit's <c>Replace_Dots</c> does:
    /// Elasticsearch expands dots into objects, so the Kubernetes labels <c>app</c> and <c>app.kubernetes.io/name</c>
    /// would make <c>app</c> both a string and an object. Null: <see cref="DefaultUndottedObjects"/>.</summary>
    public List<string>? UndottedObjects { get; set; }

    /// <summary>User renames, run first (after nested JSON is lifted). Default none.</summary>
    public List<RenameRule> Rename { get; set; } = [];

    /// <summary>Fields removed (dotted paths), after the renames. Default none.</summary>
    public List<string> Drop { get; set; } = [];

    /// <summary>Routing to data stream namespaces. Default: off.</summary>
    public RouteOptions Route { get; set; } = new();

    public IReadOnlyList<FieldRule> EffectiveRules => Rules ?? DefaultRules;

    public IReadOnlyDictionary<string, string[]> EffectiveLevels => Levels ?? DefaultLevels;

    public IReadOnlyList<ObjectFieldRule> EffectiveObjectFields => ObjectFields ?? DefaultObjectFields;

    public IReadOnlyList<ShapeDefault> EffectiveShapeDefaults => ShapeDefaults ?? DefaultShapeDefaults;

    public IReadOnlyList<string> EffectiveNestedJsonFields => NestedJsonFields ?? ["log", "message"];

    public IReadOnlyList<string> EffectiveOtlpValueFields => OtlpValueFields ?? ["attributes", "resource.attributes", "scope.attributes", "body"];

    public IReadOnlyList<string> EffectiveUndottedObjects => UndottedObjects ?? DefaultUndottedObjects;

    /// <summary>The built-in rules: the canonical <c>level</c> first (lowercased in place), then per shape. Sources
    /// are from the formats' specifications: ECS field reference, Serilog CLEF, the OpenTelemetry log data model
    /// (flat JSON and OTLP/JSON names), Docker json-file and the Kubernetes metadata of Fluent Bit and Vector.</summary>
    public static IReadOnlyList<FieldRule> DefaultRules { get; } =
    [
        new("", FieldNames.Level, FieldNames.Level, FieldConversion.Level),

        // ECS (nested or dotted). log.level, service.name, trace.id and span.id are aliases in the mapping.
        new("ecs", "log.level", FieldNames.Level, FieldConversion.Level),
        new("ecs", "service.name", FieldNames.ServiceName, FieldConversion.Text),
        new("ecs", "trace.id", FieldNames.TraceId, FieldConversion.HexId),
        new("ecs", "span.id", FieldNames.SpanId, FieldConversion.HexId),

        // Serilog CLEF (@@ escapes a user property called @…, which is left as it is).
        new("clef", "@t", FieldNames.Timestamp, FieldConversion.Timestamp),
        new("clef", "@m", FieldNames.Message, FieldConversion.Text),
        new("clef", "@mt", FieldNames.Message, FieldConversion.MessageTemplate, SourceConsumption.Never),
        new("clef", "@mt", "message_template", FieldConversion.Text),
        new("clef", "@l", FieldNames.Level, FieldConversion.Level),
        new("clef", "@x", FieldNames.Error, FieldConversion.Exception),
        new("clef", "@tr", FieldNames.TraceId, FieldConversion.HexId),
        new("clef", "@sp", FieldNames.SpanId, FieldConversion.HexId),
        new("clef", "StatusCode", FieldNames.HttpResponseStatusCode, FieldConversion.Status),

        // OpenTelemetry log records: flat JSON (snake_case) and OTLP/JSON (lowerCamelCase).
        new("otel", "severity_text", FieldNames.Level, FieldConversion.Level),
        new("otel", "severityText", FieldNames.Level, FieldConversion.Level),
        new("otel", "severity_number", FieldNames.Level, FieldConversion.SeverityNumber),
        new("otel", "severityNumber", FieldNames.Level, FieldConversion.SeverityNumber),
        new("otel", "body", FieldNames.Message, FieldConversion.Text, SourceConsumption.WhenUsed),
        new("otel", "time_unix_nano", FieldNames.Timestamp, FieldConversion.Timestamp),
        new("otel", "timeUnixNano", FieldNames.Timestamp, FieldConversion.Timestamp),
        new("otel", "observed_time_unix_nano", FieldNames.Timestamp, FieldConversion.Timestamp, SourceConsumption.WhenUsed),
        new("otel", "observedTimeUnixNano", FieldNames.Timestamp, FieldConversion.Timestamp, SourceConsumption.WhenUsed),
        new("otel", "traceId", FieldNames.TraceId, FieldConversion.HexId),
        new("otel", "spanId", FieldNames.SpanId, FieldConversion.HexId),
        new("otel", "resource.service.name", FieldNames.ServiceName, FieldConversion.Text),
        new("otel", "resource.attributes.service.name", FieldNames.ServiceName, FieldConversion.Text),
        new("otel", "attributes.exception.type", FieldNames.ErrorDotType, FieldConversion.Text),
        new("otel", "attributes.exception.message", FieldNames.ErrorDotMessage, FieldConversion.Text),
        new("otel", "attributes.exception.stacktrace", ErrorStackTrace, FieldConversion.Text),
        new("otel", "attributes.http.response.status_code", FieldNames.HttpResponseStatusCode, FieldConversion.Status),
        new("otel", "attributes.http.status_code", FieldNames.HttpResponseStatusCode, FieldConversion.Status),

        // Exception and error fields of the platform's own services and OpenTelemetry's semantic conventions.
        new("", "exception.type", FieldNames.ErrorDotType, FieldConversion.Text),
        new("", "exception.message", FieldNames.ErrorDotMessage, FieldConversion.Text),
        new("", "exception.stacktrace", ErrorStackTrace, FieldConversion.Text),
        new("", "exception.stack_trace", ErrorStackTrace, FieldConversion.Text),
        new("", FieldNames.ErrorType, FieldNames.ErrorDotType, FieldConversion.Text),
        new("", FieldNames.ErrorMessage, FieldNames.ErrorDotMessage, FieldConversion.Text),
        new("", FieldNames.Error, FieldNames.ErrorDotMessage, FieldConversion.Text, SourceConsumption.WhenUsed),
        new("", "service", FieldNames.ServiceName, FieldConversion.Text, SourceConsumption.WhenUsed),
        new("", "msg", FieldNames.Message, FieldConversion.Text, SourceConsumption.WhenUsed),

        // Docker json-file (a "log" that was JSON has been lifted already; what is left is the text line).
        new("docker", "log", FieldNames.Message, FieldConversion.Line, SourceConsumption.WhenUsed),
        new("docker", "time", FieldNames.Timestamp, FieldConversion.Timestamp, SourceConsumption.WhenUsed),

        // Kubernetes metadata (Fluent Bit's kubernetes filter, Vector's kubernetes_logs): the service when the
        // record names none. Kept as it is.
        new("kubernetes", "kubernetes.labels.app.kubernetes.io/name", FieldNames.ServiceName, FieldConversion.Text, SourceConsumption.Never),
        new("kubernetes", "kubernetes.labels.app", FieldNames.ServiceName, FieldConversion.Text, SourceConsumption.Never),
        new("kubernetes", "kubernetes.pod_labels.app.kubernetes.io/name", FieldNames.ServiceName, FieldConversion.Text, SourceConsumption.Never),
        new("kubernetes", "kubernetes.pod_labels.app", FieldNames.ServiceName, FieldConversion.Text, SourceConsumption.Never),
        new("kubernetes", "kubernetes.container_name", FieldNames.ServiceName, FieldConversion.Text, SourceConsumption.Never),
    ];

    /// <summary>The ECS field of an error's stack trace.</summary>
    internal const string ErrorStackTrace = "error.stack_trace";

    /// <summary>The built-in level vocabulary (syslog, Serilog, .NET, log4j/JUL, Go, pino names).</summary>
    public static IReadOnlyDictionary<string, string[]> DefaultLevels { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["trace"] = ["trace", "verbose", "vrb", "trc", "finest", "finer"],
        ["debug"] = ["debug", "dbg", "fine", "config"],
        ["info"] = ["info", "information", "informational", "inf", "notice"],
        ["warn"] = ["warn", "warning", "wrn"],
        ["error"] = ["error", "err", "eror", "severe"],
        ["fatal"] = ["fatal", "ftl", "critical", "crit", "alert", "emerg", "emergency", "panic"],
    };

    /// <summary>The object fields of index-templates/component/smm-logs-mappings.json (a test keeps the two in step).</summary>
    public static IReadOnlyList<ObjectFieldRule> DefaultObjectFields { get; } =
    [
        new("log", "log_text"),
        new("client", "client_text"),
        new("client.geo", "client_geo_text"),
        new("client.as", "client_as_text"),
        new("client.as.organization", "client_as_organization_text"),
        new("error", "error_text"),
        new("service", "service_text"),
        new("trace", "trace_text"),
        new("span", "span_text"),
        new("kafka", "kafka_text"),
    ];

    public static IReadOnlyList<ShapeDefault> DefaultShapeDefaults { get; } = [new("clef", FieldNames.Level, "info")];

    public static IReadOnlyList<string> DefaultUndottedObjects { get; } =
        ["kubernetes.labels", "kubernetes.annotations", "kubernetes.pod_labels", "kubernetes.pod_annotations"];

    /// <summary>Every problem with these options, each naming the key (under <paramref name="prefix"/>), the value
    /// and what is allowed.</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        if (MaxNestedJsonBytes is < 2 or > 1024 * 1024)
        {
            yield return $"{prefix}:MaxNestedJsonBytes is {MaxNestedJsonBytes}; allowed: 2 to 1048576 bytes.";
        }

        if (MaxNestedJsonDepth is < 1 or > 64)
        {
            yield return $"{prefix}:MaxNestedJsonDepth is {MaxNestedJsonDepth}; allowed: 1 to 64.";
        }

        var problems = CheckPaths($"{prefix}:Rules", EffectiveRules, ("From", r => r.From), ("To", r => r.To))
            .Concat(CheckPaths($"{prefix}:ObjectFields", EffectiveObjectFields, ("Field", o => o.Field), ("ScalarTo", o => o.ScalarTo)))
            .Concat(CheckPaths($"{prefix}:ShapeDefaults", EffectiveShapeDefaults, ("Field", d => d.Field)))
            .Concat(CheckPaths($"{prefix}:NestedJsonFields", EffectiveNestedJsonFields))
            .Concat(CheckPaths($"{prefix}:OtlpValueFields", EffectiveOtlpValueFields))
            .Concat(CheckPaths($"{prefix}:UndottedObjects", EffectiveUndottedObjects))
            .Concat(CheckPaths($"{prefix}:Drop", Drop))
            .Concat(CheckPaths($"{prefix}:Rename", Rename, ("From", r => r.From), ("To", r => r.To)));
        foreach (var problem in problems)
        {
            yield return problem;
        }

        var rules = EffectiveRules;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var key = $"{prefix}:Rules:{i}";
            if (!Enum.IsDefined(rule.As))
            {
                yield return $"{key}:As is '{rule.As}'; allowed: {string.Join(", ", Enum.GetNames<FieldConversion>())}.";
            }

            if (!Enum.IsDefined(rule.Consume))
            {
                yield return $"{key}:Consume is '{rule.Consume}'; allowed: {string.Join(", ", Enum.GetNames<SourceConsumption>())}.";
            }
        }

        var levels = EffectiveLevels;
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (level, names) in levels)
        {
            if (!IsLowercaseName(level))
            {
                yield return $"{prefix}:Levels:{level} is not a level name; allowed: lowercase letters, digits and '_' (e.g. warn).";
            }

            foreach (var name in names ?? [])
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    yield return $"{prefix}:Levels:{level} has an empty name; allowed: the names producers write for it.";
                }
                else if (!seen.TryAdd(name, level) && seen[name] != level)
                {
                    yield return $"{prefix}:Levels:{level} lists '{name}', which level '{seen[name]}' lists too; allowed: each name in one level.";
                }
            }
        }

        foreach (var problem in ValidateRoute($"{prefix}:Route"))
        {
            yield return problem;
        }
    }

    private IEnumerable<string> ValidateRoute(string prefix)
    {
        if (Route.Field is null)
        {
            if (Route.Namespaces.Count > 0)
            {
                yield return $"{prefix}:Namespaces is set but {prefix}:Field is not; allowed: both (routing on) or neither.";
            }

            yield break;
        }

        if (CheckPath($"{prefix}:Field", Route.Field) is { } problem)
        {
            yield return problem;
        }

        if (Route.Namespaces.Count is 0 or > RouteOptions.MaxNamespaces)
        {
            yield return $"{prefix}:Namespaces has {Route.Namespaces.Count} entries; allowed: 1 to {RouteOptions.MaxNamespaces} namespaces.";
        }

        for (var i = 0; i < Route.Namespaces.Count; i++)
        {
            if (Route.Namespaces[i] is not { } ns || !NamespacePattern().IsMatch(ns))
            {
                yield return $"{prefix}:Namespaces:{i} is '{Route.Namespaces[i]}'; allowed: 1–100 lowercase letters, digits, '_', '.', '-', starting with a letter or digit.";
            }
        }
    }

    /// <summary>The one check every configured path gets, for each item of a list: <c>{key}:{i}</c> for a list of
    /// paths, <c>{key}:{i}:{name}</c> for each named path of an item.</summary>
    private static IEnumerable<string> CheckPaths<T>(string key, IReadOnlyList<T> items, params (string? Name, Func<T, string?> Path)[] paths)
    {
        for (var i = 0; i < items.Count; i++)
        {
            foreach (var (name, path) in paths)
            {
                if (CheckPath(name is null ? $"{key}:{i}" : $"{key}:{i}:{name}", path(items[i])) is { } problem)
                {
                    yield return problem;
                }
            }
        }
    }

    private static IEnumerable<string> CheckPaths(string key, IReadOnlyList<string> paths) => CheckPaths(key, paths, (null, p => p));

    private static string? CheckPath(string key, string? path) =>
        string.IsNullOrWhiteSpace(path) || path.Length > 256 || path.StartsWith('.') || path.EndsWith('.') || path.Contains("..", StringComparison.Ordinal)
            ? $"{key} is '{path}'; allowed: a field name or dotted path of 1 to 256 characters (e.g. service.name)."
            : null;

    private static bool IsLowercaseName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && !name.AsSpan().ContainsAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789_");

    // The sink's rule for Elasticsearch:Namespace.
    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamespacePattern();
}
