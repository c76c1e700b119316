namespace Enrichers.Geo;

/// <summary>Options of GeoIP lookup and address anonymization (section <c>Enrichment:GeoIp</c>).</summary>
public sealed class GeoIpOptions
{
    /// <summary>Configuration path of this section.</summary>
    public const string SectionName = EnrichmentOptions.SectionName + ":GeoIp";

    /// <summary>Configuration key of <see cref="CityDatabasePath"/>.</summary>
    public const string CityDatabasePathKey = SectionName + ":" + nameof(CityDatabasePath);

    /// <summary>Configuration key of <see cref="AsnDatabasePath"/>.</summary>
    public const string AsnDatabasePathKey = SectionName + ":" + nameof(AsnDatabasePath);

    /// <summary>Default of <see cref="CacheSize"/>.</summary>
    public const int DefaultCacheSize = 10_000;

    /// <summary>Default of <see cref="RecordCacheSize"/>.</summary>
    // Twice the earlier 65,536: traffic of many distinct addresses meets more records than that, and records that keep
    // only their rendered object made room for twice as many without a larger heap end to end (docs/geoip.md § Cache
    // and § Memory give the shares served and the memory measured).
    public const int DefaultRecordCacheSize = 131_072;

    /// <summary>Largest <see cref="RecordCacheSize"/>: more than GeoLite2-City holds records (docs/geoip.md).</summary>
    public const int MaxRecordCacheSize = 1_048_576;

    /// <summary>Minimum length of the HMAC key, in UTF-8 bytes.</summary>
    public const int MinimumHmacKeyBytes = 16;

    /// <summary>Path of a MaxMind City database (GeoIP2-City or GeoLite2-City <c>.mmdb</c>). Default none:
    /// no <c>client.geo.*</c> fields, but the address is still anonymized.</summary>
    public string? CityDatabasePath { get; set; }

    /// <summary>Path of a MaxMind ASN database (GeoLite2-ASN <c>.mmdb</c>). Default none: no
    /// <c>client.as.*</c> fields.</summary>
    public string? AsnDatabasePath { get; set; }

    /// <summary>How many recent lookups are cached (by address text). Default 10,000; 0 disables the
    /// cache. The cache is emptied when a database is reloaded.</summary>
    public int CacheSize { get; set; } = DefaultCacheSize;

    /// <summary>How many decoded database records are kept per database (by the record the lookup reaches, so every
    /// network and address that shares a record shares its entry), rounded down to a power of two. Default 131,072.
    /// Kept records live on the heap and a record not kept is decoded again when met: lower it where memory is tighter
    /// than CPU, raise it for traffic from more places than it holds (docs/geoip.md § Cache gives the bytes per record
    /// and the cost of a decode). The records are emptied with the database they came from.</summary>
    public int RecordCacheSize { get; set; } = DefaultRecordCacheSize;

    /// <summary>What is kept of the address: <c>truncate</c> (default), <c>hmac</c>, <c>keep</c> or
    /// <c>remove</c>; see <see cref="GeoIpAddressPolicy"/>.</summary>
    public GeoIpAddressPolicy IpPolicy { get; set; } = GeoIpAddressPolicy.Truncate;

    /// <summary>Prefix length kept of IPv4 addresses by <c>truncate</c> and <c>hmac</c>. Default 24.</summary>
    public int TruncateIPv4PrefixLength { get; set; } = 24;

    /// <summary>Prefix length kept of IPv6 addresses by <c>truncate</c> and <c>hmac</c>. Default 48.</summary>
    public int TruncateIPv6PrefixLength { get; set; } = 48;

    /// <summary>Secret key of the <c>hmac</c> policy (at least 16 bytes; prefer
    /// <see cref="HmacKeyFile"/> or the environment). Never logged. Default none.</summary>
    public string? HmacKey { get; set; }

    /// <summary>File holding the key of the <c>hmac</c> policy (e.g. a mounted Kubernetes secret); surrounding
    /// whitespace is ignored. Default none.</summary>
    public string? HmacKeyFile { get; set; }

    /// <summary>How often the database files are checked for replacement (as <c>geoipupdate</c> does by
    /// atomic rename), besides the check a second after their directory changes. Default 1 minute;
    /// <see cref="TimeSpan.Zero"/> turns reloading off.</summary>
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Every problem with these options, each naming the key (under <paramref name="prefix"/>),
    /// the value and what is allowed. Secrets are never quoted.</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        var errors = new List<string>();
        if (CacheSize is < 0 or > 10_000_000)
        {
            errors.Add($"{prefix}:CacheSize is {CacheSize}; allowed: 0 (no cache) to 10000000.");
        }

        if (RecordCacheSize is < 4 or > MaxRecordCacheSize)
        {
            errors.Add($"{prefix}:RecordCacheSize is {RecordCacheSize}; allowed: 4 to {MaxRecordCacheSize} (rounded down to a power of two).");
        }

        if (!Enum.IsDefined(IpPolicy))
        {
            errors.Add($"{prefix}:IpPolicy is {(int)IpPolicy}; allowed: truncate, hmac, keep, remove.");
        }

        if (TruncateIPv4PrefixLength is < 0 or > 32)
        {
            errors.Add($"{prefix}:TruncateIPv4PrefixLength is {TruncateIPv4PrefixLength}; allowed: 0 to 32.");
        }

        if (TruncateIPv6PrefixLength is < 0 or > 128)
        {
            errors.Add($"{prefix}:TruncateIPv6PrefixLength is {TruncateIPv6PrefixLength}; allowed: 0 to 128.");
        }

        if (ReloadCheckInterval != TimeSpan.Zero
            && (ReloadCheckInterval < TimeSpan.FromSeconds(1) || ReloadCheckInterval > TimeSpan.FromDays(1)))
        {
            errors.Add($"{prefix}:ReloadCheckInterval is {ReloadCheckInterval}; allowed: 00:00:00 (off) or 00:00:01 to 1.00:00:00.");
        }

        foreach (var (key, path) in new[] { (nameof(CityDatabasePath), CityDatabasePath), (nameof(AsnDatabasePath), AsnDatabasePath) })
        {
            if (path is not null && string.IsNullOrWhiteSpace(path))
            {
                errors.Add($"{prefix}:{key} is blank; allowed: the path of a .mmdb file, or no value (no database).");
            }
        }

        var hasKey = !string.IsNullOrEmpty(HmacKey);
        var hasKeyFile = !string.IsNullOrWhiteSpace(HmacKeyFile);
        if (hasKey && hasKeyFile)
        {
            errors.Add($"{prefix}:HmacKey and {prefix}:HmacKeyFile are both set; allowed: one of them.");
        }

        if (IpPolicy == GeoIpAddressPolicy.Hmac)
        {
            if (!hasKey && !hasKeyFile)
            {
                errors.Add($"{prefix}:IpPolicy is hmac but neither {prefix}:HmacKey nor {prefix}:HmacKeyFile is set; "
                    + $"allowed: a secret of at least {MinimumHmacKeyBytes} bytes in one of them, or another IpPolicy.");
            }
            else if (hasKey && System.Text.Encoding.UTF8.GetByteCount(HmacKey!) < MinimumHmacKeyBytes)
            {
                errors.Add($"{prefix}:HmacKey is too short (value not shown); allowed: at least {MinimumHmacKeyBytes} bytes.");
            }
            else if (hasKeyFile && !File.Exists(HmacKeyFile))
            {
                errors.Add($"{prefix}:HmacKeyFile is '{HmacKeyFile}', which does not exist; allowed: a readable file holding the key.");
            }
        }

        return errors;
    }
}
