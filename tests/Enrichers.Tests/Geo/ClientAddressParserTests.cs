using System.Net;
using Enrichers.Geo;

namespace Enrichers.Tests.Geo;

public sealed class ClientAddressParserTests
{
    [Theory]
    [InlineData("81.2.69.160", "81.2.69.160")]
    [InlineData("81.2.69.160:5678", "81.2.69.160")]
    [InlineData("::ffff:81.2.69.160", "81.2.69.160")]
    [InlineData("[::ffff:81.2.69.160]:80", "81.2.69.160")]
    [InlineData("2001:DB8::1", "2001:db8::1")]
    [InlineData("[2001:db8::1]", "2001:db8::1")]
    [InlineData("[2001:db8::1]:443", "2001:db8::1")]
    [InlineData("fe80::1%eth0", "fe80::1")]
    [InlineData("  10.0.0.1\t", "10.0.0.1")]
    [InlineData("010.001.002.003", "10.1.2.3")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255:65535", "255.255.255.255")]
    public void Addresses_are_read_in_the_forms_logs_use(string text, string expected)
    {
        Assert.True(ClientAddressParser.TryParse(text, out var address));
        Assert.Equal(ClientAddress.From(IPAddress.Parse(expected)), address);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2.3")]
    [InlineData("1")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.4:")]
    [InlineData("1.2.3.4:abc")]
    [InlineData("1234.2.3.4")]
    [InlineData("256.2.3.4")]
    [InlineData("1.2.3.4.")]
    [InlineData(".1.2.3.4")]
    [InlineData("1..3.4")]
    [InlineData("[1.2.3.4]")]
    [InlineData("[2001:db8::1]443")]
    [InlineData("2001:db8::1::2")]
    [InlineData("example.com")]
    [InlineData("١.٢.٣.٤")]
    public void Anything_else_is_not_an_address(string text)
    {
        Assert.False(ClientAddressParser.TryParse(text, out _));
    }

    [Fact]
    public void Digits_and_dots_read_from_their_UTF8_bytes_give_what_the_char_parser_gives()
    {
        var random = new Random(1807);
        string[] fixedCases = ["81.2.69.160", "010.001.002.003", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1..3.4", ".1.2.3.4",
            "1.2.3.4.", "1.2.3.4.5", "1234.2.3.4", "0001.2.3.4", "1", ".", "1.2.3.04"];
        // Half quads of 1-4 digit parts (some too large, some with leading zeros), half any digits and dots.
        var texts = fixedCases.Concat(Enumerable.Range(0, 20_000).Select(n => n % 2 == 0
            ? string.Join('.', Enumerable.Range(0, 3 + random.Next(3) / 2).Select(_ => random.Next(random.Next(2) == 0 ? 300 : 10_000).ToString("D" + random.Next(1, 3), System.Globalization.CultureInfo.InvariantCulture)))
            : new string(Enumerable.Range(0, 1 + random.Next(18)).Select(_ => random.Next(4) == 0 ? '.' : (char)('0' + random.Next(10))).ToArray())));
        var parsed = 0;
        foreach (var text in texts)
        {
            var expected = ClientAddressParser.TryPick(text, out var expectedAddress);
            var actual = ClientAddressParser.TryPickPlain(System.Text.Encoding.UTF8.GetBytes(text), out var address, out var read);
            Assert.True(read, text);
            Assert.True(expected == actual, text);
            Assert.Equal(expectedAddress, address);
            parsed += actual ? 1 : 0;
        }

        // Both answers were compared many times.
        Assert.InRange(parsed, 100, 19_000);
    }

    [Fact]
    public void Hex_groups_and_colons_read_from_their_UTF8_bytes_give_what_the_char_parser_gives_when_read()
    {
        var random = new Random(1815);
        string[] fixedCases = ["2001:db8::1", "2001:DB8::1", "::", "::1", "1::", "::ffff:5102:45a0", "::ffff:0:5102:45a0", "2001:0db8:0000:0000:0000:0000:0000:0001",
            "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", "12345::1", ":1::2", "1:", ":", ":::", "1:2", "abc", "fe80::1",
            "2001:db8:0:0:1:0:0:1", "0:0:0:0:0:0:0:0", "1::2:3:4:5:6:7", "1::2:3:4:5:6:7:8"];
        // Random addresses in their short and full forms and in upper case, and random texts of hex digits and colons.
        var texts = fixedCases.Concat(Enumerable.Range(0, 20_000).Select(n =>
        {
            if (n % 2 == 0)
            {
                var bytes = new byte[16];
                random.NextBytes(bytes);
                for (var i = random.Next(16); i < 16 && random.Next(3) == 0; i++)
                {
                    // Runs of zero words, so that the short form has a gap.
                    bytes[i] = 0;
                }

                var text = new IPAddress(bytes).ToString();
                return (n / 2 % 3) switch
                {
                    0 => text,
                    1 => text.ToUpperInvariant(),
                    _ => string.Join(':', Enumerable.Range(0, 8).Select(w => (bytes[2 * w] << 8 | bytes[2 * w + 1]).ToString("x4", System.Globalization.CultureInfo.InvariantCulture))),
                };
            }

            return new string(Enumerable.Range(0, 1 + random.Next(40)).Select(_ => random.Next(4) == 0 ? ':' : "0123456789abcdefABCDEF"[random.Next(22)]).ToArray());
        }));
        var read = 0;
        var parsedV6 = 0;
        foreach (var text in texts)
        {
            var actual = ClientAddressParser.TryPickPlain(System.Text.Encoding.UTF8.GetBytes(text), out var address, out var wasRead);
            var expected = ClientAddressParser.TryPick(text, out var expectedAddress);
            if (!wasRead)
            {
                // Left to the char parser, which reads it as it always did.
                Assert.False(actual, text);
                continue;
            }

            // Read from the bytes: the char parser's judgement (an address only when it accepts one, the same one).
            Assert.True(expected == actual, text);
            Assert.Equal(expectedAddress, address);
            read += actual ? 1 : 0;
            parsedV6 += actual && !address.IsV4 ? 1 : 0;
        }

        // Every random address was read from its bytes as an address (a few of them IPv4-mapped), and the other texts
        // were tried.
        Assert.InRange(read, 10_000, 15_000);
        Assert.InRange(parsedV6, 9_900, 15_000);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" 81.2.69.160")]
    [InlineData("81.2.69.160:80")]
    [InlineData("10.0.0.1,81.2.69.160")]
    [InlineData("[2001:db8::1]")]
    [InlineData("2001:db8::1:")]
    [InlineData("::ffff:81.2.69.160")]
    [InlineData("fe80::1%eth0")]
    [InlineData(" 2001:db8::1")]
    [InlineData("unknown")]
    [InlineData("-")]
    public void Text_other_than_a_dotted_quad_or_plain_IPv6_is_left_to_the_char_parser(string text)
    {
        Assert.False(ClientAddressParser.TryPickPlain(System.Text.Encoding.UTF8.GetBytes(text), out _, out var read));
        Assert.False(read);
    }

    [Theory]
    [InlineData("2001:db8::1")]
    [InlineData("2001:218::1")]
    [InlineData("::ffff:5102:45a0")]
    [InlineData("81.2.69.160")]
    public void Plain_addresses_are_read_from_their_UTF8_bytes(string text)
    {
        Assert.True(ClientAddressParser.TryPickPlain(System.Text.Encoding.UTF8.GetBytes(text), out var address, out var read));
        Assert.True(read);
        Assert.Equal(ClientAddress.From(IPAddress.Parse(text)), address);
    }

    [Theory]
    [InlineData("10.0.0.1, 81.2.69.160, 8.8.8.8", "81.2.69.160")]
    [InlineData("unknown, 192.168.0.1, 2001:218::1", "2001:218::1")]
    [InlineData("10.0.0.1, 192.168.0.1", "10.0.0.1")]
    [InlineData("garbage,,8.8.8.8:53", "8.8.8.8")]
    public void A_list_gives_its_first_public_address_else_its_first_address(string list, string expected)
    {
        Assert.True(ClientAddressParser.TryPick(list, out var address));
        Assert.Equal(ClientAddress.From(IPAddress.Parse(expected)), address);
    }

    [Theory]
    [InlineData("81.2.69.160", true)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2001:218::1", true)]
    [InlineData("2002:5102:45a0::1", true)]
    [InlineData("2002:0a00:0001::1", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("203.0.113.9", false)]
    [InlineData("64:ff9b::808:808", false)]
    [InlineData("fc00::1", false)]
    public void Only_global_unicast_addresses_are_public(string text, bool expected)
    {
        Assert.Equal(expected, IpAddressRanges.IsPublic(IPAddress.Parse(text)));
    }
}
