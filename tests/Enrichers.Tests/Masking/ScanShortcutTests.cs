using System.Text;
using Enrichers.Masking;
using static Enrichers.Masking.ScanText;

namespace Enrichers.Tests.Masking;

/// <summary>The scan decides some anchors before calling their detector (the key before a number, a glued token, the
/// letters before a digit): each shortcut must give the verdict the full look gives, on every text, so that what is
/// masked does not depend on it. Random texts of the words, digits and separators these looks read.</summary>
public sealed class ScanShortcutTests
{
    private static readonly KeyNameRules Keys = KeyNameRules.Create(new MaskingOptions());

    private static readonly string[] Pieces =
    [
        "version", "build", "phone", "caller id", "ssn", "card", "trace_id", "request-id", "from", "sent by", "queued", "pan",
        "NINO", "aadhaar", "password", "dapi", "SK", "LS0tLS1CRUdJTi", "DE", "de", "AB", "ABCPE", "x", "v", "Win", "ws", "omar",
        "4bf92f35", "a3ce", "0123456789abcdef0123456789abcdef", "12", "1234", "81.2.69.160", "2", "9",
        " ", "  ", "=", ": ", ":", "\"", "'", "-", ".", "_", "/", "@", ",", "é",
    ];

    [Fact]
    public void The_key_before_a_number_is_judged_as_the_full_walk_judges_it()
    {
        var random = new Random(18);
        var judged = new Dictionary<KeyFlags, int>();
        for (var n = 0; n < 20_000; n++)
        {
            var text = RandomText(random);
            for (var start = 0; start <= text.Length; start++)
            {
                var state = new ScanState(MaskPatterns.All, Keys, long.MaxValue);
                var actual = NumberContext.KeyBefore(text.AsSpan(), start, ref state);
                var expected = KeyBeforeByFullWalk<char>(text.AsSpan(), start);
                Assert.True(expected == actual, $"'{text}' at {start}: {actual}, the full walk gives {expected}");
                var bytes = Encoding.UTF8.GetBytes(text);
                var byteStart = Encoding.UTF8.GetByteCount(text.AsSpan(0, start));
                var byteState = new ScanState(MaskPatterns.All, Keys, long.MaxValue);
                Assert.Equal(KeyBeforeByFullWalk<byte>(bytes, byteStart), NumberContext.KeyBefore<byte>(bytes, byteStart, ref byteState));
                judged[actual] = judged.GetValueOrDefault(actual) + 1;
            }
        }

        // Both verdicts were reached often: none, and keys that name something (a version, a phone, an identifier).
        Assert.True(judged.GetValueOrDefault(KeyFlags.None) > 10_000, $"none: {judged.GetValueOrDefault(KeyFlags.None)}");
        var named = judged.Where(j => j.Key != KeyFlags.None).Sum(j => j.Value);
        Assert.True(named > 2_000, $"keys that name something: {named}");
        Assert.True(judged.Keys.Count(k => (k & KeyFlags.Version) != 0) > 0, "a version key");
    }

    [Fact]
    public void A_letter_anchor_that_cannot_start_a_glued_token_is_one_the_full_look_refuses()
    {
        var random = new Random(19);
        var refused = 0;
        for (var n = 0; n < 20_000; n++)
        {
            var text = RandomText(random);
            for (var i = 0; i < text.Length; i++)
            {
                if (!IsLetter(text[i]) || TokenDetector.MayBeGlued(text.AsSpan(), i))
                {
                    continue;
                }

                var state = new ScanState(MaskPatterns.All, Keys, long.MaxValue);
                Assert.False(TokenDetector.Glued(text.AsSpan(), i, ref state, out _, out _), $"'{text}' at {i}");
                Assert.Equal(0, state.Work);
                refused++;
            }
        }

        Assert.True(refused > 10_000, $"{refused} letters decided early");
    }

    [Fact]
    public void A_digit_after_letters_that_cannot_open_an_iban_pan_or_nino_is_one_the_full_look_refuses()
    {
        var random = new Random(20);
        var refused = 0;
        for (var n = 0; n < 20_000; n++)
        {
            var text = RandomText(random);
            for (var i = 1; i < text.Length; i++)
            {
                if (!IsDigit(text[i]) || !IsLetter(text[i - 1]) || NumberDetector.MayBeLettered(text.AsSpan(), i, text[i - 1]))
                {
                    continue;
                }

                var state = new ScanState(MaskPatterns.All, Keys, long.MaxValue);
                Assert.False(NumberDetector.Lettered(text.AsSpan(), i, ref state, out _), $"'{text}' at {i}");
                Assert.Equal(0, state.Work);
                refused++;
            }
        }

        Assert.True(refused > 5_000, $"{refused} digits decided early");
    }

    private static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        for (var k = random.Next(1, 10); k > 0; k--)
        {
            builder.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return builder.ToString();
    }

    // NumberContext.KeyBefore as it was before it decided on the name's last two characters: every word walked, then the
    // rules' verdict on them.
    private static KeyFlags KeyBeforeByFullWalk<T>(ReadOnlySpan<T> s, int start)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        var limit = Math.Max(0, start - 48);
        var j = start - 1;
        if (Get(s, j) is '"' or '\'')
        {
            j--;
        }

        var spaces = 0;
        while (j > limit && Get(s, j) == ' ' && spaces < 2)
        {
            j--;
            spaces++;
        }

        if (Get(s, j) is '=' or ':')
        {
            j--;
            while (j > limit && Get(s, j) == ' ')
            {
                j--;
            }

            if (Get(s, j) is '"' or '\'')
            {
                j--;
            }
        }
        else if (spaces == 0)
        {
            return KeyFlags.None;
        }

        var end = j + 1;
        var k = end;
        for (var words = 1; ; words++)
        {
            var wordEnd = k;
            while (k > limit && (IsWord(Get(s, k - 1)) || Get(s, k - 1) is '-' or '.'))
            {
                k--;
            }

            if (k == wordEnd || words == 3 || k - 2 < limit || Get(s, k - 1) != ' ' || !IsLetter(Get(s, k - 2)))
            {
                break;
            }

            k--;
        }

        while (k < end && Get(s, k) == ' ')
        {
            k++;
        }

        return k < end && !IsWord(Get(s, k - 1)) ? Keys.Evaluate(s[k..end]) : KeyFlags.None;
    }
}
