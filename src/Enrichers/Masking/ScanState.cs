using System.Numerics;
using System.Runtime.CompilerServices;

namespace Enrichers.Masking;

/// <summary>One value's scan, carried across <see cref="ValueScanner.TryFindNext{T}(ReadOnlySpan{T}, int, ref ScanState, out ValueMatch)"/>
/// calls: the patterns that are on, the key rules, the work done so far against the value's budget, and what the
/// last URL candidate learnt looking behind it.
/// <para>Work is counted in code units examined by the detectors (one per anchor tried, plus the length of every
/// run a detector scans). Every detector is linear in its input, so a value costs a small multiple of its length;
/// the budget is the safety net should one not be: past it the scan stops and the caller redacts the value whole
/// (fail closed). A struct on the caller's stack: no allocation per value.</para></summary>
internal struct ScanState
{
    /// <summary>Work allowed per code unit of a value. The detectors need a few units per code unit on the worst
    /// inputs known (see docs/masking.md); this leaves a wide margin before a value is redacted whole.</summary>
    public const int DefaultWorkPerUnit = 64;

    /// <summary>Work allowed for any value, however short (a few anchors with their look-around).</summary>
    public const int BaseWork = 4096;

    public readonly MaskPatterns On;
    public readonly KeyNameRules Keys;
    public readonly long Budget;

    /// <summary>What the value's key says it holds (<see cref="KeyFlags.PiiContext"/> bits of the key and the keys
    /// above it): number detectors accept that kind's bare forms.</summary>
    public readonly KeyFlags Context;

    /// <summary>Nothing left of it belongs to a match (set by each TryFindNext call).</summary>
    public int Floor;

    public long Work;

    /// <summary>The scan stopped because <see cref="Work"/> passed <see cref="Budget"/>: the value must be redacted
    /// whole.</summary>
    public bool OverBudget;

    /// <summary>The URL candidate looked behind last: its '@', the authority's start ('/' of "//") or -1 when it
    /// found none, and the first ':' after that start (-1 none).</summary>
    public int UrlAt;
    public int UrlSlash;
    public int UrlColon;

    /// <summary>The e-mail candidate looked behind last: its run of local-part characters is
    /// [<see cref="LocalRunStart"/>, <see cref="LocalRunEnd"/>), and its leading dots end at
    /// <see cref="LocalDotsEnd"/> (or reach as far as that candidate, when they are all dots).</summary>
    public int LocalRunStart;
    public int LocalRunEnd;
    public int LocalDotsEnd;

    /// <summary>Where the last name that names a secret ended (<c>"name":"DB_PASSWORD"</c>), -1 none: the pair's
    /// value that follows within a short reach is masked.</summary>
    public int SecretNameEnd;

    /// <summary>A match found ahead of the scan by a detector that matched before it (the AWS secret key after its
    /// access key ID), returned when the scan reaches it; -1 none.</summary>
    public int PendingStart;
    public int PendingEnd;
    public MaskType PendingType;

    /// <summary>Command-line context (<c>mysql -p…</c>, <c>curl -u user:pass</c>): the text before
    /// <see cref="CommandSearchedTo"/> was searched for command names once, and the last of each was found at
    /// <see cref="MysqlAt"/>, <see cref="CurlAt"/>, <see cref="PasswordFlagAt"/> (sshpass, redis-cli: <c>-p</c>/<c>-a</c>
    /// with a space), -1 none.</summary>
    public int CommandSearchedTo;
    public int MysqlAt;
    public int CurlAt;
    public int PasswordFlagAt;

    public ScanState(MaskPatterns on, KeyNameRules keys, long budget, KeyFlags context = KeyFlags.None)
    {
        On = on;
        Keys = keys;
        Budget = budget;
        Context = context & KeyFlags.PiiContext;
        UrlAt = -1;
        LocalRunEnd = LocalRunStart = -1;
        SecretNameEnd = -1;
        PendingStart = -1;
        MysqlAt = CurlAt = PasswordFlagAt = -1;
    }

    /// <summary>A value's budget: <paramref name="workPerUnit"/> per code unit, plus <see cref="BaseWork"/>.</summary>
    public static long BudgetFor(int length, int workPerUnit = DefaultWorkPerUnit) => ((long)workPerUnit * length) + BaseWork;

    // The run scans the detectors use, counted.
    public int DigitEnd<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T> => Count(i, ScanText.DigitEnd(s, i));

    public int AlnumEnd<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T> => Count(i, ScanText.AlnumEnd(s, i));

    public int UpperAlnumEnd<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T> => Count(i, ScanText.UpperAlnumEnd(s, i));

    public int Base64UrlEnd<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T> => Count(i, ScanText.Base64UrlEnd(s, i));

    public int ValueEnd<T>(ReadOnlySpan<T> s, int i)
        where T : unmanaged, IBinaryInteger<T> => Count(i, ScanText.ValueEnd(s, i));

    public int IndexOf<T>(ReadOnlySpan<T> s, int from, ReadOnlySpan<byte> utf8, string chars)
        where T : unmanaged, IBinaryInteger<T>
    {
        var at = ScanText.IndexOf(s, from, utf8, chars);
        Work += Math.Max(0, (at < 0 ? s.Length : at) - from);
        return at;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Count(int from, int to)
    {
        Work += to - from;
        return to;
    }
}
