using System.Numerics;
using System.Text;
using Enrichers.Masking;

namespace Enrichers.Tests.Masking;

/// <summary>An '@' is looked behind once for the run of e-mail local-part characters before it, and the URL password's
/// look and the e-mail's both start past that run: every '@' must get the verdict, the match and the state for the next
/// '@' that the two looks give when each walks the run on its own (as they did before), on every text. Random texts of
/// user infos, addresses, both and neither, around value edges (a scan that starts mid-text) and non-ASCII.</summary>
public sealed class AtSignLookTests
{
    private static readonly KeyNameRules Keys = KeyNameRules.Create(new MaskingOptions());

    private static readonly string[] Pieces =
    [
        "https://", "postgres://", "ftp:", "//", ":/", "s3://", "user", "app", "jane.doe", "o'neil", "j\\u0068n", "x", "a", ":",
        "pass", "p@ss", "123", ":8080/", "@", "@", "@", "%40", "example.com", "db", "api.example.com", ":5432", "/", "/w0rd",
        "?", "#", " ", "  ", "\"", "'", "<", ">", "=", ",", "(", ".", "..", "+tag", "-", "_", "%", "1", "2x.png", "xn--p1ai",
        "é", "日本", "bücher.de", "例子.广告", "\\",
    ];

    private static readonly string[] Schemes = ["https://", "postgres://", "redis://", "a://", "://", "http:/", "mail ", "x=", "\"", ""];

    private static readonly string[] Words =
        ["user", "jane.doe", "o'neil", "j\\u0068n", "a", "", "p@ss", "123", "8080/x", ".x", "x.", "é", "日本", "a+b-c_d", "a%40b", "p/w"];

    private static readonly string[] Hosts =
        ["db", "example.com", "api.example.com/u/x@y", "db:5432/x", "bücher.de", "例子.广告", "2x.png", "xn--p1ai", "a.b", "", " x", "x@y.z"];

    private static readonly MaskPatterns[] Patterns =
        [MaskPatterns.All, MaskPatterns.Email, MaskPatterns.UrlPassword, MaskPatterns.Email | MaskPatterns.UrlPassword];

    [Fact]
    public void Each_at_sign_gets_the_verdict_the_two_separate_looks_give()
    {
        var random = new Random(21);
        var verdicts = new Dictionary<string, int>();
        var ats = 0;
        for (var n = 0; n < 25_000; n++)
        {
            var text = RandomText(random);
            var on = Patterns[random.Next(Patterns.Length)];
            var from = random.Next(3) == 0 ? random.Next(text.Length + 1) : 0;
            ats += Compare<char>(text.AsSpan(), from, on, text, verdicts);
            var bytes = Encoding.UTF8.GetBytes(text);
            Compare<byte>(bytes, Encoding.UTF8.GetByteCount(text.AsSpan(0, from)), on, text, verdicts);
        }

        // Every outcome was reached often: a URL password, an e-mail address, and neither.
        Assert.True(ats > 50_000, $"{ats} '@' judged");
        Assert.True(verdicts.GetValueOrDefault(nameof(MaskType.UrlPassword)) > 2_000, $"URL passwords: {verdicts.GetValueOrDefault(nameof(MaskType.UrlPassword))}");
        Assert.True(verdicts.GetValueOrDefault(nameof(MaskType.Email)) > 2_000, $"e-mail addresses: {verdicts.GetValueOrDefault(nameof(MaskType.Email))}");
        Assert.True(verdicts.GetValueOrDefault("neither") > 10_000, $"neither: {verdicts.GetValueOrDefault("neither")}");
    }

    // Every '@' and '%' from `from` on, as the scan meets them: state carried from one to the next, and a match starting
    // a new search at its end (with the state TryFindNext resets). Returns how many '@' were judged.
    private static int Compare<T>(ReadOnlySpan<T> s, int from, MaskPatterns on, string text, Dictionary<string, int> verdicts)
        where T : unmanaged, IBinaryInteger<T>
    {
        var actual = NewSearch(new ScanState(on, Keys, long.MaxValue), from);
        var expected = NewSearch(new ScanState(on, Keys, long.MaxValue), from);
        var judged = 0;
        for (var i = from; i < s.Length; i++)
        {
            var c = ScanText.C(s[i]);
            if (c == '%')
            {
                // The encoded '@' moves the e-mail's remembered run too; the same call on both sides.
                var matched = EmailDetector.EncodedAtSign(s, i, ref actual, out var encoded, out _);
                Assert.Equal(matched, EmailDetector.EncodedAtSign(s, i, ref expected, out _, out _));
                if (matched)
                {
                    actual = NewSearch(actual, encoded.End);
                    expected = NewSearch(expected, encoded.End);
                    i = encoded.End - 1;
                }

                continue;
            }

            if (c != '@')
            {
                continue;
            }

            var found = ValueScanner.AtSign(s, i, ref actual, out var match, out var next);
            var foundBefore = AtSignByTwoLooks(s, i, ref expected, out var matchBefore);
            var where = $"'{text}' ({typeof(T).Name}) from {from}, '@' at {i}, {on}";
            Assert.True(foundBefore == found, $"{where}: {found}, the two looks give {foundBefore}");
            Assert.True(matchBefore == match, $"{where}: {match}, the two looks give {matchBefore}");
            Assert.Equal(i + 1, next);
            AssertSameState(expected, actual, where);
            var verdict = found ? match.Type.ToString() : "neither";
            verdicts[verdict] = verdicts.GetValueOrDefault(verdict) + 1;
            judged++;
            if (found)
            {
                actual = NewSearch(actual, match.End);
                expected = NewSearch(expected, match.End);
                i = match.End - 1;
            }
        }

        return judged;
    }

    private static ScanState NewSearch(ScanState state, int from)
    {
        state.Floor = from;
        state.UrlAt = -1;
        state.LocalRunEnd = state.LocalRunStart = -1;
        return state;
    }

    private static void AssertSameState(ScanState expected, ScanState actual, string where)
    {
        Assert.True(expected.Work == actual.Work, $"{where}: work {actual.Work}, the two looks count {expected.Work}");
        Assert.True(
            (expected.UrlAt, expected.UrlSlash, expected.UrlColon) == (actual.UrlAt, actual.UrlSlash, actual.UrlColon),
            $"{where}: URL look kept ({actual.UrlAt}, {actual.UrlSlash}, {actual.UrlColon}), the two looks ({expected.UrlAt}, {expected.UrlSlash}, {expected.UrlColon})");
        Assert.True(
            (expected.LocalRunStart, expected.LocalRunEnd, expected.LocalDotsEnd) == (actual.LocalRunStart, actual.LocalRunEnd, actual.LocalDotsEnd),
            $"{where}: e-mail run kept ({actual.LocalRunStart}, {actual.LocalRunEnd}, {actual.LocalDotsEnd}), the two looks ({expected.LocalRunStart}, {expected.LocalRunEnd}, {expected.LocalDotsEnd})");
    }

    // ValueScanner.AtSign as it was before the shared walk: the URL password's look walking back from the '@' itself
    // (before = a - 1: nothing walked for it), then the e-mail's (no run walked for it).
    private static bool AtSignByTwoLooks<T>(ReadOnlySpan<T> s, int a, ref ScanState state, out ValueMatch m)
        where T : unmanaged, IBinaryInteger<T>
    {
        m = default;
        if ((state.On & MaskPatterns.UrlPassword) != 0 && UrlPasswordDetector.UrlPassword(s, a, a - 1, ref state, out var start, out var end))
        {
            m = new ValueMatch(start, end, MaskType.UrlPassword);
            return true;
        }

        if ((state.On & MaskPatterns.Email) != 0 && EmailDetector.Email(s, a, ref state, out start, out end))
        {
            m = new ValueMatch(start, end, MaskType.Email);
            return true;
        }

        return false;
    }

    // Pieces in any order, with user infos (scheme://user:password@host) and addresses (local@domain) whose parts are
    // themselves drawn from the pieces, so that the forms are complete, broken or nested.
    private static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        for (var k = random.Next(1, 7); k > 0; k--)
        {
            switch (random.Next(4))
            {
                case 0:
                    builder.Append(Piece(random)).Append(Piece(random));
                    break;
                case 1:
                    builder.Append(Schemes[random.Next(Schemes.Length)]).Append(Word(random)).Append(':').Append(Piece(random))
                        .Append(Word(random)).Append('@').Append(Host(random));
                    break;
                case 2:
                    builder.Append(Piece(random)).Append(Word(random)).Append('@').Append(Host(random));
                    break;
                default:
                    builder.Append(Word(random)).Append('@');
                    break;
            }
        }

        return builder.ToString();
    }

    private static string Piece(Random random) => Pieces[random.Next(Pieces.Length)];

    private static string Word(Random random) => Words[random.Next(Words.Length)];

    private static string Host(Random random) => Hosts[random.Next(Hosts.Length)];
}
