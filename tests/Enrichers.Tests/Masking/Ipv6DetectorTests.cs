using System.Net;
using System.Net.Sockets;
using Enrichers.Masking;

namespace Enrichers.Tests.Masking;

/// <summary>The IPv6 pattern reads plain hex-group addresses with the project's own parser and everything else with the
/// framework's: its judgement must be the framework's on every text, so that what is masked does not depend on which of
/// the two read it.</summary>
public sealed class Ipv6DetectorTests
{
    [Fact]
    public void An_address_in_text_is_judged_as_the_frameworks_parser_judges_it()
    {
        var random = new Random(6);
        var judged = new Dictionary<IpResult, int>();
        for (var n = 0; n < 60_000; n++)
        {
            var text = RandomCandidate(random);
            var actual = IpDetector.Ipv6<char>(text, 0, out var end);
            var expected = FrameworkJudgement(text, out var expectedEnd);
            Assert.True(expected == actual, $"'{text}': {actual}, the framework's reading gives {expected}");
            Assert.True(expectedEnd == end, $"'{text}': ends at {end}, expected {expectedEnd}");
            Assert.Equal(actual, IpDetector.Ipv6<byte>(System.Text.Encoding.ASCII.GetBytes(text), 0, out _));
            judged[actual] = judged.GetValueOrDefault(actual) + 1;
        }

        // Each outcome was reached often, so the comparison covered masked, kept and refused texts alike.
        Assert.All(Enum.GetValues<IpResult>(), result => Assert.True(judged.GetValueOrDefault(result) > 1_000, $"{result}: {judged.GetValueOrDefault(result)}"));
    }

    [Theory]
    [InlineData("2001:4860:4860::8888 ", "Public")]
    [InlineData("2a00:1450:4001:80b::200e]", "Public")]
    [InlineData("2001:db8:1234:: ", "Kept")]
    [InlineData("2001:0db8:85a3:0000:0000:8a2e:0370:7334.", "Public")]
    [InlineData("2001:db8::ffff:1.2.3.4 ", "Public")]
    [InlineData("3fff:1::1%eth0", "Public")]
    [InlineData("2001:db8::1::2 ", "NotAnAddress")]
    [InlineData("fe80:0000::1 ", "Kept")]
    public void Forms_of_each_outcome(string text, string expected) =>
        Assert.Equal(Enum.Parse<IpResult>(expected), IpDetector.Ipv6<char>(text, 0, out _));

    // Hex groups, colons and dots in every arrangement after a first group of four hex digits (the detector's
    // precondition), valid addresses compressed or not among them, then what may follow an address in text.
    private static string RandomCandidate(Random random)
    {
        string start;
        if (random.Next(2) == 0)
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            bytes[0] = (byte)((bytes[0] & 0x1F) | (random.Next(4) == 0 ? 0xE0 : 0x20));
            if (random.Next(4) == 0)
            {
                // Zeros from a place on: a /48 network, or an address whose last groups are zero.
                var from = 6 + random.Next(10);
                Array.Clear(bytes, from, 16 - from);
            }

            start = new IPAddress(bytes).ToString();
            start = start.Length >= 5 && start[4] == ':' ? start : "2001:" + start.TrimStart(':');
        }
        else
        {
            const string Alphabet = "0123456789abcdefABCDEF:::::..";
            start = "2" + Hex(random, 3) + ":" + new string(Enumerable.Range(0, random.Next(1, 36)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
        }

        string[] after = ["", " ", ".", ":", "]", "x", ". ", "%1", ", ", "-"];
        return start + after[random.Next(after.Length)];
    }

    private static string Hex(Random random, int digits) =>
        new(Enumerable.Range(0, digits).Select(_ => "0123456789abcdef"[random.Next(16)]).ToArray());

    // What the detector decided before it had a parser of its own: the same scan of the text, then the framework's
    // reading of it.
    private static IpResult FrameworkJudgement(string s, out int end)
    {
        end = 0;
        static bool IsHex(char c) => char.IsAsciiHexDigit(c);
        static char At(string s, int i) => i >= 0 && i < s.Length ? s[i] : '\0';
        if (!IsHex(At(s, 1)) || !IsHex(At(s, 2)) || !IsHex(At(s, 3)) || At(s, 4) != ':')
        {
            return IpResult.NotAnAddress;
        }

        var pos = 0;
        var colons = 0;
        while (pos < s.Length && pos < 46 && (IsHex(s[pos]) || s[pos] is ':' or '.'))
        {
            colons += s[pos] == ':' ? 1 : 0;
            pos++;
        }

        if (char.IsAsciiLetterOrDigit(At(s, pos)) || At(s, pos) == '_' || colons < 2)
        {
            return IpResult.NotAnAddress;
        }

        while (pos > 0 && (s[pos - 1] == '.' || (s[pos - 1] == ':' && At(s, pos - 2) != ':')))
        {
            pos--;
        }

        var bytes = new byte[16];
        if (pos > 46 || !IPAddress.TryParse(s.AsSpan(0, pos), out var address) || address.AddressFamily != AddressFamily.InterNetworkV6
            || !address.TryWriteBytes(bytes, out _))
        {
            return IpResult.NotAnAddress;
        }

        end = pos;
        return (bytes[0] & 0xE0) == 0x20 && bytes.AsSpan(6).ContainsAnyExcept((byte)0) ? IpResult.Public : IpResult.Kept;
    }
}
