using System.Runtime.CompilerServices;
using System.Text;
using Enrichers.Files;
using Enrichers.Json;

namespace Enrichers.Geo;

/// <summary>Looks the client address up in MaxMind City and ASN databases, writes the ECS
/// <c>client.geo.*</c> and <c>client.as.*</c> fields, then anonymizes the address into <c>client.ip</c> by
/// <see cref="GeoIpOptions.IpPolicy"/>. Shared by all sessions: thread-safe, synchronous, never throws, and
/// no I/O on the record path (databases are memory-mapped; replacements are picked up off it, by
/// <see cref="Files.FileChangeMonitor"/>).</summary>
public sealed class GeoIpEnricher : ILogEnricher, IDisposable
{
    /// <summary>The keyed token of the address under the <c>hmac</c> policy. Not <c>client.ip</c>, which
    /// Elasticsearch maps as <c>ip</c> and which therefore keeps the truncated address.</summary>
    public const string ClientIpHashField = FieldNames.ClientIpHash;

    // The type MaxMind's ASN databases declare; a file without it at the ASN path is refused.
    private const string AsnDatabaseType = "GeoLite2-ASN";

    // The results counted in geoip_lookups_total{result}.
    private const string HitOutcome = "hit";
    private const string MissOutcome = "miss";
    private const string PrivateOutcome = "private";
    private const string MalformedOutcome = "malformed";

    // Outcome of a lookup in which a database failed (never kept in the address cache); the entry's records are what
    // the other one found.
    private const byte LookupFailed = byte.MaxValue;

    // Address fields longer than this (X-Forwarded-For lists of many hops) are looked up through a string.
    private const int MaxStackAddress = 128;

    private readonly GeoIpOptions _options;
    private readonly EnrichmentStatistics _statistics;
    private readonly IpAnonymizer _anonymizer;

    // The counters of geoip_lookups_total by GeoOutcome (None's place: malformed), each made when first counted.
    private readonly StrongBox<long>?[] _outcomeCounters = new StrongBox<long>?[4];
    private readonly Lock _reloadLock = new();
    private readonly FileChangeMonitor _monitor;
    private readonly WatchedFile? _cityFile;
    private readonly WatchedFile? _asnFile;
    private GeoIpGeneration _generation;
    private long _reloads;
    private long _reloadFailures;
    private bool _disposed;

    private GeoIpEnricher(GeoIpOptions options, EnrichmentStatistics statistics, TimeProvider time,
        IpAnonymizer anonymizer, GeoDatabase? city, GeoDatabase? asn)
    {
        _options = options;
        _statistics = statistics;
        _anonymizer = anonymizer;
        _generation = new GeoIpGeneration(city, asn, options.CacheSize);
        _cityFile = city is null ? null : new WatchedFile(city.Path, city.Identity);
        _asnFile = asn is null ? null : new WatchedFile(asn.Path, asn.Identity);
        _monitor = new FileChangeMonitor(
            new[] { _cityFile, _asnFile }.OfType<WatchedFile>().Select(f => f.Path),
            city is null && asn is null ? TimeSpan.Zero : options.ReloadCheckInterval,
            FileChangeMonitor.DefaultDebounce, time, CheckFiles);
    }

    public string Name => "geoip";

    /// <summary>Raised after a database was reloaded, or a replacement was refused. Runs on the timer
    /// thread; handlers must not throw.</summary>
    public event Action<GeoDatabaseEvent>? DatabaseChanged;

    /// <summary>Build time (metadata <c>build_epoch</c>) of each database in use, by kind (<c>city</c>,
    /// <c>asn</c>); the worker exports its age as <c>geoip_database_age_seconds</c>.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> DatabaseBuildTimes
    {
        get
        {
            var generation = Volatile.Read(ref _generation);
            var times = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            foreach (var database in new[] { generation.City, generation.Asn })
            {
                if (database is not null)
                {
                    times[database.Kind] = database.BuildTime;
                }
            }

            return times;
        }
    }

    /// <summary>Replacements switched to since start.</summary>
    public long Reloads => Interlocked.Read(ref _reloads);

    /// <summary>Replacements refused (corrupt, wrong type, unreadable, or the file vanished).</summary>
    public long ReloadFailures => Interlocked.Read(ref _reloadFailures);

    /// <summary>Entries in the lookup cache now.</summary>
    internal int CachedLookups => Volatile.Read(ref _generation).Cache.Count;

    /// <summary>Opens and verifies the configured databases.</summary>
    /// <exception cref="EnrichmentConfigurationException">A bad option, an unreadable key file, or a missing
    /// or corrupt database; the message names the key and the path.</exception>
    public static GeoIpEnricher Create(GeoIpOptions options, EnrichmentStatistics statistics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate(GeoIpOptions.SectionName).ToList();
        if (errors.Count > 0)
        {
            throw new EnrichmentConfigurationException(string.Join(" ", errors));
        }

        return Open(options, statistics, time);
    }

    /// <summary>Opens and verifies the databases of options already validated (<see cref="EnrichmentChain"/>
    /// validates the whole <see cref="EnrichmentOptions"/> once).</summary>
    /// <exception cref="EnrichmentConfigurationException">An unreadable key file, or a missing or corrupt
    /// database; the message names the key and the path.</exception>
    internal static GeoIpEnricher Open(GeoIpOptions options, EnrichmentStatistics statistics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(time);
        var key = options.IpPolicy == GeoIpAddressPolicy.Hmac ? LoadKey(options, GeoIpOptions.SectionName) : null;
        var anonymizer = new IpAnonymizer(options.TruncateIPv4PrefixLength, options.TruncateIPv6PrefixLength, key);
        var city = OpenAtStart("city", options.CityDatabasePath, "City", GeoIpOptions.CityDatabasePathKey, options.RecordCacheSize);
        try
        {
            var asn = OpenAtStart("asn", options.AsnDatabasePath, AsnDatabaseType, GeoIpOptions.AsnDatabasePathKey, options.RecordCacheSize);
            return new GeoIpEnricher(options, statistics, time, anonymizer, city, asn);
        }
        catch
        {
            city?.Release();
            throw;
        }
    }

    public void Enrich(LogRecord record)
    {
        try
        {
            EnrichCore(record);
        }
        catch (Exception)
        {
            // A lookup that fails must still not leak the address.
            _statistics.GeoIp.Increment("error");
            if (_options.IpPolicy != GeoIpAddressPolicy.Keep)
            {
                ClientAddressSources.RemoveAll(record.Root);
            }
        }
    }

    /// <summary>Checks the database files now and switches to any replacement that verifies. Called every
    /// <see cref="GeoIpOptions.ReloadCheckInterval"/> and soon after the files' directory changes
    /// (<see cref="FileChangeMonitor"/>); never throws.</summary>
    public void CheckForUpdates() => _monitor.CheckNow();

    private void CheckFiles()
    {
        lock (_reloadLock)
        {
            try
            {
                if (_disposed)
                {
                    return;
                }

                var current = _generation;
                var city = CheckFile("city", _cityFile, "City", current.City);
                var asn = CheckFile("asn", _asnFile, AsnDatabaseType, current.Asn);
                if (ReferenceEquals(city, current.City) && ReferenceEquals(asn, current.Asn))
                {
                    return;
                }

                if (ReferenceEquals(city, current.City))
                {
                    city?.AddReference();
                }

                if (ReferenceEquals(asn, current.Asn))
                {
                    asn?.AddReference();
                }

                Volatile.Write(ref _generation, new GeoIpGeneration(city, asn, _options.CacheSize));
                current.Release();
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _reloadFailures);
                Raise(new GeoDatabaseEvent("geoip", string.Empty, false, $"GeoIP reload check failed: {ex.Message}", null));
            }
        }
    }

    public void Dispose()
    {
        _monitor.Dispose();
        lock (_reloadLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        // Lookups still running keep the readers until they finish.
        _generation.Release();
    }

    /// <summary>One line for start-up logs and diagnostics: databases in use, policy, cache and reloads.
    /// Never contains the HMAC key or record data.</summary>
    public override string ToString()
    {
        var generation = Volatile.Read(ref _generation);
        return $"geoip: city {Describe(generation.City)}; asn {Describe(generation.Asn)}; "
            + $"policy {_options.IpPolicy.ToString().ToLowerInvariant()}; cache {generation.Cache.Count}/{generation.Cache.Capacity}; "
            + $"reloads {Reloads}, refused {ReloadFailures}";

        static string Describe(GeoDatabase? database) => database is null
            ? "none"
            : $"'{database.Path}' ({database.DatabaseType}, built {database.BuildTime:yyyy-MM-dd}, keeps up to {database.RecordCacheCapacity} decoded records)";
    }

    // The buffers on the stack are written before they are read: zeroing them cost more than the rest of the work of
    // a record without a database. They are locals, not stackalloc (see ClientAddressText).
    [SkipLocalsInit]
    private void EnrichCore(LogRecord record)
    {
        var root = record.Root;
        var scan = ClientAddressSources.Scan(root);
        if (scan.Present == 0)
        {
            return;
        }

        var malformed = false;
        var found = false;
        var address = default(ClientAddress);
        var leafAt = scan.LeafAt;
        if (leafAt >= 0)
        {
            // The usual record: its only source is a top-level property, read where the scan saw it.
            found = TryRead(root[leafAt].Value, out address, out var usable);
            malformed = usable && !found;
        }
        else
        {
            for (var i = 0; i < ClientAddressSources.Fields.Length && !found; i++)
            {
                // The first usable source is read; every present one is removed below.
                if ((scan.Present & (1 << i)) != 0 && ClientAddressSources.Find(root, i) is { } node)
                {
                    found = TryRead(node, out address, out var usable);
                    malformed |= usable && !found;
                }
            }
        }

        if (found && address.IsV4)
        {
            // The walk starts with a read of the IPv4 table at a place given by the address, most likely a cache
            // miss with distinct addresses: asked for now, it arrives while the sources are removed below.
            Volatile.Read(ref _generation).PrefetchV4(address.V4);
        }

        // Where client and dotted client.* keys are once the sources are gone (-2: not known, GeoFieldWriter looks).
        var clientAt = -2;
        var dottedClient = false;
        if (leafAt >= 0)
        {
            // The one source removed by its index: every other property stays where the scan saw it, but for one place
            // less after it.
            var leafIndex = scan.LeafIndex;
            var removed = Removes(leafIndex);
            if (removed)
            {
                root.RemoveAt(leafAt);
            }

            clientAt = removed && scan.ClientAt > leafAt ? scan.ClientAt - 1 : scan.ClientAt;
            dottedClient = scan.DottedClientKeys - (removed && leafIndex == ClientAddressSources.ClientIpIndex ? 1 : 0) > 0;
        }
        else
        {
            for (var i = 0; i < ClientAddressSources.Fields.Length; i++)
            {
                if ((scan.Present & (1 << i)) != 0 && Removes(i))
                {
                    ClientAddressSources.RemoveAll(root, i);
                }
            }
        }

        // Formatted before the look-up, which waits for the table read asked for above.
        Unsafe.SkipInit(out ClientAddressText text);
        var clientIp = found ? FormatClientIp(address, text) : default;
        var entry = found ? Resolve(address) : default;
        if (found && entry.Outcome != (byte)GeoOutcome.None)
        {
            Count((GeoOutcome)entry.Outcome);
        }
        else if (!found && malformed)
        {
            Count(GeoOutcome.None);
        }

        if (found)
        {
            Write(record, clientIp, entry, clientAt, dottedClient);
        }
    }

    /// <summary>Whether source <paramref name="index"/> (of <see cref="ClientAddressSources.Fields"/>) is removed from
    /// a record. Under keep only client.ip is rewritten: Elasticsearch maps it as ip, so it holds the address or
    /// nothing; the other sources stay as received.</summary>
    private bool Removes(int index) => _options.IpPolicy != GeoIpAddressPolicy.Keep || index == ClientAddressSources.ClientIpIndex;

    /// <summary>The address a source's value gives. <paramref name="usable"/> is false when the value holds no address
    /// text (blank, or not a string): then the next source is read, and the record is not counted as malformed.</summary>
    private static bool TryRead(LogNode node, out ClientAddress address, out bool usable)
    {
        if (node is LogString { IsRaw: true, RawHasEscapes: false } s && s.RawUtf8 is { Length: <= MaxStackAddress } raw)
        {
            // An address as nearly every producer writes it (a dotted quad, IPv6 hex groups): parsed from its UTF-8 bytes
            // as they are.
            var parsed = ClientAddressParser.TryPickPlain(raw, out address, out usable);
            if (usable)
            {
                return parsed;
            }

            return TryReadDecoded(raw, out address, out usable);
        }

        var text = ClientAddressSources.Text(node);
        usable = text is not null && !ClientAddressSources.IsBlank(text);
        address = default;
        return usable && ClientAddressParser.TryPick(text, out address);
    }

    /// <summary>As <see cref="TryRead"/> for UTF-8 text other than a plain address: read from its chars, decoded on the
    /// stack, no string made.</summary>
    [SkipLocalsInit]
    private static bool TryReadDecoded(ReadOnlySpan<byte> raw, out ClientAddress address, out bool usable)
    {
        Span<char> buffer = stackalloc char[MaxStackAddress];
        var chars = buffer[..Encoding.UTF8.GetChars(raw, buffer)];
        usable = !ClientAddressSources.IsBlank(chars);
        return ClientAddressParser.TryPick(usable ? chars : default, out address);
    }

    /// <summary><c>client.ip</c> by the policy (empty: not written), on the stack.</summary>
    private Span<byte> FormatClientIp(ClientAddress address, Span<byte> clientIp) => _options.IpPolicy switch
    {
        GeoIpAddressPolicy.Truncate or GeoIpAddressPolicy.Hmac => clientIp[.._anonymizer.WriteTruncated(address, clientIp)],
        GeoIpAddressPolicy.Keep => clientIp[..address.Format(clientIp)],
        _ => default,
    };

    /// <summary>Writes the fields of one resolved address: <paramref name="clientIp"/> (see <see cref="FormatClientIp"/>),
    /// <c>client.ip_hash</c> by the policy, made here on the stack, and the geo fields of the records found.
    /// <paramref name="clientAt"/> and <paramref name="dottedClient"/> describe the root for <see cref="GeoFieldWriter"/>
    /// (<paramref name="clientAt"/> -2: not known, it looks).</summary>
    [SkipLocalsInit]
    private void Write(LogRecord record, ReadOnlySpan<byte> clientIp, in GeoAddressEntry entry, int clientAt, bool dottedClient)
    {
        Span<byte> hash = stackalloc byte[IpAnonymizer.TokenLength];
        if (_options.IpPolicy == GeoIpAddressPolicy.Hmac)
        {
            IpAnonymizer.WriteToken(entry.Token0, entry.Token1, hash);
        }
        else
        {
            hash = default;
        }

        if (!clientIp.IsEmpty || !hash.IsEmpty || entry.City is not null || entry.Asn is not null)
        {
            if (clientAt == -2)
            {
                GeoFieldWriter.Write(record, clientIp, hash, entry.City, entry.Asn);
            }
            else
            {
                GeoFieldWriter.Write(record, clientIp, hash, entry.City, entry.Asn, clientAt, dottedClient);
            }
        }
    }

    /// <summary>What the databases (and the <c>hmac</c> token) give for <paramref name="address"/>: from the address
    /// cache when it was looked up lately, else looked up and kept there. Records are null when they give no field.</summary>
    private GeoAddressEntry Resolve(ClientAddress address)
    {
        var generation = Volatile.Read(ref _generation);
        var hmac = _options.IpPolicy == GeoIpAddressPolicy.Hmac;
        var isPublic = IpAddressRanges.IsPublic(address);
        if (!hmac && !(isPublic && generation.HasDatabase))
        {
            // Nothing worth keeping: the outcome is known, and truncating is cheaper than a cache lookup.
            return new GeoAddressEntry((byte)(isPublic ? GeoOutcome.None : GeoOutcome.Private), null, null, 0, 0);
        }

        if (generation.Cache.TryGet(address, out var cached))
        {
            return cached;
        }

        var (token0, token1) = hmac ? _anonymizer.Token(address) : default;
        var entry = !isPublic ? new GeoAddressEntry((byte)GeoOutcome.Private, null, null, token0, token1)
            : !generation.HasDatabase ? new GeoAddressEntry((byte)GeoOutcome.None, null, null, token0, token1)
            : Lookup(address, ref generation, token0, token1);

        // A lookup that failed (counted as lookup_error) is not kept: the next one tries again and counts again.
        if (entry.Outcome != LookupFailed)
        {
            generation.Cache.Add(address, entry);
            return entry;
        }

        entry.Outcome = (byte)(entry.City is not null || entry.Asn is not null ? GeoOutcome.Hit : GeoOutcome.Miss);
        return entry;
    }

    private GeoAddressEntry Lookup(ClientAddress address, ref GeoIpGeneration generation, ulong token0, ulong token1)
    {
        // A reload may retire the generation between reading and acquiring it; then use the new one.
        var acquired = false;
        for (var attempt = 0; attempt < 4 && !(acquired = generation.TryAcquire()); attempt++)
        {
            generation = Volatile.Read(ref _generation);
        }

        if (!acquired)
        {
            // Disposed: no readers left.
            return new GeoAddressEntry((byte)GeoOutcome.Miss, null, null, token0, token1);
        }

        try
        {
            Span<byte> bytes = stackalloc byte[16];
            bytes = bytes[..address.WriteBytes(bytes)];
            var cityOffset = MaxMindSearchTree.NotFound;
            var asnOffset = MaxMindSearchTree.NotFound;
            if (generation.City is { } cityWalk && generation.Asn is { } asnWalk)
            {
                GeoDatabase.LookupBoth(cityWalk, asnWalk, bytes, out cityOffset, out asnOffset);
            }
            else
            {
                cityOffset = generation.City?.Lookup(bytes) ?? cityOffset;
                asnOffset = generation.Asn?.Lookup(bytes) ?? asnOffset;
            }

            var failed = false;
            var city = generation.City is { } cityDatabase ? TryDecode<GeoCityRecord>(cityDatabase, cityOffset, address, ref failed) : null;
            var asn = generation.Asn is { } asnDatabase ? TryDecode<GeoAsnRecord>(asnDatabase, asnOffset, address, ref failed) : null;

            // A City record with a region alone gives nothing by itself (as before), but its region is written when
            // the ASN record gives fields.
            var found = city is { HasFields: true } || asn is { HasFields: true };
            return new GeoAddressEntry(failed ? LookupFailed : (byte)(found ? GeoOutcome.Hit : GeoOutcome.Miss),
                found ? city : null, found && asn is { HasFields: true } ? asn : null, token0, token1);
        }
        finally
        {
            generation.Release();
        }
    }

    private T? TryDecode<T>(GeoDatabase database, int offset, ClientAddress address, ref bool failed)
        where T : class
    {
        try
        {
            return database.Decode<T>(offset, address);
        }
        catch (Exception)
        {
            // A damaged tree path or record (large files are verified record by record on first use), or an
            // IPv6 address in an IPv4-only database: that address gets no fields from this database, the record
            // goes on.
            _statistics.GeoIp.Increment("lookup_error");
            failed = true;
            return null;
        }
    }

    /// <summary>Counts a record in <c>geoip_lookups_total</c>: <paramref name="outcome"/>, or <c>malformed</c> for
    /// <see cref="GeoOutcome.None"/>. Each counter is found by name once and kept: finding it at every record cost a
    /// hash of its name.</summary>
    private void Count(GeoOutcome outcome)
    {
        var counter = _outcomeCounters[(int)outcome] ??=
            _statistics.GeoIp.Counter(outcome == GeoOutcome.None ? MalformedOutcome : OutcomeName(outcome));
        Interlocked.Increment(ref counter.Value);
    }

    private static string OutcomeName(GeoOutcome outcome) => outcome switch
    {
        GeoOutcome.Hit => HitOutcome,
        GeoOutcome.Miss => MissOutcome,
        _ => PrivateOutcome,
    };

    private GeoDatabase? CheckFile(string kind, WatchedFile? file, string type, GeoDatabase? current)
    {
        if (current is null || file is null)
        {
            return current;
        }

        switch (file.Check(path => GeoDatabase.Open(kind, path, type, _options.RecordCacheSize), out var replacement, out var problem))
        {
            case FileCheckOutcome.Loaded:
                Interlocked.Increment(ref _reloads);
                Raise(new GeoDatabaseEvent(kind, file.Path, true,
                    $"GeoIP {kind} database '{file.Path}' reloaded ({replacement!.DatabaseType}, built {replacement.BuildTime:u}).",
                    replacement.BuildTime));
                return replacement;
            case FileCheckOutcome.Unreadable:
                Refused(kind, file.Path, $"cannot be read ({problem})", current);
                return current;
            case FileCheckOutcome.Retry:
                // Replaced again while being read, or briefly locked: not a verdict on the file; try next time.
                Refused(kind, file.Path, $"could not be read yet ({problem}); will retry", current);
                return current;
            case FileCheckOutcome.Refused:
                Refused(kind, file.Path, $"is not a usable database ({problem})", current);
                return current;
            default:
                return current;
        }
    }

    private void Refused(string kind, string path, string why, GeoDatabase current)
    {
        Interlocked.Increment(ref _reloadFailures);
        Raise(new GeoDatabaseEvent(kind, path, false,
            $"GeoIP {kind} database replacement at '{path}' {why}; still using the database built {current.BuildTime:u}.",
            current.BuildTime));
    }

    private void Raise(GeoDatabaseEvent e)
    {
        try
        {
            DatabaseChanged?.Invoke(e);
        }
        catch (Exception)
        {
            // A broken handler must not stop reloading.
        }
    }

    private static GeoDatabase? OpenAtStart(string kind, string? path, string type, string key, int recordCacheSize)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        try
        {
            return GeoDatabase.Open(kind, path, type, recordCacheSize);
        }
        catch (FileNotFoundException)
        {
            throw new EnrichmentConfigurationException(
                $"{key} is '{path}', but no file is there; allowed: the path of a MaxMind {type} database "
                + $"(.mmdb, e.g. {(type == "City" ? "GeoLite2-City" : "GeoLite2-ASN")}.mmdb from geoipupdate), or no value to run without it.");
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new EnrichmentConfigurationException(
                $"{key} is '{path}', which is not a usable MaxMind {type} database: {ex.Message}. "
                + "Download a fresh copy (geoipupdate) or fix the path.", ex);
        }
    }

    private static byte[] LoadKey(GeoIpOptions options, string prefix)
    {
        if (!string.IsNullOrEmpty(options.HmacKey))
        {
            return Encoding.UTF8.GetBytes(options.HmacKey);
        }

        var key = KeyFile.Read(options.HmacKeyFile!, $"{prefix}:HmacKeyFile");
        if (key.Length < GeoIpOptions.MinimumHmacKeyBytes)
        {
            throw new EnrichmentConfigurationException(
                $"{prefix}:HmacKeyFile is '{options.HmacKeyFile}', whose key is too short (value not shown); "
                + $"allowed: at least {GeoIpOptions.MinimumHmacKeyBytes} bytes.");
        }

        return key;
    }
}
