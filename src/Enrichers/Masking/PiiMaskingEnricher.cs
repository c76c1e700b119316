using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>Masks PII and credentials in every string at any depth (value patterns) and whole values of
/// secret-named keys (key rules). Runs last in the chain. Shared and thread-safe; never throws: if masking a
/// record fails, the failure is reported and every string of the record is redacted (fail closed).
/// A string with no pattern anchor is checked on its raw UTF-8 bytes and never decoded or rewritten.</summary>
public sealed class PiiMaskingEnricher : ILogEnricher
{
    private const string OptionsPrefix = "Enrichment:Masking";
    private const MaskPatterns NumberPatterns = MaskPatterns.Card | MaskPatterns.Phone | MaskPatterns.Ssn | MaskPatterns.Iban;
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(50);

    [ThreadStatic]
    private static LogProperty?[]? t_path;

    [ThreadStatic]
    private static StringBuilder? t_builder;

    [ThreadStatic]
    private static char[]? t_chars;

    [ThreadStatic]
    private static byte[]? t_bytes;

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
            WalkObject(record.Root, _patterns, depth: 0, record.Pool, clean, cache);
        }
        catch (Exception ex)
        {
            // Letting the record go on half-masked would leak: report, then redact every string.
            _statistics.ReportFailure(Name, ex);
            RedactAllStrings(record.Root);
        }
    }

    public override string ToString() =>
        $"masking(patterns: {_patterns}, custom: {_custom.Length}, tokens: {(_hmac is null ? "markers" : "hmac-sha256")})";

    private void WalkObject(LogObject obj, MaskPatterns patterns, int depth, LogNodePool? pool, RepeatedTextCache? clean, RepeatedTextCache names)
    {
        // The property path is needed only to recognize KeepIpFields; keeping it cost a thread-static read
        // per object and a reference store (GC write barrier) per property.
        LogProperty?[]? path = null;
        if (_keepIpFields.Length > 0)
        {
            path = t_path ??= new LogProperty?[64];
            if (depth >= path.Length)
            {
                Array.Resize(ref t_path, depth * 2);
                path = t_path;
            }
        }

        var properties = obj.PropertySpan;
        for (var i = 0; i < properties.Length; i++)
        {
            var property = properties[i];
            var flags = EvaluateName(property, names);
            if (_keyRules && ((flags & KeyFlags.Secret) != 0
                || ((flags & KeyFlags.PairValue) != 0 && NameValuePairs.ValueOfSecretName(properties, i, _keys))))
            {
                MaskWhole(obj, property);
                continue;
            }

            if (path is not null)
            {
                path[depth] = property;
            }

            var inner = patterns;
            if ((flags & KeyFlags.Version) != 0)
            {
                inner &= ~MaskPatterns.Ip;
            }

            if ((flags & KeyFlags.Identifier) != 0)
            {
                inner &= ~NumberPatterns;
            }

            WalkValue(property.Value, inner, depth + 1, pool, clean, names);
        }
    }

    private void WalkValue(LogNode node, MaskPatterns patterns, int depth, LogNodePool? pool, RepeatedTextCache? clean, RepeatedTextCache names)
    {
        switch (node)
        {
            case LogString s:
                // GeoIP names and configured categories hold no record text; custom patterns still see them.
                if (!s.IsFromReferenceData || _custom.Length > 0)
                {
                    MaskString(s, patterns, depth, pool, clean);
                }

                break;
            case LogObject o:
                WalkObject(o, patterns, depth, pool, clean, names);
                break;
            case LogArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (_keyRules && !a[i].IsEmpty && NameValuePairs.FollowsSecretName(a.ItemSpan, i, _keys))
                    {
                        a[i] = MaskedWhole(a[i], pool);
                        continue;
                    }

                    WalkValue(a[i], patterns, depth, pool, clean, names);
                }

                break;
        }
    }

    private void MaskString(LogString s, MaskPatterns patterns, int depth, LogNodePool? pool, RepeatedTextCache? clean)
    {
        if ((patterns & MaskPatterns.Ip) != 0 && _keepIpFields.Length > 0 && IsKeepIpField(depth))
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

        if (clean is not null && clean.IsClean(raw, patterns))
        {
            return;
        }

        string value;
        string masked;
        var scan = new ScanState(patterns, _keys, ScanState.BudgetFor(s.IsRaw ? raw.Length : s.Value.Length, ScanWorkPerUnit));
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
                clean?.AddClean(raw, patterns);
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
                    clean?.AddClean(raw, patterns);
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
        if (value.IsEmpty)
        {
            // null, "", {} and [] hold no secret; keeping them keeps "was it set?" visible.
            return;
        }

        property.Value = MaskedWhole(value, owner.Pool);
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
            var text = value is LogString s ? s.Value : JsonText(value);
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
            return _keys.Evaluate(property.Name.AsSpan());
        }

        // Names repeat in every record; splitting them into words each time cost more than the lookup.
        if (raw.Length > RepeatedTextCache.MaxLength)
        {
            return _keys.Evaluate(raw);
        }

        if (!names.TryGetKeyFlags(raw, out var flags))
        {
            flags = _keys.Evaluate(raw);
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

    private static string JsonText(LogNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var output = new JsonOutput(buffer, 64);
        node.WriteTo(ref output);
        output.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void RedactAllStrings(LogNode node)
    {
        switch (node)
        {
            case LogString s:
                s.Value = MaskTypeNames.Marker(MaskType.Key);
                break;
            case LogObject o:
                foreach (var p in o.Properties)
                {
                    RedactAllStrings(p.Value);
                }

                break;
            case LogArray a:
                foreach (var item in a.Items)
                {
                    RedactAllStrings(item);
                }

                break;
        }
    }
}
