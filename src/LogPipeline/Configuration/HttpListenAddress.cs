using System.Globalization;
using System.Net;

namespace LogPipeline.Configuration;

/// <summary>A parsed <c>Http:Address</c>: an IP address (or <c>localhost</c>, or <c>*</c> for all interfaces)
/// and a port.</summary>
internal readonly record struct HttpListenAddress(IPAddress Address, int Port)
{
    /// <summary>Parses <c>host:port</c> (<c>[v6]:port</c> for IPv6).</summary>
    public static bool TryParse(string text, out HttpListenAddress result)
    {
        result = default;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        var host = text[..colon];
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return false;
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        IPAddress? address = host switch
        {
            "*" or "+" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var parsed) ? parsed : null,
        };
        if (address is null)
        {
            return false;
        }

        result = new HttpListenAddress(address, port);
        return true;
    }
}
