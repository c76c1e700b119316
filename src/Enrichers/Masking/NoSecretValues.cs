using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>Values under a secret-named key that cannot hold a secret, so masking them only destroys information:
/// the literals <c>true</c>, <c>false</c>, <c>null</c> (a flag such as <c>"tests_pass": true</c> or "is a password
/// set?" carries one bit, not the password) and POSIX signal names (<c>"sig": "SIGTERM"</c>: <c>sig</c> is a rule for
/// the signature of signed URLs).</summary>
internal static class NoSecretValues
{
    /// <summary>Unquoted literals in text: JSON, YAML, Python and Go spell them so.</summary>
    private static readonly string[] Literals = ["true", "false", "null", "none", "nil"];

    /// <summary>Signal names after <c>SIG</c> (POSIX, Linux, BSD).</summary>
    private static readonly string[] Signals =
    [
        "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "IOT", "BUS", "FPE", "KILL", "USR1", "USR2", "SEGV", "PIPE", "ALRM",
        "TERM", "STKFLT", "CHLD", "CLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF",
        "WINCH", "IO", "POLL", "PWR", "SYS", "EMT", "INFO", "LOST", "RTMIN", "RTMAX",
    ];

    /// <summary>Whether the unquoted text <c>s[start..end)</c> is a literal (any case) or a signal name.</summary>
    public static bool IsUnquoted<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T> =>
        IsAnyIgnoreCase(s, start, end, Literals) || IsSignal(s, start, end);

    /// <summary>Whether <c>s[start..end)</c> is a signal name: <c>SIG</c> and a name in capitals, <c>SIGRTMIN+3</c>.</summary>
    public static bool IsSignal<T>(ReadOnlySpan<T> s, int start, int end)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (end - start < 5 || end - start > 12 || !EqualsOrdinal(s, start, "SIG"))
        {
            return false;
        }

        // SIGRTMIN+3, SIGRTMAX-1: real-time signals are written relative to the range's ends.
        var nameEnd = end;
        while (nameEnd > start + 3 && IsDigit(C(s[nameEnd - 1])))
        {
            nameEnd--;
        }

        if (nameEnd < end && Get(s, nameEnd - 1) is '+' or '-')
        {
            nameEnd--;
        }
        else
        {
            nameEnd = end;
        }

        foreach (var name in Signals)
        {
            if (name.Length == nameEnd - start - 3 && EqualsOrdinal(s, start + 3, name))
            {
                return true;
            }
        }

        return false;
    }
}
