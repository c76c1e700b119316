using System.Net;
using Enrichers.Geo;

namespace Enrichers.Tests.Geo;

public sealed class IpAddressRangesTests
{
    // The IPv4 special-purpose ranges of docs/geoip.md, written as networks: the judgement IsPublic must give.
    private static readonly IPNetwork[] NonPublicV4 = new[]
    {
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
        "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    }.Select(IPNetwork.Parse).ToArray();

    [Fact]
    public void IPv4_addresses_under_every_first_octet_are_public_exactly_outside_the_special_ranges()
    {
        // Random addresses under each first octet, and the first and last address of each range and their neighbours.
        var random = new Random(1818);
        var addresses = Enumerable.Range(0, 256 * 200).Select(n => (uint)(n / 200) << 24 | (uint)random.Next(1 << 24))
            .Concat(NonPublicV4.SelectMany(Edges))
            .ToList();

        var nonPublic = 0;
        foreach (var value in addresses)
        {
            var address = new IPAddress(new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value });
            var expected = !NonPublicV4.Any(network => network.Contains(address));
            Assert.True(expected == IpAddressRanges.IsPublic(ClientAddress.FromV4(value)), address.ToString());
            nonPublic += expected ? 0 : 1;
        }

        // Both judgements were given many times.
        Assert.InRange(nonPublic, 5_000, addresses.Count - 20_000);
    }

    private static IEnumerable<uint> Edges(IPNetwork network)
    {
        var bytes = network.BaseAddress.GetAddressBytes();
        var first = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        var last = first | (uint.MaxValue >> network.PrefixLength);
        return new[] { first - 1, first, first + 1, last - 1, last, last + 1 };
    }
}
