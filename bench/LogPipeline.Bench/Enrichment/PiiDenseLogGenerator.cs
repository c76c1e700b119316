using System.Globalization;
using System.Net;
using System.Text;
using Enrichers.Geo;

namespace LogPipeline.Bench.Enrichment;

/// <summary>Web-service access lines as a busy public API writes them (about 430 bytes): each from a distinct
/// public client address (one in ten IPv6), and with one or two e-mail addresses and another public address in
/// the message, so that every line costs a GeoIP lookup that no address cache can serve and a masking pass
/// that finds something. Deterministic for a seed.</summary>
public sealed class PiiDenseLogGenerator
{
    private static readonly string[] Services = ["workspace-api", "mcp-gateway", "model-router", "audit-service"];
    private static readonly string[] Methods = ["GET", "GET", "GET", "POST", "POST", "PUT", "DELETE"];
    private static readonly string[] Names = ["jane.doe", "omar", "li.wei", "sofia", "kwame.mensah", "anna.k", "bjorn", "yuki.t"];
    private static readonly string[] Domains = ["example.com", "acme.io", "contoso.org", "mail.example.co.uk"];

    private static readonly string[] Agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Safari/17.6",
        "smm-cli/2.14.1 (linux; amd64) go1.23.4",
    ];

    private readonly Random _random;
    private readonly StringBuilder _line = new(512);
    private uint _next;

    public PiiDenseLogGenerator(int seed)
    {
        _random = new Random(seed);
        _next = (uint)seed * 2_654_435_761u;
    }

    public byte[] Next(int index)
    {
        var time = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero).AddMilliseconds(index * 7L);
        var status = _random.Next(20) == 0 ? 500 : _random.Next(10) == 0 ? 404 : 200;
        _line.Clear();
        var c = CultureInfo.InvariantCulture;
        _line.Append(c, $"{{\"@timestamp\":\"{time:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\",\"level\":\"{(status == 500 ? "error" : "info")}\",");
        _line.Append(c, $"\"service_name\":\"{Services[index % Services.Length]}\",\"trace_id\":\"{Hex(16)}\",\"span_id\":\"{Hex(8)}\",");
        _line.Append(c, $"\"client_ip\":\"{DistinctPublicAddress()}\",\"http\":{{\"method\":\"{Methods[_random.Next(Methods.Length)]}\",");
        _line.Append(c, $"\"path\":\"/v1/workspaces/ws-{_random.Next(100_000)}/members\",\"status_code\":{status},");
        _line.Append(c, $"\"user_agent\":\"{Agents[_random.Next(Agents.Length)]}\"}},\"duration_ms\":{_random.Next(1, 2000)},");
        _line.Append(c, $"\"message\":\"invitation for {Email()} ");
        _line.Append(_random.Next(2) == 0 ? $"sent by {Email()} " : "queued ");
        _line.Append(c, $"from {DistinctPublicAddress()}\"}}");
        return Encoding.UTF8.GetBytes(_line.ToString());
    }

    private string Email() => $"{Names[_random.Next(Names.Length)]}{_random.Next(1000)}@{Domains[_random.Next(Domains.Length)]}";

    /// <summary>Steps through the IPv4 space by an odd stride (so no address comes twice in 2^32 steps),
    /// skipping what is not public; one in ten is an IPv6 address from random bits.</summary>
    private string DistinctPublicAddress()
    {
        if (_random.Next(10) == 0)
        {
            Span<byte> v6 = stackalloc byte[16];
            _random.NextBytes(v6);
            v6[0] = (byte)(0x20 + _random.Next(0x0C));
            v6[1] = 0x01;
            return new IPAddress(v6).ToString();
        }

        while (true)
        {
            _next += 2_246_822_519u;
            var address = new IPAddress([(byte)(_next >> 24), (byte)(_next >> 16), (byte)(_next >> 8), (byte)_next]);
            if (IpAddressRanges.IsPublic(address))
            {
                return address.ToString();
            }
        }
    }

    private string Hex(int bytes)
    {
        Span<byte> value = stackalloc byte[bytes];
        _random.NextBytes(value);
        return Convert.ToHexStringLower(value);
    }
}
