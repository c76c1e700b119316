using System.Text;
using Enrichers.Json;

namespace Enrichers.Geo;

/// <summary>The fields a client address is read from, found and removed.</summary>
internal static class ClientAddressSources
{
    /// <summary>Index of <c>client.ip</c> in <see cref="Fields"/>.</summary>
    public const int ClientIpIndex = 1;

    /// <summary>Where the address is read from, in order of preference. Under every policy but
    /// <c>keep</c> all of them are removed, so the raw address survives nowhere. <see cref="Find(LogObject)"/>
    /// recognizes them by bit position in this order. From <see cref="FirstHeaderIndex"/> on they are HTTP
    /// headers, whose last segment (the header name) matches in any ASCII case: under ECS's
    /// <c>http.request.headers</c>, under <c>request.headers</c> (where the services log them, and where trace
    /// linking reads them), or copied to the top level.</summary>
    public static readonly string[] Fields =
    [
        "client_ip", FieldNames.ClientIp, "source.ip", "remote_addr", "ip", "x_forwarded_for",
        "http.request.headers.x-forwarded-for", "http.request.headers.x-real-ip",
        "request.headers.x-forwarded-for", "request.headers.x-real-ip",
        "x-forwarded-for", "x-real-ip",
    ];

    /// <summary>Index in <see cref="Fields"/> of the first HTTP header source.</summary>
    public const int FirstHeaderIndex = 6;

    private const int HttpHeadersIndex = FirstHeaderIndex;
    private const int RequestHeadersIndex = FirstHeaderIndex + 2;
    private const int TopLevelForwardedForIndex = FirstHeaderIndex + 4;
    private const int TopLevelRealIpIndex = FirstHeaderIndex + 5;

    private const string ForwardedFor = "x-forwarded-for";
    private const string RealIp = "x-real-ip";
    private const string HttpHeadersPath = "http.request.headers";
    private const string RequestHeadersPath = FieldNames.RequestHeaders;

    // Lengths of the dotted keys <container>.x-forwarded-for and <container>.x-real-ip (string lengths are not
    // constants in C#).
    private const int HttpDottedForwardedForLength = 36;
    private const int HttpDottedRealIpLength = 30;
    private const int RequestDottedForwardedForLength = 31;
    private const int RequestDottedRealIpLength = 25;

    // Bit min(n, 63) of entry c - 64 (for the ASCII chars from 64 on): a top-level name of n bytes starting with char c
    // may be a source, a container of one or a dotted client.* key. Made from Fields (whose names all start with a
    // letter), in both cases of the letter.
    private static readonly ulong[] SourceNameLengths = NameLengths();

    /// <summary>Which source fields the record has (bit i = <see cref="Fields"/>[i]): <see cref="Scan"/>'s
    /// <see cref="ClientAddressScan.Present"/>.</summary>
    public static int Find(LogObject root) => Scan(root).Present;

    /// <summary>Which source fields the record has, found in one pass over the top-level names instead of a path walk
    /// per field: most records have none, and this runs for every record. Nested objects and dotted keys are both
    /// recognized, as <see cref="LogPath"/> does. The same pass notes where the only source is when it is a top-level
    /// property, and where <c>client</c> is: what the enricher would otherwise walk the root for twice more (to read and
    /// remove the source) and once more to write <c>client.ip</c>.</summary>
    public static ClientAddressScan Scan(LogObject root)
    {
        // Dispatch on the raw name length first: no name is decoded, and most names match no length.
        var present = 0;
        var holders = 0;
        var leafAt = -1;
        var clientAt = -1;
        var dottedClientKeys = 0;
        var properties = root.PropertySpan;
        for (var i = 0; i < properties.Length; i++)
        {
            var property = properties[i];
            var length = property.NameLength;
            if (!MayHoldSource(property.FirstChar, length))
            {
                // Nearly every top-level name has a first char and length that no source, container or dotted client.*
                // key has: ruled out by one bit, without reading its bytes.
                continue;
            }

            var bits = 0;
            var leaf = false;
            switch (length)
            {
                case 2 when property.NameEquals("ip"):
                    bits = 1 << 4;
                    leaf = true;
                    break;
                // The headers' containers, nested or dotted, and dotted header keys: the headers under them are found
                // by the walk that reads and removes them, given this property only (not another pass over the root).
                case 4 when property.NameEquals("http"):
                case 12 when property.NameEquals("http.request"):
                case 20 when property.NameEquals(HttpHeadersPath):
                case HttpDottedForwardedForLength when StartsWith(property, HttpHeadersPath):
                case HttpDottedRealIpLength when StartsWith(property, HttpHeadersPath):
                    bits = HeaderBits(property, HttpHeadersIndex, 0);
                    break;
                case 7 when property.NameEquals(FieldNames.Request):
                case 15 when property.NameEquals(RequestHeadersPath):
                case RequestDottedForwardedForLength when StartsWith(property, RequestHeadersPath):
                case RequestDottedRealIpLength when StartsWith(property, RequestHeadersPath):
                    bits = HeaderBits(property, RequestHeadersIndex, 0);
                    break;
                case 6 when property.NameEquals("client"):
                    clientAt = clientAt < 0 ? i : clientAt;
                    bits = property.Value is LogObject client && LogPath.Find(client, "ip") is not null ? 1 << 1 : 0;
                    break;
                case 6 when property.NameEquals("source"):
                    bits = property.Value is LogObject source && LogPath.Find(source, "ip") is not null ? 1 << 2 : 0;
                    break;
                case 9 when property.NameEquals("client_ip"):
                    bits = 1 << 0;
                    leaf = true;
                    break;
                case 9 when property.NameEquals("client.ip"):
                    bits = 1 << 1;
                    leaf = true;
                    break;
                case 9 when property.NameEquals("source.ip"):
                    bits = 1 << 2;
                    leaf = true;
                    break;
                case 9 when property.NameEqualsIgnoreAsciiCase(RealIp):
                    bits = 1 << TopLevelRealIpIndex;
                    leaf = true;
                    break;
                case 11 when property.NameEquals("remote_addr"):
                    bits = 1 << 3;
                    leaf = true;
                    break;
                case 15 when property.NameEquals("x_forwarded_for"):
                    bits = 1 << 5;
                    leaf = true;
                    break;
                case 15 when property.NameEqualsIgnoreAsciiCase(ForwardedFor):
                    bits = 1 << TopLevelForwardedForIndex;
                    leaf = true;
                    break;
            }

            if (GeoFieldWriter.IsDottedClient(property, length))
            {
                dottedClientKeys++;
            }

            if (bits != 0)
            {
                present |= bits;
                holders++;
                leafAt = leaf ? i : -1;
            }
        }

        return new ClientAddressScan(present, holders == 1 ? leafAt : -1, clientAt, dottedClientKeys);
    }

    /// <summary>False when a top-level name whose <see cref="LogProperty.FirstChar"/> is <paramref name="first"/> and whose
    /// <see cref="LogProperty.NameLength"/> is <paramref name="length"/> can be none of what <see cref="Scan"/> looks for;
    /// true for the rest, and for names whose first char is not told (-1).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool MayHoldSource(int first, int length) =>
        first < 0 || ((uint)(first - 64) < 64 && (SourceNameLengths[first - 64] >> Math.Min(length, 63) & 1) != 0);

    private static ulong[] NameLengths()
    {
        // The top-level names Scan looks for: each field, whole or as the part before one of its dots (a container,
        // nested or a dotted key); and client.* keys of 8 bytes or more (GeoFieldWriter.IsDottedClient). Both cases of
        // every first letter: a few more names pass than needed (only the headers ignore case), none that is needed is
        // ruled out.
        var lengths = new ulong[64];
        foreach (var field in Fields)
        {
            System.Diagnostics.Debug.Assert(char.IsAsciiLetter(field[0]), "Every source field starts with an ASCII letter.");
            for (var end = 0; end <= field.Length; end++)
            {
                if (end == field.Length || field[end] == '.')
                {
                    Add(field[0], 1UL << Math.Min(end, 63));
                }
            }
        }

        Add(GeoFieldWriter.ClientName[0], ulong.MaxValue << (GeoFieldWriter.ClientName.Length + 2));
        return lengths;

        void Add(char first, ulong bits)
        {
            lengths[char.ToLowerInvariant(first) - 64] |= bits;
            lengths[char.ToUpperInvariant(first) - 64] |= bits;
        }
    }

    /// <summary>The value of source field <paramref name="index"/> (of <see cref="Fields"/>), or null.</summary>
    public static LogNode? Find(LogObject root, int index) => Slot(root, Fields[index], HeaderLength(index), remove: false);

    /// <summary>Removes every source field, nested or dotted.</summary>
    public static void RemoveAll(LogObject root)
    {
        for (var i = 0; i < Fields.Length; i++)
        {
            RemoveAll(root, i);
        }
    }

    /// <summary>Removes every occurrence of source field <paramref name="index"/> (of <see cref="Fields"/>).</summary>
    public static void RemoveAll(LogObject root, int index)
    {
        // A record can hold the same field nested and as a dotted key, or a key twice (JSON allows it), or a
        // header in two cases. Each pass removes a property, so this ends.
        while (Slot(root, Fields[index], HeaderLength(index), remove: true) is not null)
        {
        }
    }

    /// <summary>How many chars at the end of source field <paramref name="index"/> are an HTTP header name, matched in
    /// any case (0 for the other fields, matched exactly).</summary>
    private static int HeaderLength(int index) => index < FirstHeaderIndex
        ? 0
        : Fields[index].EndsWith(ForwardedFor, StringComparison.Ordinal) ? ForwardedFor.Length : RealIp.Length;

    /// <summary>Bits of the two header sources (X-Forwarded-For, X-Real-IP) starting at <paramref name="index"/>:
    /// <c>&lt;container&gt;.x-forwarded-for</c> and <c>&lt;container&gt;.x-real-ip</c>, nested or dotted at any
    /// level. One pass over each level's properties finds both (looking each one up with <see cref="Slot"/>
    /// walked every level twice, once per header: a quarter of the GeoIP enricher's time in a profile).</summary>
    private static int HeaderBits(LogObject obj, int index, int offset)
    {
        // Every name that can match at this level starts with the path's next char, a lowercase letter (in any case for
        // a header name): the other names are ruled out by their first char alone (an ECS http object's method, version,
        // request and response all are but one).
        var next = Fields[index][offset];
        System.Diagnostics.Debug.Assert(char.IsAsciiLetterLower(next), "Every part of a header source starts with a lowercase ASCII letter.");
        var bits = 0;
        foreach (var property in obj.PropertySpan)
        {
            var first = property.FirstChar;
            if (first < 0 || (first | 0x20) == next)
            {
                bits |= HeaderBits(property, index, offset);
            }
        }

        return bits;
    }

    /// <summary>What one property of a level adds to <see cref="HeaderBits(LogObject, int, int)"/>: the bit of the
    /// header it is, or the bits found under it when it is a leading part of the container.</summary>
    private static int HeaderBits(LogProperty property, int index, int offset)
    {
        var forwardedFor = Fields[index].AsSpan(offset);
        var realIp = Fields[index + 1].AsSpan(offset);

        // The container part still to walk at this level ("request.headers", then "headers", then none).
        var containerLength = forwardedFor.Length - ForwardedFor.Length - 1;

        // Dispatched on the name's length first, which rules out nearly every property: the three cases need
        // different lengths (a header name at this level is longer than any container part), and comparing the
        // bytes of every name with both paths cost more than the rest of GeoIP's work without a database.
        // NameLength measures an escaped name decoded, so such names need no case of their own.
        var length = property.NameLength;
        if (length == forwardedFor.Length)
        {
            return HeaderNameMatches(property, forwardedFor, ForwardedFor.Length) ? 1 << index : 0;
        }

        if (length == realIp.Length)
        {
            return HeaderNameMatches(property, realIp, RealIp.Length) ? 1 << (index + 1) : 0;
        }

        // A leading part of the container ("request", or "request.headers" as one dotted key).
        return length > 0 && length <= containerLength && forwardedFor[length] == '.' && property.Value is LogObject child
            && property.NameEquals(forwardedFor[..length])
            ? HeaderBits(child, index, offset + length + 1)
            : 0;
    }

    /// <summary>True when the name is <paramref name="container"/> followed by a dot and more.</summary>
    private static bool StartsWith(LogProperty property, string container)
    {
        return property.TryGetRawName(out var raw)
            ? raw.Length > container.Length + 1 && Ascii.Equals(raw[..container.Length], container) && raw[container.Length] == (byte)'.'
            : property.Name.Length > container.Length + 1 && property.Name.StartsWith(container, StringComparison.Ordinal)
                && property.Name[container.Length] == '.';
    }

    /// <summary>Finds (and removes, with an emptied parent object) the value at <paramref name="path"/>, nested or
    /// dotted as <see cref="LogPath"/> does, where the last <paramref name="headerLength"/> chars are an HTTP header
    /// name: matched ignoring ASCII case, as header names are case-insensitive and loggers keep whatever case the
    /// client sent. The other segments are field names, matched exactly. Unlike <see cref="LogPath"/>, every object of
    /// a segment's name is searched, not only the first: JSON allows a key twice (<c>{"client":{"id":1},
    /// "client":{"ip":"…"}}</c>), <see cref="Find(LogObject)"/> sees the address in the second, and it must be read and
    /// removed from there too, or the raw address would survive the policy.</summary>
    private static LogNode? Slot(LogObject obj, ReadOnlySpan<char> path, int headerLength, bool remove)
    {
        for (var i = 0; i < obj.Count; i++)
        {
            var property = obj[i];
            if (property.NameLength == path.Length && HeaderNameMatches(property, path, headerLength))
            {
                var value = property.Value;
                if (remove)
                {
                    obj.RemoveAt(i);
                }

                return value;
            }
        }

        // Dots inside the header name (none in the names used here) would not split a segment.
        var lastDot = path.Length - headerLength - 1;
        for (var dot = path.IndexOf('.'); dot > 0 && dot <= lastDot; dot = NextDot(path, dot))
        {
            var container = path[..dot];
            for (var i = 0; i < obj.Count; i++)
            {
                var property = obj[i];
                if (property.Value is LogObject child && property.NameLength == container.Length && property.NameEquals(container)
                    && Slot(child, path[(dot + 1)..], headerLength, remove) is { } value)
                {
                    if (remove && child.Count == 0)
                    {
                        obj.RemoveAt(i);
                    }

                    return value;
                }
            }
        }

        return null;
    }

    private static bool HeaderNameMatches(LogProperty property, ReadOnlySpan<char> path, int headerLength)
    {
        var fieldLength = path.Length - headerLength;
        if (property.TryGetRawName(out var raw))
        {
            return raw.Length == path.Length
                && Ascii.Equals(raw[..fieldLength], path[..fieldLength])
                && Ascii.EqualsIgnoreCase(raw[fieldLength..], path[fieldLength..]);
        }

        // Escaped or enricher-set names: rare, so decoding is fine.
        var name = property.Name.AsSpan();
        return name.Length == path.Length
            && name[..fieldLength].SequenceEqual(path[..fieldLength])
            && Ascii.EqualsIgnoreCase(name[fieldLength..], path[fieldLength..]);
    }

    private static int NextDot(ReadOnlySpan<char> path, int after)
    {
        var next = path[(after + 1)..].IndexOf('.');
        return next < 0 ? -1 : after + 1 + next;
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
