using System.Text;
using Enrichers.Geo;
using Enrichers.Json;

namespace Enrichers.Tests.Geo;

/// <summary><see cref="ClientAddressSources.Find(LogObject)"/> marks the sources of a record in one pass over its top-level
/// names, which must agree with the look-up of each source (what is read) and leave nothing that
/// <see cref="ClientAddressSources.RemoveAll(LogObject)"/> misses (what must not survive).</summary>
public sealed class ClientAddressSourcesTests
{
    [Fact]
    public void The_one_pass_marks_exactly_the_sources_each_look_up_finds_in_any_nesting_case_or_escape()
    {
        var random = new Random(18);
        var seen = 0;
        for (var n = 0; n < 3000; n++)
        {
            var json = RandomRecord(random);
            var root = Parse(json);
            var expected = 0;
            for (var i = 0; i < ClientAddressSources.Fields.Length; i++)
            {
                expected |= ClientAddressSources.Find(root, i) is not null ? 1 << i : 0;
            }

            Assert.True(expected == ClientAddressSources.Find(root), $"{json}: look-ups {expected:b}, one pass {ClientAddressSources.Find(root):b}");
            seen |= expected;
        }

        // Every source was among the generated records, so each one's shapes were compared.
        Assert.Equal((1 << ClientAddressSources.Fields.Length) - 1, seen);
    }

    [Fact]
    public void Nothing_the_one_pass_or_a_look_up_would_find_is_left_after_removal()
    {
        var random = new Random(1818);
        for (var n = 0; n < 3000; n++)
        {
            var json = RandomRecord(random);
            var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!;
            var root = record.Root;
            ClientAddressSources.RemoveAll(root);
            Assert.True(ClientAddressSources.Find(root) == 0, json);
            for (var i = 0; i < ClientAddressSources.Fields.Length; i++)
            {
                Assert.True(ClientAddressSources.Find(root, i) is null, $"{json}: {ClientAddressSources.Fields[i]} survived");
            }

            Assert.DoesNotContain("81.2.69.", record.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_scan_points_to_a_lone_top_level_source_and_to_client_as_walks_of_the_root_find_them()
    {
        var random = new Random(1813);
        string[] clientKeys = ["\"client\":{\"id\":1}", "\"client\":\"web\"", "\"client.geo.city_name\":\"x\"", "\"cli\\u0065nt.port\":2", "\"clients\":3"];
        var leaves = 0;
        for (var n = 0; n < 3000; n++)
        {
            var json = RandomRecord(random);
            if (random.Next(2) == 0)
            {
                json = "{" + clientKeys[random.Next(clientKeys.Length)] + (json.Length > 2 ? "," : string.Empty) + json[1..];
            }

            var root = Parse(json);
            var scan = ClientAddressSources.Scan(root);
            var names = root.Properties.Select(p => p.Name).ToList();
            Assert.True(names.IndexOf("client") == scan.ClientAt, json);
            Assert.True(names.Count(name => name.Length > 7 && name.StartsWith("client.", StringComparison.Ordinal)) == scan.DottedClientKeys, json);
            if (scan.LeafAt < 0)
            {
                continue;
            }

            // The source is that property's value, and nothing of it is left once that property is gone.
            leaves++;
            Assert.True(System.Numerics.BitOperations.PopCount((uint)scan.Present) == 1, json);
            Assert.Same(ClientAddressSources.Find(root, scan.LeafIndex), root[scan.LeafAt].Value);
            root.RemoveAt(scan.LeafAt);
            Assert.True(ClientAddressSources.Find(root) == 0, json);
        }

        Assert.InRange(leaves, 300, 2700);
    }

    [Theory]
    [InlineData("{\"http\":{\"method\":\"GET\",\"status_code\":200},\"message\":\"no address\"}")]
    [InlineData("{\"http\":\"GET /\",\"request\":[1,2],\"http.request\":{\"headers\":\"none\"}}")]
    [InlineData("{\"http.request.headers.x-forwarded-fox\":\"81.2.69.160\",\"request.headers.x-real-ix\":\"81.2.69.160\"}")]
    [InlineData("{\"http\":{\"request\":{\"headers\":{\"x-forwarded\":\"81.2.69.160\",\"forwarded-for\":\"81.2.69.160\"}}}}")]
    public void Containers_without_a_header_and_names_of_the_same_length_mark_nothing(string json)
    {
        Assert.Equal(0, ClientAddressSources.Find(Parse(json)));
    }

    // A record of a few sources, each written in one of the ways it can be (nested, dotted, or half of each; a header
    // name in any case; a container name escaped), among properties that resemble them.
    private static string RandomRecord(Random random)
    {
        var members = new List<string>();
        var sources = random.Next(4);
        for (var k = 0; k < sources; k++)
        {
            var path = ClientAddressSources.Fields[random.Next(ClientAddressSources.Fields.Length)];
            var segments = path.Split('.');
            if (path.Contains("x-", StringComparison.Ordinal))
            {
                segments[^1] = RandomCase(random, segments[^1]);
            }

            members.Add(Nest(random, segments, "\"81.2.69." + random.Next(1, 255) + "\""));
        }

        string[] lookalikes =
        [
            "\"http\":{\"method\":\"GET\",\"request\":{\"id\":7}}", "\"request\":{\"headers\":{\"accept\":\"*/*\"}}",
            "\"client\":{\"id\":3}", "\"source\":\"agent\"", "\"ip_hash\":\"x\"", "\"http\":\"GET\"", "\"request\":\"/v1\"",
            "\"http.request\":{\"method\":\"GET\"}", "\"request.headers\":{\"x-forwarded\":\"a\"}", "\"client_ips\":\"b\"",
            "\"http.request.headers.x-forwarded-fo\":\"c\"", "\"remote_address\":\"d\"", "\"x-real-ipv6\":\"e\"",
        ];
        for (var k = random.Next(4); k > 0; k--)
        {
            members.Add(lookalikes[random.Next(lookalikes.Length)]);
        }

        return "{" + string.Join(",", members.OrderBy(_ => random.Next())) + "}";
    }

    // The segments as nested objects, dotted keys, or a mix; a name's first 'e' or 'r' sometimes escaped.
    private static string Nest(Random random, string[] segments, string value)
    {
        var take = 1 + random.Next(segments.Length);
        var name = Escape(random, string.Join('.', segments[..take]));
        var inner = take == segments.Length ? value : "{" + Nest(random, segments[take..], value) + "}";
        return "\"" + name + "\":" + inner;
    }

    private static string Escape(Random random, string name)
    {
        var at = name.IndexOfAny(['e', 'r']);
        return at < 0 || random.Next(5) != 0 ? name : name[..at] + "\\u00" + ((int)name[at]).ToString("x2") + name[(at + 1)..];
    }

    private static string RandomCase(Random random, string header)
    {
        var chars = header.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = random.Next(2) == 0 ? char.ToUpperInvariant(chars[i]) : chars[i];
        }

        return new string(chars);
    }

    private static LogObject Parse(string json) => LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!.Root;
}
