using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Enrichers.Json;

namespace Enrichers.Masking;

/// <summary>Rebuilds a value's text with its matches replaced: from raw UTF-8 (into bytes or a string), from chars, and
/// through the custom patterns. Builders and scratch buffers are per thread and reused, so a value with nothing to mask
/// allocates nothing; an unusually big one is dropped after use rather than kept per thread.</summary>
internal sealed class TextMasker
{
    [ThreadStatic]
    private static StringBuilder? t_builder;

    [ThreadStatic]
    private static char[]? t_chars;

    [ThreadStatic]
    private static byte[]? t_bytes;

    private readonly MaskReplacements _replacements;
    private readonly EnrichmentStatistics _statistics;
    private readonly (string Name, Regex Regex)[] _custom;

    public TextMasker(MaskingSettings settings, MaskReplacements replacements)
    {
        _replacements = replacements;
        _statistics = settings.Statistics;
        _custom = settings.Custom;
    }

    /// <summary>Decodes an escaped raw string into a thread-local scratch (valid until the next call on this
    /// thread). Decoding needs at most one char per raw byte, so a scratch of the raw length always fits.</summary>
    public static bool TryDecodeToScratch(LogString s, out ReadOnlySpan<char> chars)
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
    public ReadOnlySpan<byte> MaskToUtf8(ReadOnlySpan<byte> raw, ValueMatch match, ref ScanState scan)
    {
        var scratch = t_bytes ??= new byte[512];
        var n = 0;
        var pos = 0;
        do
        {
            Append(ref scratch, ref n, raw[pos..match.Start]);
            if (_replacements.Tokens)
            {
                var replacement = _replacements.ReplacementUtf8(match.Type, raw[match.Start..match.End]);
                Reserve(ref scratch, n, Encoding.UTF8.GetMaxByteCount(replacement.Length));
                n += Encoding.UTF8.GetBytes(replacement, scratch.AsSpan(n));
            }
            else
            {
                Append(ref scratch, ref n, MaskTypeNames.MarkerUtf8(match.Type));
            }

            _replacements.CountMask(match.Type);
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

    public string MaskUtf8(ReadOnlySpan<byte> raw, ValueMatch match, ref ScanState scan)
    {
        // Matches start and end at ASCII characters (or the string's ends), so every slice is whole UTF-8.
        var builder = t_builder ??= new StringBuilder(256);
        builder.Clear();
        var pos = 0;
        do
        {
            AppendUtf8(builder, raw[pos..match.Start]);
            builder.Append(_replacements.ReplacementUtf8(match.Type, raw[match.Start..match.End]));
            _replacements.CountMask(match.Type);
            pos = match.End;
        }
        while (ValueScanner.TryFindNext(raw, pos, ref scan, out match));

        AppendUtf8(builder, raw[pos..]);
        return BuilderResult(builder);
    }

    /// <summary>The value with its matches replaced; the same instance when nothing matched.</summary>
    public string MaskBuiltIn(string value, ref ScanState scan)
    {
        var text = value.AsSpan();
        if (!ValueScanner.TryFindNext(text, 0, ref scan, out var match))
        {
            return value;
        }

        return MaskChars(text, match, ref scan);
    }

    public string MaskChars(ReadOnlySpan<char> text, ValueMatch match, ref ScanState scan)
    {
        var builder = t_builder ??= new StringBuilder(256);
        builder.Clear();
        var pos = 0;
        do
        {
            builder.Append(text[pos..match.Start]);
            builder.Append(_replacements.Replacement(match.Type, text[match.Start..match.End]));
            _replacements.CountMask(match.Type);
            pos = match.End;
        }
        while (ValueScanner.TryFindNext(text, pos, ref scan, out match));

        builder.Append(text[pos..]);
        return BuilderResult(builder);
    }

    public string ApplyCustom(string value)
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
                    return _replacements.Tokens ? _replacements.Token(name, m.ValueSpan) : "[" + name + "]";
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
}
