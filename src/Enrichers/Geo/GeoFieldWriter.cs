using Enrichers.Json;

namespace Enrichers.Geo;

/// <summary>Writes what a lookup gave into a record: <c>client.ip</c>, <c>client.ip_hash</c>, <c>client.geo.*</c>
/// and <c>client.as.*</c>.</summary>
internal static class GeoFieldWriter
{
    // The names written, made once from FieldNames' paths: constant bytes, so masking's names cache and the
    // output read them as they read unescaped input names, without converting a string at every record.
    private static readonly LogName Client = LogName.Segment(FieldNames.ClientIp, 0);

    /// <summary>The name of the object the fields are written into (<c>client</c>).</summary>
    internal static string ClientName => Client.Value;
    private static readonly LogName Ip = LogName.Leaf(FieldNames.ClientIp);
    private static readonly LogName IpHash = LogName.Leaf(GeoIpEnricher.ClientIpHashField);
    private static readonly LogName Geo = LogName.Segment(FieldNames.ClientGeoCountryIsoCode, 1);
    // The geo object's fields in the order written: their paths (dotted root keys of the same field are replaced in
    // place) and their names.
    private static readonly string[] GeoPaths =
    [
        FieldNames.ClientGeoCountryIsoCode, FieldNames.ClientGeoCountryName, FieldNames.ClientGeoCityName, FieldNames.ClientGeoRegionIsoCode,
        FieldNames.ClientGeoContinentCode, FieldNames.ClientGeoTimezone, FieldNames.ClientGeoLocation,
    ];

    private static readonly LogName[] GeoLeaves = Array.ConvertAll(GeoPaths, LogName.Leaf);

    // Each geo field's index in GeoPaths: a City record keeps its texts by these (GeoCityRecord, GeoCityValues).
    internal const int CountryIsoCodeIndex = 0;
    internal const int CountryNameIndex = 1;
    internal const int CityNameIndex = 2;
    internal const int RegionIndex = 3;
    internal const int ContinentCodeIndex = 4;
    internal const int TimeZoneIndex = 5;

    /// <summary>The geo fields that are texts: all but the last, location (whose index this is).</summary>
    internal const int GeoTextCount = 6;

    private static readonly LogName Lat = LogName.Leaf(FieldNames.ClientGeoLocationLat);
    private static readonly LogName Lon = LogName.Leaf(FieldNames.ClientGeoLocationLon);
    private static readonly LogName As = LogName.Segment(FieldNames.ClientAsNumber, 1);
    private static readonly LogName AsNumber = LogName.Leaf(FieldNames.ClientAsNumber);
    private static readonly LogName Organization = LogName.Segment(FieldNames.ClientAsOrganizationName, 2);
    private static readonly LogName OrganizationName = LogName.Leaf(FieldNames.ClientAsOrganizationName);

    /// <summary>Writes the fields into the <c>client</c> object directly: one lookup per object instead of a path walk
    /// per field. A root-level dotted key of the same field is replaced in place, so a field never ends up twice.
    /// <paramref name="clientIp"/> and <paramref name="ipHash"/> are ASCII (empty: not written); the records' texts are
    /// pointed to, not copied (<see cref="GeoText"/>), and every node is new: records are shared, and later enrichers
    /// may change nodes in place.</summary>
    public static void Write(LogRecord record, ReadOnlySpan<byte> clientIp, ReadOnlySpan<byte> ipHash, GeoCityRecord? city, GeoAsnRecord? asn)
    {
        // One scan of the root finds client and tells whether it has dotted client.* keys. Nearly no record has them;
        // knowing that, each field is set without a scan of the root.
        var clientAt = ScanRoot(record.Root, out var hasDotted);
        Write(record, clientIp, ipHash, city, asn, clientAt, hasDotted);
    }

    /// <summary>As <see cref="Write(LogRecord, ReadOnlySpan{byte}, ReadOnlySpan{byte}, GeoCityRecord?, GeoAsnRecord?)"/>
    /// when the caller knows the root as <see cref="ScanRoot"/> would find it (the index of the first <c>client</c>
    /// property, -1 when none; whether there are dotted <c>client.*</c> keys): the enricher learns both in the pass that
    /// finds the address sources.</summary>
    public static void Write(LogRecord record, ReadOnlySpan<byte> clientIp, ReadOnlySpan<byte> ipHash, GeoCityRecord? city, GeoAsnRecord? asn,
        int clientAt, bool hasDotted)
    {
        var root = record.Root;
        var dotted = hasDotted ? root : null;
        var newClient = clientAt < 0;
        var client = newClient ? root.AddObject(Client) : root[clientAt].Value as LogObject;
        if (client is null)
        {
            // "client" holds a producer value that is not an object: keep it, write dotted keys.
            WriteByPath(record, clientIp, ipHash, city, asn);
            return;
        }

        // An object made just now is empty: its fields are appended without a lookup each.
        SetLeaf(dotted, client, FieldNames.ClientIp, Ip, Ascii(record, clientIp), newClient);
        SetLeaf(dotted, client, GeoIpEnricher.ClientIpHashField, IpHash, Ascii(record, ipHash), newClient);
        if (HasGeo(city))
        {
            var geo = Child(client, Geo, newClient, out var newGeo);
            if (geo is null)
            {
                WriteByPath(record, clientIp, ipHash, city, asn);
                return;
            }

            if (newGeo && dotted is null)
            {
                // The usual case: a geo object made just now holds the record's fields and nothing else. Nearly always
                // it is only written, so it writes them from the record, and makes its nodes only if something reads it.
                geo.Defer(city!);
            }
            else
            {
                var values = GeoValues(record.Pool, city!);
                for (var i = 0; i < GeoPaths.Length; i++)
                {
                    SetLeaf(dotted, geo, GeoPaths[i], GeoLeaves[i], values[i], newGeo);
                }

                MarkIfNew(geo, newGeo);
            }
        }

        if (asn is { HasFields: true })
        {
            var asObject = Child(client, As, newClient, out var newAs);
            if (asObject is null)
            {
                WriteByPath(record, clientIp, ipHash, city, asn);
                return;
            }

            if (newAs && dotted is null)
            {
                // As client.geo: an object made just now, nearly always only written.
                asObject.Defer(asn);
            }
            else
            {
                SetAsFields(record, dotted, asObject, newAs, asn);
            }
        }
    }

    /// <summary>The fields of <paramref name="asn"/> set into a <c>client.as</c> object one by one: the producer's own
    /// object, or a new one when the root has dotted <c>client.*</c> keys (a dotted key of the same field is set in its
    /// place).</summary>
    private static void SetAsFields(LogRecord record, LogObject? dotted, LogObject asObject, bool newAs, GeoAsnRecord asn)
    {
        SetLeaf(dotted, asObject, FieldNames.ClientAsNumber, AsNumber, asn.Number, newAs);
        if (asn.OrganizationNameText is { } organizationName)
        {
            var organization = Child(asObject, Organization, newAs, out var newOrganization);
            if (organization is null)
            {
                SetPath(record, FieldNames.ClientAsOrganizationName, Reference(record, organizationName));
            }
            else
            {
                SetLeaf(dotted, organization, FieldNames.ClientAsOrganizationName, OrganizationName, Reference(record, organizationName), newOrganization);
                MarkIfNew(organization, newOrganization);
            }
        }

        MarkIfNew(asObject, newAs);
    }

    /// <summary>Appends the geo fields of <paramref name="city"/> to an empty object, as nodes (the deferred members of
    /// <see cref="GeoCityRecord"/>), and marks it as an object made here is marked.</summary>
    internal static void AppendGeo(GeoCityRecord city, LogObject geo)
    {
        var values = GeoValues(geo.Pool, city);
        geo.AppendAll(GeoLeaves, values);
        geo.MarkReferenceOnly();
    }

    /// <summary>The <c>client.geo</c> object of a City record's <paramref name="texts"/> (in the order of
    /// <see cref="GeoPaths"/>; null: absent) and the coordinates <paramref name="latitude"/> and
    /// <paramref name="longitude"/> (number literals; empty: no location), braces included: the bytes the nodes of
    /// <see cref="AppendGeo"/> are written as (names and texts as their JSON bytes), which a deferred object writes, and
    /// which <see cref="GeoCityValues"/> reads those nodes' values back from.</summary>
    internal static byte[] RenderGeo(ReadOnlySpan<GeoText?> texts, ReadOnlySpan<byte> latitude, ReadOnlySpan<byte> longitude)
    {
        // Written straight into an array of the exact length, measured first: a record is rendered once, when first
        // decoded, where a JSON writer's buffer would be copied out again (members as JsonOutput writes them).
        var hasLocation = !latitude.IsEmpty && !longitude.IsEmpty;
        var length = 2;
        var members = 0;
        for (var i = 0; i < GeoTextCount; i++)
        {
            if (texts[i] is { } text)
            {
                length += MemberLength(GeoLeaves[i].Utf8.Span) + text.Utf8.Length + 2; // the text in quotes
                members++;
            }
        }

        if (hasLocation)
        {
            // "location":{"lat":..,"lon":..}: its braces and the comma between the coordinates besides the members.
            length += MemberLength(GeoLeaves[GeoTextCount].Utf8.Span) + 2 + MemberLength(Lat.Utf8.Span) + latitude.Length
                + 1 + MemberLength(Lon.Utf8.Span) + longitude.Length;
            members++;
        }

        var json = new byte[length + Math.Max(0, members - 1)];
        var span = json.AsSpan();
        span[0] = (byte)'{';
        var at = 1;
        for (var i = 0; i < GeoTextCount; i++)
        {
            if (texts[i] is { } text)
            {
                at = Member(span, at, GeoLeaves[i].Utf8.Span);
                span[at++] = (byte)'"';
                text.Utf8.Span.CopyTo(span[at..]);
                at += text.Utf8.Length;
                span[at++] = (byte)'"';
            }
        }

        if (hasLocation)
        {
            at = Member(span, at, GeoLeaves[GeoTextCount].Utf8.Span);
            span[at++] = (byte)'{';
            at = Member(span, at, Lat.Utf8.Span);
            latitude.CopyTo(span[at..]);
            at += latitude.Length;
            at = Member(span, at, Lon.Utf8.Span);
            longitude.CopyTo(span[at..]);
            at += longitude.Length;
            span[at++] = (byte)'}';
        }

        span[at] = (byte)'}';
        return json;
    }

    /// <summary>The length of <c>"name":</c> as <see cref="Member"/> writes it, without the comma.</summary>
    private static int MemberLength(ReadOnlySpan<byte> name) => name.Length + 3;

    /// <summary>Puts <c>,"name":</c> at <paramref name="at"/> of <paramref name="json"/> (the comma unless an object
    /// opens just before); returns where it ends.</summary>
    private static int Member(Span<byte> json, int at, ReadOnlySpan<byte> name) =>
        at + JsonOutput.MemberStart(json[at..], name, comma: json[at - 1] != (byte)'{');

    /// <summary>Appends the fields of <paramref name="asn"/> to an empty <c>client.as</c> object, as nodes (the deferred
    /// members of <see cref="GeoAsnRecord"/>), marked as objects made here are marked.</summary>
    internal static void AppendAs(GeoAsnRecord asn, LogObject target)
    {
        if (asn.Number is { } number)
        {
            target.Append(AsNumber, number);
        }

        if (asn.OrganizationNameText is { } organizationName)
        {
            var organization = target.AddObject(Organization);
            organization.Append(OrganizationName, Reference(target.Pool, organizationName)!);
            organization.MarkReferenceOnly();
        }

        target.MarkReferenceOnly();
    }

    /// <summary>Writes the <c>client.as</c> object of <paramref name="asn"/>, braces included, without nodes: the bytes the
    /// nodes of <see cref="AppendAs"/> are written as.</summary>
    internal static void WriteAs(GeoAsnRecord asn, ref JsonOutput output)
    {
        output.WriteByte((byte)'{');
        if (asn.Number is { } number)
        {
            output.WriteMemberRaw(AsNumber.Utf8.Span, comma: false);
            output.WriteRaw(number.RawUtf8);
        }

        if (asn.OrganizationNameText is { } organizationName)
        {
            output.WriteMemberRaw(Organization.Utf8.Span, comma: asn.Number is not null);
            output.WriteByte((byte)'{');
            output.WriteMemberRawString(OrganizationName.Utf8.Span, organizationName.Utf8.Span, comma: false);
            output.WriteByte((byte)'}');
        }

        output.WriteByte((byte)'}');
    }

    /// <summary>The values of <see cref="GeoPaths"/>' fields as new nodes (null: not written).</summary>
    private static GeoValueArray GeoValues(LogNodePool? pool, GeoCityRecord city)
    {
        var values = new GeoValueArray();
        for (var i = 0; i < GeoTextCount; i++)
        {
            values[i] = Reference(pool, city.Text(i));
        }

        values[GeoTextCount] = Location(pool, city);
        return values;
    }

    /// <summary>The index among <see cref="GeoPaths"/>' fields of the leaf named <paramref name="name"/> (UTF-8), or -1.</summary>
    internal static int GeoLeafIndex(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < GeoLeaves.Length; i++)
        {
            if (name.SequenceEqual(GeoLeaves[i].Utf8.Span))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>An object made here holds only the database's texts and numbers under the names of
    /// <see cref="FieldNames.GeoObjectMemberNames"/>: marked so masking may skip it (see <see cref="LogObject.MarkReferenceOnly"/>).
    /// A producer's object that was there before is never marked.</summary>
    private static void MarkIfNew(LogObject obj, bool made)
    {
        if (made)
        {
            obj.MarkReferenceOnly();
        }
    }

    /// <summary>The child object <paramref name="name"/> of <paramref name="parent"/>, appended when absent (and at
    /// once when the parent is new itself); null when the name holds a value that is not an object.</summary>
    private static LogObject? Child(LogObject parent, LogName name, bool parentIsNew, out bool added)
    {
        if (parentIsNew)
        {
            added = true;
            return parent.AddObject(name);
        }

        return parent.GetOrAddObject(name, out added);
    }

    private static bool HasGeo(GeoCityRecord? city) => city is not null && (city.HasFields || city.HasRegion);

    private static void WriteByPath(LogRecord record, ReadOnlySpan<byte> clientIp, ReadOnlySpan<byte> ipHash, GeoCityRecord? city, GeoAsnRecord? asn)
    {
        SetPath(record, FieldNames.ClientIp, Ascii(record, clientIp));
        SetPath(record, GeoIpEnricher.ClientIpHashField, Ascii(record, ipHash));
        SetPath(record, FieldNames.ClientGeoCountryIsoCode, Reference(record, city?.CountryIsoCodeText));
        SetPath(record, FieldNames.ClientGeoCountryName, Reference(record, city?.CountryNameText));
        SetPath(record, FieldNames.ClientGeoCityName, Reference(record, city?.CityNameText));
        SetPath(record, FieldNames.ClientGeoRegionIsoCode, Reference(record, city?.RegionIsoCodeText));
        SetPath(record, FieldNames.ClientGeoContinentCode, Reference(record, city?.ContinentCodeText));
        SetPath(record, FieldNames.ClientGeoTimezone, Reference(record, city?.TimeZoneText));
        SetPath(record, FieldNames.ClientGeoLocation, city is null ? null : Location(record, city));
        SetPath(record, FieldNames.ClientAsNumber, asn?.Number);
        SetPath(record, FieldNames.ClientAsOrganizationName, Reference(record, asn?.OrganizationNameText));
    }

    /// <summary>The index of the first <c>client</c> property of the root (-1: none), and whether the root has dotted
    /// <c>client.*</c> keys.</summary>
    private static int ScanRoot(LogObject root, out bool dotted)
    {
        var name = Client.Value;
        var clientAt = -1;
        dotted = false;
        var properties = root.PropertySpan;
        for (var i = 0; i < properties.Length; i++)
        {
            // The length test first: it rules out nearly every name without comparing it.
            var property = properties[i];
            var length = property.NameLength;
            if (length == name.Length)
            {
                if (clientAt < 0 && property.NameEquals(name))
                {
                    clientAt = i;
                }
            }
            else if (IsDottedClient(property, length))
            {
                dotted = true;
            }
        }

        return clientAt;
    }

    /// <summary>True when <paramref name="property"/> (whose <see cref="LogProperty.NameLength"/> is
    /// <paramref name="length"/>) is a dotted <c>client.*</c> key of the root.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static bool IsDottedClient(LogProperty property, int length)
    {
        var name = Client.Value;
        return length > name.Length + 1 && (property.TryGetRawName(out var raw)
            ? raw[name.Length] == (byte)'.' && raw.StartsWith(Client.Utf8.Span)
            : property.Name[name.Length] == '.' && property.Name.StartsWith(name, StringComparison.Ordinal));
    }

    /// <summary>Sets <paramref name="leaf"/> in <paramref name="parent"/>, or the root-level dotted key of the
    /// same field when <paramref name="root"/> (given only when it has dotted client keys) holds one.</summary>
    private static void SetLeaf(LogObject? root, LogObject parent, string path, LogName leaf, LogNode? value, bool appendOnly)
    {
        if (value is null)
        {
            return;
        }

        if (appendOnly && root is null)
        {
            parent.Append(leaf, value);
            return;
        }

        for (var i = 0; root is not null && i < root.Count; i++)
        {
            // The length test first: it rules out nearly every name without comparing it.
            var property = root[i];
            if (property.NameLength == path.Length && property.NameEquals(path))
            {
                property.Value = value;
                return;
            }
        }

        parent.Set(leaf, value);
    }

    private static void SetPath(LogRecord record, string path, LogNode? value)
    {
        if (value is not null)
        {
            record.Set(path, value);
        }
    }

    /// <summary>An address or token the enricher made (ASCII, nothing to escape), copied into the session's arena.</summary>
    private static LogString? Ascii(LogRecord record, ReadOnlySpan<byte> value) => value.IsEmpty ? null : record.NewUtf8String(value);

    /// <summary>A text from the database: reference data, which masking's built-in patterns skip.</summary>
    private static LogString? Reference(LogRecord record, GeoText? value) => Reference(record.Pool, value);

    private static LogString? Reference(LogNodePool? pool, GeoText? value) =>
        value is null ? null : LogRecord.NewReferenceString(pool, value.Utf8, value.HasEscapes);

    private static LogObject? Location(LogRecord record, GeoCityRecord city) => Location(record.Pool, city);

    private static LogObject? Location(LogNodePool? pool, GeoCityRecord city)
    {
        if (city.Latitude is null || city.Longitude is null)
        {
            return null;
        }

        var location = pool is null ? new LogObject() : pool.Object();
        location.Append(Lat, city.Latitude);
        location.Append(Lon, city.Longitude);
        location.MarkReferenceOnly();
        return location;
    }

    /// <summary>The values of <see cref="GeoPaths"/>' fields, on the stack (null: not written). Its length is GeoPaths':
    /// with another, every write of geo fields throws (an index out of range, or AppendAll's check), so no test passes.</summary>
    [System.Runtime.CompilerServices.InlineArray(7)]
    private struct GeoValueArray
    {
        private LogNode? _value;
    }
}
