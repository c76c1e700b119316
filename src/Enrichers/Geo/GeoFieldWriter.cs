using Enrichers.Json;

namespace Enrichers.Geo;

/// <summary>Writes what a lookup gave into a record: <c>client.ip</c>, <c>client.ip_hash</c>, <c>client.geo.*</c>
/// and <c>client.as.*</c>.</summary>
internal static class GeoFieldWriter
{
    /// <summary>Writes the fields into the <c>client</c> object directly: one lookup per object instead of a path walk
    /// per field. A root-level dotted key of the same field is replaced in place, so a field never ends up twice.
    /// <paramref name="clientIp"/> and <paramref name="ipHash"/> are ASCII (empty: not written); the records' texts are
    /// pointed to, not copied (<see cref="GeoText"/>), and every node is new: records are shared, and later enrichers
    /// may change nodes in place.</summary>
    public static void Write(LogRecord record, ReadOnlySpan<byte> clientIp, ReadOnlySpan<byte> ipHash, GeoCityRecord? city, GeoAsnRecord? asn)
    {
        var root = record.Root;

        // Nearly no record has dotted client.* keys; knowing that, each field is set without a scan of the root.
        var dotted = HasDottedClientKeys(root) ? root : null;
        var client = root.GetOrAddObject("client");
        if (client is null)
        {
            // "client" holds a producer value that is not an object: keep it, write dotted keys.
            WriteByPath(record, clientIp, ipHash, city, asn);
            return;
        }

        SetLeaf(dotted, client, FieldNames.ClientIp, "ip", Ascii(record, clientIp));
        SetLeaf(dotted, client, GeoIpEnricher.ClientIpHashField, "ip_hash", Ascii(record, ipHash));
        if (HasGeo(city))
        {
            var geo = client.GetOrAddObject("geo", out var newGeo);
            if (geo is null)
            {
                WriteByPath(record, clientIp, ipHash, city, asn);
                return;
            }

            // A geo object made just now is empty: its fields are appended without a lookup each.
            SetLeaf(dotted, geo, FieldNames.ClientGeoCountryIsoCode, "country_iso_code", Reference(record, city!.CountryIsoCodeText), newGeo);
            SetLeaf(dotted, geo, FieldNames.ClientGeoCountryName, "country_name", Reference(record, city.CountryNameText), newGeo);
            SetLeaf(dotted, geo, FieldNames.ClientGeoCityName, "city_name", Reference(record, city.CityNameText), newGeo);
            SetLeaf(dotted, geo, FieldNames.ClientGeoRegionIsoCode, "region_iso_code", Reference(record, city.RegionIsoCodeText), newGeo);
            SetLeaf(dotted, geo, FieldNames.ClientGeoContinentCode, "continent_code", Reference(record, city.ContinentCodeText), newGeo);
            SetLeaf(dotted, geo, FieldNames.ClientGeoTimezone, "timezone", Reference(record, city.TimeZoneText), newGeo);
            SetLeaf(dotted, geo, FieldNames.ClientGeoLocation, "location", Location(record, city), newGeo);
            MarkIfNew(geo, newGeo);
        }

        if (asn is not null && (asn.Number is not null || asn.OrganizationNameText is not null))
        {
            var asObject = client.GetOrAddObject("as", out var newAs);
            if (asObject is null)
            {
                WriteByPath(record, clientIp, ipHash, city, asn);
                return;
            }

            SetLeaf(dotted, asObject, FieldNames.ClientAsNumber, "number", asn.Number);
            if (asn.OrganizationNameText is { } organizationName)
            {
                var organization = asObject.GetOrAddObject("organization", out var newOrganization);
                if (organization is null)
                {
                    SetPath(record, FieldNames.ClientAsOrganizationName, Reference(record, organizationName));
                }
                else
                {
                    SetLeaf(dotted, organization, FieldNames.ClientAsOrganizationName, "name", Reference(record, organizationName));
                    MarkIfNew(organization, newOrganization);
                }
            }

            MarkIfNew(asObject, newAs);
        }
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

    private static bool HasGeo(GeoCityRecord? city) => city is not null && (city.HasFields || city.RegionIsoCodeText is not null);

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

    private static bool HasDottedClientKeys(LogObject root)
    {
        var properties = root.PropertySpan;
        for (var i = 0; i < properties.Length; i++)
        {
            var property = properties[i];
            if (property.NameLength > 7 && (property.TryGetRawName(out var raw)
                    ? raw.StartsWith("client."u8)
                    : property.Name.StartsWith("client.", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sets <paramref name="leaf"/> in <paramref name="parent"/>, or the root-level dotted key of the
    /// same field when <paramref name="root"/> (given only when it has dotted client keys) holds one.</summary>
    private static void SetLeaf(LogObject? root, LogObject parent, string path, string leaf, LogNode? value, bool appendOnly = false)
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
    private static LogString? Reference(LogRecord record, GeoText? value) =>
        value is null ? null : record.NewReferenceString(value.Utf8, value.HasEscapes);

    private static LogObject? Location(LogRecord record, GeoCityRecord city)
    {
        if (city.Latitude is null || city.Longitude is null)
        {
            return null;
        }

        var location = record.NewObject();
        location.Append("lat", city.Latitude);
        location.Append("lon", city.Longitude);
        location.MarkReferenceOnly();
        return location;
    }
}
