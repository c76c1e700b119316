namespace Enrichers.Geo;

/// <summary>Decodes the fields the enricher writes straight from a verified data record, for the shapes MaxMind's
/// databases use (maps with string keys; strings, doubles, uint32 numbers; pointers anywhere): the same values
/// as MaxMind's <c>Reader.Find&lt;GeoCityRecord&gt;</c> / <c>&lt;GeoAsnRecord&gt;</c> give, built by the same
/// constructors, without that reader's second walk of the search tree and its reflection over the target types.
/// Any other shape (a key twice, a value of another type, an unknown container) returns false and the caller
/// decodes with MaxMind's reader, so an unusual file gets MaxMind's own answer or error.</summary>
internal static class MaxMindRecordReader
{
    private const int Pointer = 1;
    private const int Utf8String = 2;
    private const int Double = 3;
    private const int Bytes = 4;
    private const int Uint16 = 5;
    private const int Uint32 = 6;
    private const int Map = 7;
    private const int Int32 = 8;
    private const int Uint64 = 9;
    private const int Uint128 = 10;
    private const int Array = 11;
    private const int Boolean = 14;
    private const int Float = 15;

    /// <summary>Reads one field of a map: <paramref name="key"/>'s value at <paramref name="at"/> into
    /// <paramref name="fields"/> (or skips it); false when the value has a shape left to MaxMind's reader.</summary>
    private delegate bool FieldReader<TFields>(ReadOnlySpan<byte> data, ReadOnlySpan<byte> key, ref int at, DecodedValues? shared, ref TFields fields);

    /// <summary>The City record at <paramref name="offset"/> of the data section, or false when it has a shape
    /// left to MaxMind's reader.</summary>
    public static bool TryReadCity(ReadOnlySpan<byte> data, int offset, DecodedValues? shared, out GeoCityRecord? record)
    {
        var fields = default(CityFields);
        record = TryReadMap(data, ref offset, shared, ref fields, ReadCityField)
            ? new GeoCityRecord(fields.Continent, fields.Country, fields.Subdivision, fields.City, fields.Location, poolNames: false)
            : null;
        return record is not null;
    }

    /// <summary>The ASN record at <paramref name="offset"/>, or false when it has a shape left to MaxMind's reader.</summary>
    public static bool TryReadAsn(ReadOnlySpan<byte> data, int offset, DecodedValues? shared, out GeoAsnRecord? record)
    {
        var fields = default(AsnFields);
        record = TryReadMap(data, ref offset, shared, ref fields, ReadAsnField)
            ? new GeoAsnRecord(fields.Number is { } n ? Json.LogLiteral.Number(n) : null, fields.Organization)
            : null;
        return record is not null;
    }

    private static bool ReadCityField(ReadOnlySpan<byte> data, ReadOnlySpan<byte> key, ref int at, DecodedValues? shared, ref CityFields f) => key switch
    {
        _ when key.SequenceEqual("continent"u8) => Once(ref f.Seen, 1) && TryPlace(data, ref at, shared, false, out f.Continent),
        _ when key.SequenceEqual("country"u8) => Once(ref f.Seen, 2) && TryPlace(data, ref at, shared, false, out f.Country),
        _ when key.SequenceEqual("city"u8) => Once(ref f.Seen, 4) && TryPlace(data, ref at, shared, true, out f.City),
        _ when key.SequenceEqual("location"u8) => Once(ref f.Seen, 8) && TryLocation(data, ref at, shared, out f.Location),
        _ when key.SequenceEqual("subdivisions"u8) => Once(ref f.Seen, 16) && TrySubdivisions(data, ref at, shared, out f.Subdivision),
        _ => TrySkip(data, ref at),
    };

    private static bool ReadAsnField(ReadOnlySpan<byte> data, ReadOnlySpan<byte> key, ref int at, DecodedValues? shared, ref AsnFields f) => key switch
    {
        _ when key.SequenceEqual("autonomous_system_number"u8) => Once(ref f.Seen, 1) && TryUint32(data, ref at, out f.Number),
        _ when key.SequenceEqual("autonomous_system_organization"u8) => Once(ref f.Seen, 2) && TryText(data, ref at, shared, false, out f.Organization),
        _ => TrySkip(data, ref at),
    };

    private static bool ReadPlaceField(ReadOnlySpan<byte> data, ReadOnlySpan<byte> key, ref int at, DecodedValues? shared, ref PlaceFields f) => key switch
    {
        _ when key.SequenceEqual("iso_code"u8) => Once(ref f.Seen, 1) && TryText(data, ref at, shared, false, out f.IsoCode),
        _ when key.SequenceEqual("code"u8) => Once(ref f.Seen, 2) && TryText(data, ref at, shared, false, out f.Code),
        _ when key.SequenceEqual("names"u8) => Once(ref f.Seen, 4) && TryNames(data, ref at, shared, out f.Names),
        _ => TrySkip(data, ref at),
    };

    private static bool ReadNamesField(ReadOnlySpan<byte> data, ReadOnlySpan<byte> key, ref int at, DecodedValues? shared, ref NamesFields f) =>
        key.SequenceEqual("en"u8) ? Once(ref f.Seen, 1) && TryText(data, ref at, shared, false, out f.English) : TrySkip(data, ref at);

    private static bool ReadLocationField(ReadOnlySpan<byte> data, ReadOnlySpan<byte> key, ref int at, DecodedValues? shared, ref LocationFields f) => key switch
    {
        _ when key.SequenceEqual("latitude"u8) => Once(ref f.Seen, 1) && TryDouble(data, ref at, out f.Latitude),
        _ when key.SequenceEqual("longitude"u8) => Once(ref f.Seen, 2) && TryDouble(data, ref at, out f.Longitude),
        _ when key.SequenceEqual("time_zone"u8) => Once(ref f.Seen, 4) && TryText(data, ref at, shared, true, out f.TimeZone),
        _ => TrySkip(data, ref at),
    };

    /// <summary>Reads the map at <paramref name="offset"/> (directly or through a pointer) field by field, and moves
    /// <paramref name="offset"/> past it.</summary>
    private static bool TryReadMap<TFields>(ReadOnlySpan<byte> data, ref int offset, DecodedValues? shared, ref TFields fields,
        FieldReader<TFields> read)
    {
        if (!TryEnter(data, ref offset, Map, out var count, out var at, out var direct))
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (!TryString(data, ref at, out var key) || !read(data, key, ref at, shared, ref fields))
            {
                return false;
            }
        }

        offset = direct ? at : offset;
        return true;
    }

    /// <param name="city">True for a city: its name is its own, not pooled (<see cref="MaxMindPlace"/>).</param>
    private static bool TryPlace(ReadOnlySpan<byte> data, ref int offset, DecodedValues? shared, bool city, out MaxMindPlace? place)
    {
        // A place reached through a pointer (a country, a continent, most subdivisions and cities) may be kept, by the
        // pointer's target: looked up without reading the target, a likely cache miss for a place kept.
        if (TryKept(data, ref offset, shared?.Places, out var target, out place))
        {
            return true;
        }

        var fields = default(PlaceFields);
        place = TryReadMap(data, ref offset, shared, ref fields, ReadPlaceField)
            ? new MaxMindPlace(fields.IsoCode, fields.Code, fields.Names?.English, shareName: !city)
            : null;
        if (place is not null && target >= 0)
        {
            shared?.Places.Set(target, place);
        }

        return place is not null;
    }

    private static bool TryNames(ReadOnlySpan<byte> data, ref int offset, DecodedValues? shared, out MaxMindNames? names)
    {
        var fields = default(NamesFields);
        names = TryReadMap(data, ref offset, shared, ref fields, ReadNamesField) ? new MaxMindNames(fields.English) : null;
        return names is not null;
    }

    private static bool TryLocation(ReadOnlySpan<byte> data, ref int offset, DecodedValues? shared, out MaxMindLocation? location)
    {
        var fields = default(LocationFields);
        location = TryReadMap(data, ref offset, shared, ref fields, ReadLocationField)
            ? new MaxMindLocation(fields.Latitude, fields.Longitude, fields.TimeZone)
            : null;
        return location is not null;
    }

    /// <summary>Reads every subdivision (so a shape MaxMind's reader would refuse is refused here too) and gives the
    /// last, the most specific: the only one written.</summary>
    private static bool TrySubdivisions(ReadOnlySpan<byte> data, ref int offset, DecodedValues? shared, out MaxMindPlace? last)
    {
        // An array reached through a pointer is shared by every record of its subdivisions, and the places inside it
        // are stored in place (so not kept by their own offset): the array is kept by its offset, as its last place.
        if (TryKept(data, ref offset, shared?.Subdivisions, out var target, out last))
        {
            return true;
        }

        if (!TryEnter(data, ref offset, Array, out var count, out var at, out var direct))
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (!TryPlace(data, ref at, shared, false, out last))
            {
                return false;
            }
        }

        if (target >= 0 && last is not null)
        {
            shared?.Subdivisions.Set(target, last);
        }

        offset = direct ? at : offset;
        return true;
    }

    /// <summary>A container of <paramref name="type"/> at <paramref name="offset"/> (directly or through a
    /// pointer): its entry count and where its contents start. Through a pointer, <paramref name="offset"/> moves
    /// past the pointer; stored in place (<paramref name="direct"/>), the caller reads through the contents and
    /// then sets <paramref name="offset"/> to where they end.</summary>
    private static bool TryEnter(ReadOnlySpan<byte> data, ref int offset, int type, out int count, out int contents, out bool direct)
    {
        var (found, size, at) = Resolve(data, ref offset, out direct);
        count = (int)size;
        contents = at;
        return found == type;
    }

    private static bool TryString(ReadOnlySpan<byte> data, ref int offset, out ReadOnlySpan<byte> value)
    {
        var (type, size, at) = Resolve(data, ref offset, out var direct);
        value = type == Utf8String ? data.Slice(at, (int)size) : default;
        if (direct)
        {
            offset = at + (int)size;
        }

        return type == Utf8String;
    }

    /// <param name="pool">True for values that repeat over many records under different offsets (time zones): kept once
    /// by value (<see cref="GeoNames"/>) when first read.</param>
    private static bool TryText(ReadOnlySpan<byte> data, ref int offset, DecodedValues? shared, bool pool, out GeoText? value)
    {
        // Pointed-to strings are the shared ones (time zones, names, organisations); where they lie is their identity.
        if (TryKept(data, ref offset, shared?.Strings, out var target, out value))
        {
            return true;
        }

        var (type, size, at) = Resolve(data, ref offset, out var direct);
        if (type != Utf8String)
        {
            return false;
        }

        if (direct)
        {
            offset = at + (int)size;
        }

        var text = GeoText.FromUtf8(data.Slice(at, (int)size));
        value = pool ? GeoNames.Shared(text)! : text;
        if (target >= 0)
        {
            shared?.Strings.Set(target, value);
        }

        return true;
    }

    /// <summary>When the value at <paramref name="offset"/> is a pointer, gives its target (else -1) and the value kept
    /// in <paramref name="kept"/> for it, if any: then <paramref name="offset"/> moves past the pointer and the target is
    /// not read. Only what was decoded from a target is kept under it, so the target's type is known.</summary>
    private static bool TryKept<T>(ReadOnlySpan<byte> data, ref int offset, OffsetCache<T>? kept, out int target, out T? value)
        where T : class
    {
        var (type, pointer, next) = MaxMindDatabaseVerifier.ReadControl(data, offset);
        target = type == Pointer ? (int)pointer : -1;
        value = null;
        if (target < 0 || kept is null || !kept.TryGet(target, out value))
        {
            return false;
        }

        offset = next;
        return true;
    }

    private static bool TryDouble(ReadOnlySpan<byte> data, ref int offset, out double? value)
    {
        var (type, size, at) = Resolve(data, ref offset, out var direct);
        value = type == Double && size == 8 ? System.Buffers.Binary.BinaryPrimitives.ReadDoubleBigEndian(data.Slice(at, 8)) : null;
        if (direct)
        {
            offset = at + (int)size;
        }

        return value is not null;
    }

    private static bool TryUint32(ReadOnlySpan<byte> data, ref int offset, out long? value)
    {
        var (type, size, at) = Resolve(data, ref offset, out var direct);
        value = null;
        if (type != Uint32 || size > 4)
        {
            return false;
        }

        long n = 0;
        foreach (var b in data.Slice(at, (int)size))
        {
            n = n << 8 | b;
        }

        value = n;
        if (direct)
        {
            offset = at + (int)size;
        }

        return true;
    }

    /// <summary>Moves past the value at <paramref name="offset"/> (a pointer is not followed: it is the value).</summary>
    private static bool TrySkip(ReadOnlySpan<byte> data, ref int offset)
    {
        var (type, size, at) = MaxMindDatabaseVerifier.ReadControl(data, offset);
        switch (type)
        {
            case Pointer:
            case Boolean:
                offset = at;
                return true;
            case Utf8String or Double or Bytes or Uint16 or Uint32 or Int32 or Uint64 or Uint128 or Float:
                offset = at + (int)size;
                return true;
            case Map or Array:
                offset = at;
                for (var i = 0; i < (type == Map ? 2 * size : size); i++)
                {
                    if (!TrySkip(data, ref offset))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>The value at <paramref name="offset"/>, through a pointer if it is one (then
    /// <paramref name="offset"/> moves past the pointer and <paramref name="direct"/> is false).</summary>
    private static (int Type, long Size, int At) Resolve(ReadOnlySpan<byte> data, ref int offset, out bool direct)
    {
        var (type, size, at) = MaxMindDatabaseVerifier.ReadControl(data, offset);
        direct = type != Pointer;
        if (direct)
        {
            return (type, size, at);
        }

        offset = at;
        return MaxMindDatabaseVerifier.ReadControl(data, (int)size);
    }

    private static bool Once(ref int seen, int bit)
    {
        var first = (seen & bit) == 0;
        seen |= bit;
        return first;
    }

    private struct CityFields
    {
        public MaxMindPlace? Continent, Country, City, Subdivision;
        public MaxMindLocation? Location;
        public int Seen;
    }

    private struct AsnFields
    {
        public long? Number;
        public GeoText? Organization;
        public int Seen;
    }

    private struct PlaceFields
    {
        public GeoText? IsoCode, Code;
        public MaxMindNames? Names;
        public int Seen;
    }

    private struct NamesFields
    {
        public GeoText? English;
        public int Seen;
    }

    private struct LocationFields
    {
        public double? Latitude, Longitude;
        public GeoText? TimeZone;
        public int Seen;
    }
}
