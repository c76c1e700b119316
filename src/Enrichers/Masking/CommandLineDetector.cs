using System.Numerics;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Masking;

/// <summary>Passwords given as command-line options whose meaning depends on the command: <c>mysql -pS3cret</c>
/// (also mysqldump, mysqladmin, mariadb), <c>curl -u user:pass</c> / <c>--user user:pass</c> (the part after the
/// colon), <c>sshpass -p pass</c>, <c>redis-cli -a pass</c>. The command is looked for before the option once per
/// value: each look starts where the previous one ended (<see cref="ScanState.CommandSearchedTo"/>), so the cost
/// stays linear however many options follow.</summary>
internal static class CommandLineDetector
{
    /// <summary>An option belongs to the last command named at most this far before it.</summary>
    private const int CommandReach = 512;

    public static bool Option<T>(ReadOnlySpan<T> s, int i, ref ScanState st, out ValueMatch m, out int next)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        next = i + 1;
        if ((st.On & MaskPatterns.Key) == 0 || Get(s, i - 1) is not (' ' or '\t' or '"' or '\'' or ','))
        {
            return false;
        }

        var o = Get(s, i + 1);
        int valueStart;
        bool user;
        if (o is 'p' or 'u' or 'a' && Get(s, i + 2) > ' ' && Get(s, i + 2) is not ('=' or '-'))
        {
            // -pSECRET (mysql), -uuser:pass (curl)
            if (o == 'a')
            {
                return false;
            }

            valueStart = i + 2;
            user = o == 'u';
        }
        else if (o is 'p' or 'u' or 'a' && Get(s, i + 2) == ' ')
        {
            valueStart = i + 3;
            user = o == 'u';
        }
        else if (o == '-' && EqualsIgnoreCase(s, i + 2, "user") && Get(s, i + 6) is ' ' or '=')
        {
            valueStart = i + 7;
            user = true;
            o = 'u';
        }
        else
        {
            return false;
        }

        SearchCommands(s, ref st, i);
        var attached = valueStart == i + 2;
        var applies = o switch
        {
            'p' => attached ? Near(st.MysqlAt, i) : Near(st.PasswordFlagAt, i),
            'a' => Near(st.PasswordFlagAt, i),
            _ => Near(st.CurlAt, i),
        };
        if (!applies)
        {
            return false;
        }

        var p = valueStart;
        if (KeyValueDetector.QuotedValue(s, ref st, ref p, out var end))
        {
            valueStart = p;
        }
        else
        {
            end = KeyValueDetector.SecretEnd(s, ref st, valueStart, line: false);
        }

        if (user)
        {
            // user:password; a user alone makes curl prompt for the password.
            var colon = valueStart;
            while (colon < end && C(s[colon]) != ':')
            {
                colon++;
            }

            st.Work += colon - valueStart;
            if (colon >= end - 1)
            {
                next = Math.Max(end, i + 1);
                return false;
            }

            valueStart = colon + 1;
        }

        if (end <= valueStart)
        {
            return false;
        }

        m = new ValueMatch(valueStart, end, MaskType.Key);
        next = end;
        return true;
    }

    private static bool Near(int at, int i) => at >= 0 && i - at <= CommandReach;

    private static void SearchCommands<T>(ReadOnlySpan<T> s, ref ScanState st, int to)
        where T : unmanaged, IBinaryInteger<T>
    {
        var from = st.CommandSearchedTo;
        if (from >= to)
        {
            return;
        }

        var region = s[from..to];
        st.MysqlAt = Last(region, from, "mysql"u8, "mysql", st.MysqlAt);
        st.MysqlAt = Math.Max(st.MysqlAt, Last(region, from, "mariadb"u8, "mariadb", -1));
        st.CurlAt = Last(region, from, "curl"u8, "curl", st.CurlAt);
        st.PasswordFlagAt = Last(region, from, "sshpass"u8, "sshpass", st.PasswordFlagAt);
        st.PasswordFlagAt = Math.Max(st.PasswordFlagAt, Last(region, from, "redis-cli"u8, "redis-cli", -1));
        st.Work += 5L * (to - from);
        st.CommandSearchedTo = to;
    }

    private static int Last<T>(ReadOnlySpan<T> region, int offset, ReadOnlySpan<byte> utf8, string chars, int previous)
        where T : unmanaged, IBinaryInteger<T>
    {
        var at = typeof(T) == typeof(byte)
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<T, byte>(region).LastIndexOf(utf8)
            : System.Runtime.InteropServices.MemoryMarshal.Cast<T, char>(region).LastIndexOf(chars, StringComparison.Ordinal);
        return at < 0 ? previous : offset + at;
    }
}
