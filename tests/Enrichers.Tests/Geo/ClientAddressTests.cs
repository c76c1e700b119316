using System.Net;
using Enrichers.Geo;

namespace Enrichers.Tests.Geo;

public sealed class ClientAddressTests
{
    [Fact]
    public void IPv6_text_is_read_as_the_framework_reads_it()
    {
        // Hex groups and colons in every arrangement (most invalid), and valid addresses written compressed or not:
        // the parser's own IPv6 reading must agree with IPAddress.TryParse on each, in what it accepts and the value.
        var random = new Random(7);
        const string Alphabet = "0123456789abcdefABCDEF::::";
        var texts = Enumerable.Range(0, 60_000).Select(_ =>
            new string(Enumerable.Range(0, random.Next(2, 42)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray()));
        texts = texts.Concat(Enumerable.Range(0, 20_000).Select(_ => RandomAddress(random).ToString()));
        texts = texts.Concat(["::", "::1", "1::", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
            "1::2::3", ":1::", "1:::2", "12345::", "0000:0000::", "FFFF::ffff", "1:2:3:4:5:6::7:8", "::ffff:5102:45a0"]);

        var compared = 0;
        foreach (var text in texts.Where(t => t.Count(c => c == ':') >= 2))
        {
            var expected = IPAddress.TryParse(text, out var parsed) && parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
            Assert.True(expected == ClientAddressParser.TryParse(text, out var address), $"'{text}': framework {expected}");
            if (expected)
            {
                Assert.True(ClientAddress.From(parsed!).Equals(address), $"'{text}' read as {address}, the framework reads {parsed}");
                compared++;
            }
        }

        Assert.True(compared > 20_000, $"only {compared} valid addresses compared");
    }

    [Fact]
    public void Addresses_are_written_as_the_framework_writes_them()
    {
        var random = new Random(11);
        var addresses = Enumerable.Range(0, 50_000).Select(_ => RandomAddress(random))
            .Concat(Enumerable.Range(0, 5_000).Select(_ => new IPAddress(random.NextInt64(0, uint.MaxValue + 1L))))
            .Concat(new[] { "::", "::1", "::1.2.3.4", "::ffff:0:1.2.3.4", "2001:db8::5efe:1.2.3.4", "1:0:0:1:0:0:0:1", "1:0:0:0:1:0:0:1",
                "0:1::", "1::", "fe80::1", "255.255.255.255", "0.0.0.0", "10.0.0.1" }.Select(IPAddress.Parse));

        foreach (var address in addresses)
        {
            Assert.Equal(address.ToString(), ClientAddress.From(address).ToString());
        }
    }

    [Fact]
    public void Every_IPv4_octet_is_written_in_every_place_as_the_framework_writes_it()
    {
        for (var octet = 0u; octet < 256; octet++)
        {
            // The octet in each of the four places, beside octets of one, two and three digits.
            foreach (var value in new[] { octet << 24 | 0x010A64, 0x0A6401u << 8 | octet, 0xFF000000u | octet << 16 | 0x0909, 0x09FFu << 16 | octet << 8 | 0x63 })
            {
                var address = new IPAddress(new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value });
                Assert.Equal(address.ToString(), ClientAddress.FromV4(value).ToString());
            }
        }
    }

    [Fact]
    public void Truncation_clears_every_bit_after_the_prefix()
    {
        var random = new Random(13);
        for (var i = 0; i < 20_000; i++)
        {
            var address = i % 2 == 0 ? RandomAddress(random) : new IPAddress(random.NextInt64(0, uint.MaxValue + 1L));
            var bytes = address.GetAddressBytes();
            var prefix = random.Next(0, bytes.Length * 8 + 1);
            for (var bit = prefix; bit < bytes.Length * 8; bit++)
            {
                bytes[bit >> 3] &= (byte)~(0x80 >> (bit & 7));
            }

            Assert.Equal(new IPAddress(bytes).ToString(), ClientAddress.From(address).Truncate(prefix).ToString());
        }
    }

    [Fact]
    public void An_IPv4_mapped_address_is_the_IPv4_address()
    {
        Assert.True(ClientAddressParser.TryParse("::ffff:5102:45a0", out var mapped));
        Assert.True(ClientAddressParser.TryParse("81.2.69.160", out var plain));

        Assert.Equal(plain, mapped);
        Assert.True(mapped.IsV4);
        Assert.Equal("81.2.69.160", mapped.ToString());
    }

    /// <summary>An IPv6 address whose words are zero half of the time, so runs of zeros of every length and place
    /// (and so every compressed form) come up.</summary>
    private static IPAddress RandomAddress(Random random)
    {
        var bytes = new byte[16];
        for (var word = 0; word < 8; word++)
        {
            if (random.Next(2) == 0)
            {
                bytes[2 * word] = (byte)(random.Next(3) == 0 ? 0 : random.Next(256));
                bytes[2 * word + 1] = (byte)random.Next(256);
            }
        }

        return new IPAddress(bytes);
    }
}
