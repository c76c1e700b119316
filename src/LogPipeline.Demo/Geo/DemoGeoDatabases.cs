namespace LogPipeline.Demo.Geo;

/// <summary>Small City and ASN databases for the <c>demo</c> command, built at run time with
/// <see cref="MaxMindDatabaseWriter"/> (MaxMind's databases may not be redistributed with the code). Their
/// metadata says what they are: <see cref="Description"/>. The places are invented for the demo.</summary>
public static class DemoGeoDatabases
{
    public const string Description = "LogPipeline demo data, not real geolocation";

    /// <summary>Contains <c>City</c>, which <c>DatabaseReader.City</c> requires.</summary>
    public const string CityDatabaseType = "LogPipeline-Demo-City";

    /// <summary>Contains <c>GeoLite2-ASN</c>, which <c>DatabaseReader.Asn</c> requires.</summary>
    public const string AsnDatabaseType = "LogPipeline-Demo-GeoLite2-ASN";

    /// <summary>Fixed so that repeated runs write identical files.</summary>
    public static readonly DateTimeOffset BuildTime = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly (string Network, string Country, string CountryName, string Continent, string? City,
        string? Subdivision, double Lat, double Lon, string TimeZone, uint Asn, string AsOrganization)[] Networks =
    [
        // The addresses of MaxMind's test databases, so demo output matches the conformance tests.
        ("81.2.69.0/24", "GB", "United Kingdom", "EU", "London", "ENG", 51.5142, -0.0931, "Europe/London", 64500, "Demo Carrier UK"),
        ("2.125.160.216/29", "GB", "United Kingdom", "EU", "Boxford", "WBK", 51.75, -1.25, "Europe/London", 64500, "Demo Carrier UK"),
        ("89.160.20.112/28", "SE", "Sweden", "EU", "Linköping", "E", 58.4167, 15.6167, "Europe/Stockholm", 64501, "Demo Bredband SE"),
        ("216.160.83.56/29", "US", "United States", "NA", "Milton", "WA", 47.2513, -122.3149, "America/Los_Angeles", 64502, "Demo Cable US"),
        ("175.16.199.0/24", "CN", "China", "AS", "Changchun", "22", 43.88, 125.3228, "Asia/Harbin", 64503, "Demo Telecom CN"),
        ("67.43.156.0/24", "BT", "Bhutan", "AS", null, null, 27.5, 90.5, "Asia/Thimphu", 64504, "Demo Mobile BT"),
        ("2001:218::/32", "JP", "Japan", "AS", null, null, 35.68536, 139.75309, "Asia/Tokyo", 64505, "Demo Fiber JP"),
        ("2a02:d180::/29", "DE", "Germany", "EU", null, null, 51.5, 10.5, "Europe/Berlin", 64506, "Demo Netz DE"),
        ("2a02:d280::/29", "DE", "Germany", "EU", "Berlin", "BE", 52.52, 13.405, "Europe/Berlin", 64506, "Demo Netz DE"),

        // Other public addresses the demo generator uses.
        ("104.18.0.0/16", "US", "United States", "NA", "San Francisco", "CA", 37.7749, -122.4194, "America/Los_Angeles", 64510, "Demo Edge Network"),
        ("151.101.0.0/16", "US", "United States", "NA", "New York", "NY", 40.7128, -74.006, "America/New_York", 64511, "Demo CDN"),
        ("35.190.0.0/16", "US", "United States", "NA", "Council Bluffs", "IA", 41.2619, -95.8608, "America/Chicago", 64512, "Demo Cloud"),
        ("188.114.96.0/22", "NL", "Netherlands", "EU", "Amsterdam", "NH", 52.3676, 4.9041, "Europe/Amsterdam", 64510, "Demo Edge Network"),
        ("2606:4700::/32", "US", "United States", "NA", "San Francisco", "CA", 37.7749, -122.4194, "America/Los_Angeles", 64510, "Demo Edge Network"),
        ("2a00:1450:4001::/48", "DE", "Germany", "EU", "Frankfurt am Main", "HE", 50.1109, 8.6821, "Europe/Berlin", 64512, "Demo Cloud"),
    ];

    /// <summary>One public address in each network of the demo databases.</summary>
    public static IReadOnlyList<string> SampleAddresses { get; } =
    [
        "81.2.69.160", "2.125.160.216", "89.160.20.112", "216.160.83.56", "175.16.199.0", "67.43.156.1", "2001:218::1",
        "2a02:d180::1", "2a02:d280::1", "104.18.7.192", "151.101.1.69", "35.190.247.13", "188.114.97.3",
        "2606:4700:4700::1111", "2a00:1450:4001:80b::200e",
    ];

    /// <summary>Writes the demo City and ASN databases (each to a temporary file first, then renamed, so a
    /// running enricher never sees half a file).</summary>
    public static void Write(string cityPath, string asnPath)
    {
        WriteAtomically(CreateCityWriter(), cityPath);
        WriteAtomically(CreateAsnWriter(), asnPath);
    }

    internal static MaxMindDatabaseWriter CreateCityWriter()
    {
        var writer = NewWriter(CityDatabaseType);
        foreach (var n in Networks)
        {
            writer.Insert(n.Network, CityRecord(n.Country, n.CountryName, n.Continent, n.City, n.Subdivision, n.Lat, n.Lon, n.TimeZone));
        }

        return writer;
    }

    internal static MaxMindDatabaseWriter CreateAsnWriter()
    {
        var writer = NewWriter(AsnDatabaseType);
        foreach (var n in Networks)
        {
            writer.Insert(n.Network, AsnRecord(n.Asn, n.AsOrganization));
        }

        return writer;
    }

    /// <summary>A record shaped like GeoIP2-City's, which <c>DatabaseReader.City</c> reads.</summary>
    public static IDictionary<string, object> CityRecord(string countryIsoCode, string countryName, string continentCode,
        string? cityName, string? subdivisionIsoCode, double latitude, double longitude, string timeZone)
    {
        var record = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["continent"] = new Dictionary<string, object> { ["code"] = continentCode },
            ["country"] = new Dictionary<string, object>
            {
                ["iso_code"] = countryIsoCode,
                ["names"] = new Dictionary<string, object> { ["en"] = countryName },
            },
            ["location"] = new Dictionary<string, object>
            {
                ["accuracy_radius"] = (ushort)100,
                ["latitude"] = latitude,
                ["longitude"] = longitude,
                ["time_zone"] = timeZone,
            },
        };
        if (cityName is not null)
        {
            record["city"] = new Dictionary<string, object> { ["names"] = new Dictionary<string, object> { ["en"] = cityName } };
        }

        if (subdivisionIsoCode is not null)
        {
            record["subdivisions"] = new object[] { new Dictionary<string, object> { ["iso_code"] = subdivisionIsoCode } };
        }

        return record;
    }

    /// <summary>A record shaped like GeoLite2-ASN's.</summary>
    public static IDictionary<string, object> AsnRecord(uint number, string organization) =>
        new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["autonomous_system_number"] = number,
            ["autonomous_system_organization"] = organization,
        };

    private static MaxMindDatabaseWriter NewWriter(string type)
    {
        var writer = new MaxMindDatabaseWriter(type) { BuildTime = BuildTime };
        writer.Description["en"] = Description;
        return writer;
    }

    private static void WriteAtomically(MaxMindDatabaseWriter writer, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        using (var stream = File.Create(temporary))
        {
            writer.WriteTo(stream);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
