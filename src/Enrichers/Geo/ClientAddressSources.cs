using System.Text;
using Enrichers.Json;

namespace Enrichers.Geo;

/// <summary>The fields a client address is read from, found and removed.</summary>
internal static class ClientAddressSources
{
    /// <summary>Index of <c>client.ip</c> in <see cref="Fields"/>.</summary>
    public const int ClientIpIndex = 1;

    /// <summary>Where the address is read from, in order of preference. Under every policy but
    /// <c>keep</c> all of them are removed, so the raw address survives nowhere. <see cref="Find"/>
    /// recognizes them by bit position in this order.</summary>
    public static readonly string[] Fields =
    [
        "client_ip", FieldNames.ClientIp, "source.ip", "remote_addr", "ip", "x_forwarded_for",
        "http.request.headers.x-forwarded-for",
    ];

    /// <summary>Which source fields the record has (bit i = <see cref="Fields"/>[i]), found in one pass
    /// over the top-level names instead of a path walk per field: most records have none, and this runs for
    /// every record. Nested objects and dotted keys are both recognized, as <see cref="LogPath"/> does.</summary>
    public static int Find(LogObject root)
    {
        // Dispatch on the raw name length first: no name is decoded, and most names match no length.
        var present = 0;
        var properties = root.PropertySpan;
        for (var i = 0; i < properties.Length; i++)
        {
            var property = properties[i];
            var value = property.Value;
            switch (property.NameLength)
            {
                case 2 when property.NameEquals("ip"):
                    present |= 1 << 4;
                    break;
                case 4 when property.NameEquals("http"):
                    present |= value is LogObject http && LogPath.Find(http, "request.headers.x-forwarded-for") is not null ? 1 << 6 : 0;
                    break;
                case 6 when property.NameEquals("client"):
                    present |= value is LogObject client && LogPath.Find(client, "ip") is not null ? 1 << 1 : 0;
                    break;
                case 6 when property.NameEquals("source"):
                    present |= value is LogObject source && LogPath.Find(source, "ip") is not null ? 1 << 2 : 0;
                    break;
                case 9 when property.NameEquals("client_ip"):
                    present |= 1 << 0;
                    break;
                case 9 when property.NameEquals("client.ip"):
                    present |= 1 << 1;
                    break;
                case 9 when property.NameEquals("source.ip"):
                    present |= 1 << 2;
                    break;
                case 11 when property.NameEquals("remote_addr"):
                    present |= 1 << 3;
                    break;
                case 12 when property.NameEquals("http.request"):
                    present |= value is LogObject request && LogPath.Find(request, "headers.x-forwarded-for") is not null ? 1 << 6 : 0;
                    break;
                case 15 when property.NameEquals("x_forwarded_for"):
                    present |= 1 << 5;
                    break;
                case 20 when property.NameEquals("http.request.headers"):
                    present |= value is LogObject headers && headers.Get("x-forwarded-for") is not null ? 1 << 6 : 0;
                    break;
                case 36 when property.NameEquals("http.request.headers.x-forwarded-for"):
                    present |= 1 << 6;
                    break;
            }
        }

        return present;
    }

    /// <summary>Removes every source field, nested or dotted.</summary>
    public static void RemoveAll(LogObject root)
    {
        foreach (var field in Fields)
        {
            RemoveAll(root, field);
        }
    }

    public static void RemoveAll(LogObject root, string path)
    {
        // A record can hold the same field nested and as a dotted key, or a key twice (JSON allows it).
        // Each pass removes a property, so this ends.
        while (LogPath.Remove(root, path))
        {
        }
    }

    /// <summary>The address text of a source value: a string, or the string items of an array joined by
    /// commas; null for other values.</summary>
    public static string? Text(LogNode node)
    {
        if (node is LogString s)
        {
            return s.Value;
        }

        // Some producers log X-Forwarded-For as an array of hops.
        if (node is LogArray array)
        {
            var builder = new StringBuilder();
            foreach (var item in array.Items)
            {
                if (item is LogString hop)
                {
                    builder.Append(hop.Value).Append(',');
                }
            }

            return builder.Length == 0 ? null : builder.ToString(0, builder.Length - 1);
        }

        return null;
    }

    /// <summary>Values that mean "no address" in access logs (nginx and load balancers write <c>-</c>).</summary>
    public static bool IsBlank(string text) => IsBlank(text.AsSpan());

    public static bool IsBlank(ReadOnlySpan<char> text)
    {
        var trimmed = text.Trim();
        return trimmed.IsEmpty || trimmed is "-" || trimmed.Equals("unknown", StringComparison.OrdinalIgnoreCase);
    }
}
