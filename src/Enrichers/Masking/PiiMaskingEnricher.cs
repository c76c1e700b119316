using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>Masks PII and credentials in every string at any depth (value patterns), in JSON held in strings, in key
/// names, in numbers under keys that name personal data, and whole values of secret-named keys (key rules). Runs last
/// in the chain. Shared and thread-safe; never throws: if masking a value fails, the failure is reported and that
/// value is redacted (fail closed), the index's own fields kept when they have their type's plain shape.
/// A string with no pattern anchor is checked on its raw UTF-8 bytes and never decoded or rewritten.</summary>
public sealed class PiiMaskingEnricher : ILogEnricher
{
    private const string OptionsPrefix = "Enrichment:Masking";
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(50);

    [ThreadStatic]
    private static LogProperty?[]? t_path;

    [ThreadStatic]
    private static StringBuilder? t_builder;

    [ThreadStatic]
    private static char[]? t_chars;

    [ThreadStatic]
    private static byte[]? t_bytes;

    // Everything masking changed on this thread so far (masks, names, failed values): JSON held in a string is
    // written back only when its walk changed something, so untouched values keep their exact bytes.
    [ThreadStatic]
    private static int t_changes;

    // Stands for "the record's root" as the owner of a root property (see MaskValue).
    private static readonly LogProperty RootMarker = new(string.Empty, LogLiteral.Null);

    private readonly EnrichmentStatistics _statistics;
    private readonly MaskPatterns _patterns;
    private readonly bool _keyRules;
    private readonly KeyNameRules _keys;
    private readonly HmacTokenizer? _hmac;
    private readonly (string Name, Regex Regex)[] _custom;
    private readonly (string Path, string[] Leaves)[] _keepIpFields;

    // Per mask type, filled on first use: a dictionary lookup per mask showed up in profiles.
    private readonly StrongBox<long>?[] _maskCounters = new StrongBox<long>?[Enum.GetValues<MaskType>().Length];

    /// <exception cref="EnrichmentConfigurationException">The options are invalid or the HMAC key file cannot
    /// be read; the message names the setting, never the secret.</exception>
    public PiiMaskingEnricher(MaskingOptions options, EnrichmentStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(statistics);
        var errors = options.Validate(OptionsPrefix).ToList();
        if (errors.Count > 0)
        {
            throw new EnrichmentConfigurationException(string.Join(" ", errors));
        }

        _statistics = statistics;
        _patterns = MaskPatterns.All;
        foreach (var name in options.DisabledPatterns)
        {
            MaskTypeNames.TryParse(name, out var type);
            _patterns &= ~(MaskPatterns)(1 << (int)type);
        }

        _keyRules = (_patterns & MaskPatterns.Key) != 0;
        _keys = KeyNameRules.Create(options);
        var key = options.LoadHmacKey(OptionsPrefix);
        _hmac = key is null ? null : new HmacTokenizer(key, options.HmacTokenLength / 2);
        _custom = options.Patterns
            .Select(p => (p.Name, new Regex(p.Regex, RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout)))
            .ToArray();
        _keepIpFields = options.KeepIpFields
            .Select(path => (path, Enumerable.Range(1, path.Count(c => c == '.') + 1)
                .Select(n => string.Join('.', path.Split('.')[^n..])).ToArray()))
            .ToArray();
    }

    public string Name => "masking";

    /// <summary>Scan work allowed per code unit of a value (see <see cref="ScanState"/>); lowered by tests to
    /// drive the fail-closed path.</summary>
    internal int ScanWorkPerUnit { get; init; } = ScanState.DefaultWorkPerUnit;

    public void Enrich(LogRecord record)
    {
        try
        {
            // Once per record: reading a thread-static per string showed up in profiles.
            var cache = RepeatedTextCache.For(this);
            var clean = _custom.Length == 0 ? cache : null;
            WalkObject(record.Root, null, new MaskingScope(_patterns, KeyFlags.None, 0, 0, record.Pool, clean, cache));
        }
        catch (Exception ex)
        {
            // A failure outside any one value (each value fails closed on its own, see MaskValue): letting the record
            // go on half-masked would leak, so report, then redact every string but the index's own fields that
            // have their plain shape.
            _statistics.ReportFailure(Name, ex);
            RedactAllStrings(record.Root, null, depth: 0);
        }
    }

    public override string ToString() =>
        $"masking(patterns: {_patterns}, custom: {_custom.Length}, tokens: {(_hmac is null ? "markers" : "hmac-sha256")})";

    private void WalkObject(LogObject obj, LogProperty? owner, MaskingScope scope)
    {
        // The property path is needed only to recognize KeepIpFields; keeping it cost a thread-static read
        // per object and a reference store (GC write barrier) per property. Not inside JSON held in a string:
        // its paths are not the record's.
        LogProperty?[]? path = null;
        var depth = scope.Depth;
        if (_keepIpFields.Length > 0 && scope.InnerLevel == 0)
        {
            path = t_path ??= new LogProperty?[64];
            if (depth >= path.Length)
            {
                Array.Resize(ref t_path, depth * 2);
                path = t_path;
            }
        }

        HashSet<string>? taken = null;
        var properties = obj.PropertySpan;
        for (var i = 0; i < properties.Length; i++)
        {
            var property = properties[i];
            var flags = EvaluateName(property, scope.Names);
            if (_keyRules && ((flags & KeyFlags.Secret) != 0
                || ((flags & KeyFlags.PairValue) != 0 && NameValuePairs.ValueOfSecretName(properties, i, _keys))))
            {
                MaskWhole(obj, property);
            }
            else
            {
                if (path is not null)
                {
                    path[depth] = property;
                }

                var inner = scope.Under(flags, _patterns);
                if (property.Value is LogString s)
                {
                    MaskValue(s, inner, scope.InnerLevel != 0 ? null : depth == 0 ? RootMarker : owner, property);
                }
                else if (property.Value is LogLiteral { Kind: LogNodeKind.Number } n && (inner.Context & KeyFlags.PiiContext) != 0)
                {
                    if (MaskNumber(n, inner) is { } masked)
                    {
                        property.Value = masked;
                    }
                }
                else
                {
                    WalkValue(property.Value, depth == 0 && scope.InnerLevel == 0 ? property : null, inner);
                }
            }

            if ((flags & KeyFlags.NameHoldsPii) != 0)
            {
                MaskName(obj, i, property, ref taken);
            }
        }
    }

    private void WalkValue(LogNode node, LogProperty? owner, MaskingScope scope)
    {
        switch (node)
        {
            case LogString s:
                MaskValue(s, scope, owner: null, property: null);
                break;
            case LogObject o:
                WalkObject(o, owner, scope);
                break;
            case LogArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (_keyRules && !CarriesNoSecret(a[i]) && NameValuePairs.FollowsSecretName(a.ItemSpan, i, _keys))
                    {
                        a[i] = MaskedWhole(a[i], scope.Pool);
                    }
                    else if (a[i] is LogLiteral { Kind: LogNodeKind.Number } n && (scope.Context & KeyFlags.PiiContext) != 0)
                    {
                        if (MaskNumber(n, scope) is { } masked)
                        {
                            a[i] = masked;
                        }
                    }
                    else
                    {
                        WalkValue(a[i], owner: null, scope);
                    }
                }

                break;
        }
    }

    /// <summary>Masks one string, failing closed for it alone: if masking it throws (a bug, or text nothing expected),
    /// the failure is reported and counted, and the value becomes <see cref="MaskTypeNames.ErrorMarker"/>, unless it is
    /// one of the index's own fields with the plain shape of its type (see <see cref="IndexFields"/>), which is kept.
    /// <paramref name="owner"/> is <see cref="RootMarker"/> for a root property, the root property holding the object
    /// for a nested one, null elsewhere; <paramref name="property"/> is the value's property when it has one.</summary>
    private void MaskValue(LogString s, MaskingScope scope, LogProperty? owner, LogProperty? property)
    {
        // GeoIP names and configured categories hold no record text; custom patterns still see them.
        if (s.IsFromReferenceData && _custom.Length == 0)
        {
            return;
        }

        try
        {
            ScanProbe?.Invoke(s);
            MaskString(s, scope);
        }
        catch (Exception ex)
        {
            _statistics.ReportFailure(Name, ex);
            _statistics.ValueRedactedOnError();
            t_changes++;
            var shape = property is null || owner is null
                ? IndexFieldShape.None
                : IndexFields.ShapeOf(ReferenceEquals(owner, RootMarker) ? null : owner, property);
            if (shape == IndexFieldShape.None || !IndexFields.Fits(shape, SafeText(s)))
            {
                s.Value = MaskTypeNames.ErrorMarker;
            }
        }
    }

    /// <summary>Called with each string value before it is scanned; tests use it to make a scan fail. Null in
    /// production.</summary>
    internal Action<LogString>? ScanProbe { get; init; }

    private void MaskString(LogString s, MaskingScope scope)
    {
        var patterns = scope.Patterns;
        var pool = scope.Pool;
        var clean = scope.Clean;
        if ((patterns & MaskPatterns.Ip) != 0 && _keepIpFields.Length > 0 && scope.InnerLevel == 0 && IsKeepIpField(scope.Depth))
        {
            patterns &= ~MaskPatterns.Ip;
        }

        // Empty once an enricher set a string value (then IsRaw is false).
        var raw = s.RawUtf8;

        // Only without custom patterns (clean is null otherwise): the cache knows the built-in ones only.
        if (clean is not null && (!s.IsRaw || raw.Length > RepeatedTextCache.MaxLength))
        {
            clean = null;
        }

        // What a value holds depends on the patterns and on what its key says (a bare number is a phone under
        // "phone" only), so both make the cache's key.
        var cacheKey = (MaskPatterns)((int)patterns | ((int)(scope.Context & KeyFlags.PiiContext) << 16));
        if (clean is not null && clean.IsClean(raw, cacheKey))
        {
            return;
        }

        if (scope.InnerLevel < MaskingScope.MaxInnerLevels && InnerJson.LooksLikeContainer(s) && TryMaskInnerJson(s, scope with { Patterns = patterns }))
        {
            return;
        }

        string value;
        string masked;
        var scan = new ScanState(patterns, _keys, ScanState.BudgetFor(s.IsRaw ? raw.Length : s.Value.Length, ScanWorkPerUnit), scope.Context);
        if (s.IsRaw && !s.RawHasEscapes)
        {
            // The common case: found and rebuilt from the raw bytes, never decoded whole.
            if (ValueScanner.TryFindNext(raw, 0, ref scan, out var first))
            {
                if (pool is not null && _custom.Length == 0)
                {
                    // In a session: rebuilt as bytes in the session's arena, no string made or transcoded back.
                    var rebuilt = MaskToUtf8(raw, first, ref scan);
                    if (scan.OverBudget)
                    {
                        RedactOverBudget(s);
                        return;
                    }

                    s.SetUnescapedUtf8(pool.Copy(rebuilt));
                    return;
                }

                masked = MaskUtf8(raw, first, ref scan);
                if (scan.OverBudget)
                {
                    RedactOverBudget(s);
                    return;
                }

                s.Value = _custom.Length > 0 ? ApplyCustom(masked) : masked;
                return;
            }

            if (scan.OverBudget)
            {
                RedactOverBudget(s);
                return;
            }

            if (_custom.Length == 0)
            {
                clean?.AddClean(raw, cacheKey);
                return;
            }

            value = s.Value;
            masked = value;
        }
        else
        {
            if (s.IsRaw && _custom.Length == 0 && TryDecodeToScratch(s, out var chars))
            {
                if (!ValueScanner.TryFindNext(chars, 0, ref scan, out var match))
                {
                    if (scan.OverBudget)
                    {
                        RedactOverBudget(s);
                        return;
                    }

                    // Escaped input with nothing to mask: decoded into scratch only, so no string is made and
                    // the value keeps its input bytes.
                    clean?.AddClean(raw, cacheKey);
                    return;
                }

                masked = MaskChars(chars, match, ref scan);
                if (scan.OverBudget)
                {
                    RedactOverBudget(s);
                    return;
                }

                s.Value = masked;
                return;
            }

            value = s.Value;
            masked = MaskBuiltIn(value, ref scan);
            if (scan.OverBudget)
            {
                RedactOverBudget(s);
                return;
            }
        }

        if (_custom.Length > 0)
        {
            masked = ApplyCustom(masked);
        }

        // Only a changed value is set, so untouched strings keep their input bytes.
        if (!ReferenceEquals(masked, value))
        {
            s.Value = masked;
        }
    }

    /// <summary>Fail closed: a value whose scan passed its work budget may hold anything the scan did not reach,
    /// so all of it goes. The record goes on; the statistics count it (the worker logs it, without content).</summary>
    private void RedactOverBudget(LogString s)
    {
        s.Value = MaskTypeNames.BudgetMarker;
        _statistics.ValueRedactedOverBudget(Name);
        t_changes++;
    }

    /// <summary>Masks JSON held in <paramref name="s"/> as JSON (see <see cref="InnerJson"/>). False when the text does
    /// not parse as one object or array (the caller scans it as text); true when it was masked as JSON, whether or
    /// not anything in it changed (the value is rewritten only when something did).</summary>
    private bool TryMaskInnerJson(LogString s, MaskingScope scope)
    {
        var text = s.Value;
        var body = text.AsSpan().Trim();
        var lead = text.Length - text.AsSpan().TrimStart().Length;
        var byteCount = Encoding.UTF8.GetByteCount(body);
        if (byteCount > InnerJson.MaxBytes)
        {
            return false;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(byteCount, 1));
        try
        {
            var n = Encoding.UTF8.GetBytes(body, rented);
            var node = LogRecordParser.TryParseContainer(rented.AsMemory(0, n), LogRecordParser.DefaultMaxDepth, scope.Pool);
            if (node is null)
            {
                return false;
            }

            var before = t_changes;
            var inner = scope with { Depth = 0, InnerLevel = scope.InnerLevel + 1 };
            if (node is LogObject o)
            {
                WalkObject(o, null, inner);
            }
            else
            {
                WalkValue(node, null, inner);
            }

            if (t_changes != before)
            {
                // The whitespace around the JSON is kept; the JSON itself is written compact.
                s.Value = string.Concat(text.AsSpan(0, lead), InnerJson.Write(node), text.AsSpan(lead + body.Length));
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>A JSON number under a key that names personal data (<c>"phone": 4155550132</c>,
    /// <c>"ssn": 123456789</c>): scanned as text with the key's context, and when all of it is a match, a string
    /// marker (or token) takes its place. Null when it stays.</summary>
    private LogString? MaskNumber(LogLiteral number, MaskingScope scope)
    {
        var raw = number.RawUtf8;
        string replacement;
        try
        {
            var scan = new ScanState(scope.Patterns, _keys, ScanState.BudgetFor(raw.Length, ScanWorkPerUnit), scope.Context);
            if (!ValueScanner.TryFindNext(raw, 0, ref scan, out var match) || match.Start != 0 || match.End != raw.Length)
            {
                return null;
            }

            replacement = _hmac is null ? MaskTypeNames.Marker(match.Type) : Replacement(match.Type, Encoding.UTF8.GetString(raw));
            CountMask(match.Type);
        }
        catch (Exception ex)
        {
            _statistics.ReportFailure(Name, ex);
            _statistics.ValueRedactedOnError();
            t_changes++;
            replacement = MaskTypeNames.ErrorMarker;
        }

        return scope.Pool is { } pool ? pool.String(replacement) : new LogString(replacement);
    }

    /// <summary>A key that is itself personal data (an e-mail or IP address used as a key) is renamed to its masked
    /// text. Two masked names may be equal (<c>[email]</c> twice), and Elasticsearch refuses a document with a key twice,
    /// so a repeat gets a number (<c>[email]#2</c>).</summary>
    private void MaskName(LogObject obj, int index, LogProperty property, ref HashSet<string>? taken)
    {
        string name;
        try
        {
            name = property.Name;
            var scan = new ScanState(_patterns & ~MaskPatterns.Key, _keys, ScanState.BudgetFor(name.Length, ScanWorkPerUnit));
            var masked = MaskBuiltIn(name, ref scan);
            if (scan.OverBudget)
            {
                _statistics.ValueRedactedOverBudget(Name);
                masked = MaskTypeNames.BudgetMarker;
            }

            if (ReferenceEquals(masked, name))
            {
                return;
            }

            name = masked;
        }
        catch (Exception ex)
        {
            _statistics.ReportFailure(Name, ex);
            _statistics.ValueRedactedOnError();
            name = MaskTypeNames.ErrorMarker;
        }

        if (taken is null)
        {
            taken = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in obj.PropertySpan)
            {
                taken.Add(p.Name);
            }
        }

        var unique = name;
        for (var n = 2; !taken.Add(unique); n++)
        {
            unique = $"{name}#{n}";
        }

        obj.ReplaceAt(index, unique, property.Value);
        t_changes++;
    }

    /// <summary>True when a name holds a value pattern: it is renamed by <see cref="MaskName"/>. A name that cannot
    /// be scanned is treated as holding one (fail closed).</summary>
    private KeyFlags NameFlags<T>(ReadOnlySpan<T> name)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        var patterns = _patterns & ~MaskPatterns.Key;
        if (patterns == MaskPatterns.None || name.IsEmpty)
        {
            return KeyFlags.None;
        }

        try
        {
            var scan = new ScanState(patterns, _keys, ScanState.BudgetFor(name.Length, ScanWorkPerUnit));
            return ValueScanner.TryFindNext(name, 0, ref scan, out _) || scan.OverBudget ? KeyFlags.NameHoldsPii : KeyFlags.None;
        }
        catch (Exception)
        {
            return KeyFlags.NameHoldsPii;
        }
    }

    /// <summary>A string's text for the shape check of a failed value; empty when even that cannot be read.</summary>
    private static string SafeText(LogString s)
    {
        try
        {
            return s.Value;
        }
        catch (Exception)
        {
            return string.Empty;
        }
    }

    /// <summary>Decodes an escaped raw string into a thread-local scratch (valid until the next call on this
    /// thread). Decoding needs at most one char per raw byte, so a scratch of the raw length always fits.</summary>
    private static bool TryDecodeToScratch(LogString s, out ReadOnlySpan<char> chars)
    {
        chars = default;
        var length = s.RawUtf8.Length;
        var scratch = t_chars;
        if (scratch is null || scratch.Length < length)
        {
            if (length > 64 * 1024)
            {
                // Rare: not worth keeping a big scratch per thread; the caller decodes into a string.
                return false;
            }

            scratch = t_chars = new char[Math.Max(256, length)];
        }

        if (!s.TryDecodeRawInto(scratch, out var written))
        {
            return false;
        }

        chars = scratch.AsSpan(0, written);
        return true;
    }

    /// <summary>As <see cref="MaskUtf8"/>, into a thread-local byte scratch (valid until the next call). Raw
    /// unescaped input slices and ASCII replacements need no JSON escaping, so the result is written as is.</summary>
    private ReadOnlySpan<byte> MaskToUtf8(ReadOnlySpan<byte> raw, ValueMatch match, ref ScanState scan)
    {
        var scratch = t_bytes ??= new byte[512];
        var n = 0;
        var pos = 0;
        do
        {
            Append(ref scratch, ref n, raw[pos..match.Start]);
            var replacement = _hmac is null
                ? MaskTypeNames.Marker(match.Type)
                : Replacement(match.Type, Encoding.UTF8.GetString(raw[match.Start..match.End]));
            Reserve(ref scratch, n, Encoding.UTF8.GetMaxByteCount(replacement.Length));
            n += Encoding.UTF8.GetBytes(replacement, scratch.AsSpan(n));
            CountMask(match.Type);
            pos = match.End;
        }
        while (ValueScanner.TryFindNext(raw, pos, ref scan, out match));

        Append(ref scratch, ref n, raw[pos..]);
        if (scratch.Length > 64 * 1024)
        {
            t_bytes = null;
        }

        return scratch.AsSpan(0, n);
    }

    private static void Append(ref byte[] scratch, ref int n, ReadOnlySpan<byte> bytes)
    {
        Reserve(ref scratch, n, bytes.Length);
        bytes.CopyTo(scratch.AsSpan(n));
        n += bytes.Length;
    }

    private static void Reserve(ref byte[] scratch, int used, int more)
    {
        if (used + more > scratch.Length)
        {
            Array.Resize(ref scratch, Math.Max(scratch.Length * 2, used + more));
            t_bytes = scratch;
        }
    }

    private string MaskUtf8(ReadOnlySpan<byte> raw, ValueMatch match, ref ScanState scan)
    {
        // Matches start and end at ASCII characters (or the string's ends), so every slice is whole UTF-8.
        var builder = t_builder ??= new StringBuilder(256);
        builder.Clear();
        var pos = 0;
        do
        {
            AppendUtf8(builder, raw[pos..match.Start]);
            if (_hmac is null)
            {
                builder.Append(MaskTypeNames.Marker(match.Type));
            }
            else
            {
                builder.Append(Replacement(match.Type, Encoding.UTF8.GetString(raw[match.Start..match.End])));
            }

            CountMask(match.Type);
            pos = match.End;
        }
        while (ValueScanner.TryFindNext(raw, pos, ref scan, out match));

        AppendUtf8(builder, raw[pos..]);
        return BuilderResult(builder);
    }

    private static void AppendUtf8(StringBuilder builder, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return;
        }

        var rented = utf8.Length > 512 ? ArrayPool<char>.Shared.Rent(utf8.Length) : null;
        Span<char> chars = rented ?? stackalloc char[512];
        var n = Encoding.UTF8.GetChars(utf8, chars);
        builder.Append(chars[..n]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static string BuilderResult(StringBuilder builder)
    {
        var result = builder.ToString();
        if (builder.Capacity > 64 * 1024)
        {
            t_builder = null;
        }

        return result;
    }

    private string MaskBuiltIn(string value, ref ScanState scan)
    {
        var text = value.AsSpan();
        if (!ValueScanner.TryFindNext(text, 0, ref scan, out var match))
        {
            return value;
        }

        return MaskChars(text, match, ref scan);
    }

    private string MaskChars(ReadOnlySpan<char> text, ValueMatch match, ref ScanState scan)
    {
        var builder = t_builder ??= new StringBuilder(256);
        builder.Clear();
        var pos = 0;
        do
        {
            builder.Append(text[pos..match.Start]);
            builder.Append(Replacement(match.Type, text[match.Start..match.End]));
            CountMask(match.Type);
            pos = match.End;
        }
        while (ValueScanner.TryFindNext(text, pos, ref scan, out match));

        builder.Append(text[pos..]);
        return BuilderResult(builder);
    }

    private string ApplyCustom(string value)
    {
        foreach (var (name, regex) in _custom)
        {
            try
            {
                if (!regex.IsMatch(value))
                {
                    continue;
                }

                value = regex.Replace(value, m =>
                {
                    _statistics.Masks.Increment(name);
                    return _hmac is null ? "[" + name + "]" : Token(name, m.ValueSpan);
                });
            }
            catch (RegexMatchTimeoutException)
            {
                // Fail closed: a value the pattern could not finish on may hold what it looks for.
                _statistics.Masks.Increment(name);
                value = "[" + name + "]";
            }
        }

        return value;
    }

    private void MaskWhole(LogObject owner, LogProperty property)
    {
        var value = property.Value;
        if (CarriesNoSecret(value))
        {
            return;
        }

        property.Value = MaskedWhole(value, owner.Pool);
    }

    /// <summary>null, "", {}, [], true, false and a signal name hold no secret; keeping them keeps "was it set?" and
    /// flags such as <c>"tests_pass": true</c> visible, and a boolean keeps its type in the index mapping.</summary>
    private static bool CarriesNoSecret(LogNode value) =>
        value.IsEmpty || value.Kind is LogNodeKind.True or LogNodeKind.False
        || (value is LogString s && IsSignalName(s));

    // Read from the raw bytes when there are some: decoding every secret-named value to a string only to compare it
    // allocated on most records.
    private static bool IsSignalName(LogString s)
    {
        if (s.IsRaw)
        {
            var raw = s.RawUtf8;
            return raw.Length <= 12 && NoSecretValues.IsSignal(raw, 0, raw.Length);
        }

        var value = s.Value;
        return value.Length <= 12 && NoSecretValues.IsSignal(value.AsSpan(), 0, value.Length);
    }

    private LogString MaskedWhole(LogNode value, LogNodePool? pool)
    {
        string replacement;
        if (_hmac is null)
        {
            replacement = MaskTypeNames.Marker(MaskType.Key);
        }
        else
        {
            var text = value is LogString s ? s.Value : InnerJson.Write(value);
            replacement = Token(MaskTypeNames.Name(MaskType.Key), text);
        }

        CountMask(MaskType.Key);

        // From the session pool when there is one: secret-named keys are in most records.
        return pool is not null ? pool.String(replacement) : new LogString(replacement);
    }

    private string Replacement(MaskType type, ReadOnlySpan<char> matched)
    {
        if (_hmac is null)
        {
            return MaskTypeNames.Marker(type);
        }

        var name = MaskTypeNames.Name(type);

        // Equal values in other spellings get equal tokens, so distinct counts stay right.
        return type switch
        {
            MaskType.Email => Token(name, matched.ToString().ToLowerInvariant()),
            MaskType.Phone or MaskType.Card or MaskType.Ssn => Token(name, KeepOnly(matched, char.IsAsciiDigit)),
            MaskType.Iban => Token(name, KeepOnly(matched, char.IsAsciiLetterOrDigit)),
            _ => Token(name, matched),
        };
    }

    private string Token(string type, ReadOnlySpan<char> value) => _hmac!.Token(type, value);

    private void CountMask(MaskType type)
    {
        // A counter appears (at 0) only once its type was seen, as with CounterSet.Increment.
        var counter = _maskCounters[(int)type] ??= _statistics.Masks.Counter(MaskTypeNames.Name(type));
        Interlocked.Increment(ref counter.Value);
        t_changes++;
    }

    private static string KeepOnly(ReadOnlySpan<char> text, Func<char, bool> keep)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (keep(c))
            {
                builder.Append(char.ToUpperInvariant(c));
            }
        }

        return builder.ToString();
    }

    private KeyFlags EvaluateName(LogProperty property, RepeatedTextCache names)
    {
        if (!property.TryGetRawName(out var raw))
        {
            // Set by an enricher (already a string) or escaped in the input (rare): the decoded name.
            var name = property.Name.AsSpan();
            return _keys.Evaluate(name) | NameFlags(name);
        }

        // Names repeat in every record; splitting them into words each time cost more than the lookup.
        if (raw.Length > RepeatedTextCache.MaxLength)
        {
            return _keys.Evaluate(raw) | NameFlags(raw);
        }

        if (!names.TryGetKeyFlags(raw, out var flags))
        {
            flags = _keys.Evaluate(raw) | NameFlags(raw);
            names.AddKeyFlags(raw, flags);
        }

        return flags;
    }

    private bool IsKeepIpField(int depth)
    {
        var leaf = depth > 0 ? t_path![depth - 1] : null;
        if (leaf is null)
        {
            return false;
        }

        foreach (var (path, leaves) in _keepIpFields)
        {
            foreach (var name in leaves)
            {
                if (leaf.NameEquals(name))
                {
                    var names = new string[depth];
                    for (var i = 0; i < depth; i++)
                    {
                        names[i] = t_path![i]!.Name;
                    }

                    if (string.Join('.', names) == path)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>The last resort when masking a record failed outside any one value: every string becomes a marker,
    /// except the index's own fields whose value has the plain shape of their type (see <see cref="IndexFields"/>).
    /// <paramref name="owner"/> is the root property holding <paramref name="node"/> at depth 1, null elsewhere.</summary>
    private static void RedactAllStrings(LogNode node, LogProperty? owner, int depth)
    {
        switch (node)
        {
            case LogString s:
                s.Value = MaskTypeNames.Marker(MaskType.Key);
                break;
            case LogObject o:
                foreach (var p in o.Properties)
                {
                    if (p.Value is LogString s && depth <= 1 && IndexFields.ShapeOf(depth == 0 ? null : owner, p) is var shape
                        && shape != IndexFieldShape.None && IndexFields.Fits(shape, SafeText(s)))
                    {
                        continue;
                    }

                    RedactAllStrings(p.Value, depth == 0 ? p : null, depth + 1);
                }

                break;
            case LogArray a:
                foreach (var item in a.Items)
                {
                    RedactAllStrings(item, null, depth + 1);
                }

                break;
        }
    }
}
