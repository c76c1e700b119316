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

    /// <summary>The City record at <paramref name="offset"/> of the data section, or false when it has a shape
    /// left to MaxMind's reader.</summary>
    public static bool TryReadCity(ReadOnlySpan<byte> data, int offset, DecodedValues? shared, out GeoCityRecord? record)
    {
        record = null;
        if (!TryEnter(data, ref offset, Map, out var count, out var at, out var direct))
        {
            return false;
        }

        MaxMindPlace? continent = null, country = null, city = null;
        List<MaxMindPlace>? subdivisions = null;
        MaxMindLocation? location = null;
        var seen = 0;
        for (var i = 0; i < count; i++)
        {
            if (!TryString(data, ref at, out var key))
            {
                return false;
            }

            var ok = key switch
            {
                _ when key.SequenceEqual("continent"u8) => Once(ref seen, 1) && TryPlace(data, ref at, shared, out continent),
                _ when key.SequenceEqual("country"u8) => Once(ref seen, 2) && TryPlace(data, ref at, shared, out country),
                _ when key.SequenceEqual("city"u8) => Once(ref seen, 4) && TryPlace(data, ref at, shared, out city),
                _ when key.SequenceEqual("location"u8) => Once(ref seen, 8) && TryLocation(data, ref at, shared, out location),
                _ when key.SequenceEqual("subdivisions"u8) => Once(ref seen, 16) && TrySubdivisions(data, ref at, shared, out subdivisions),
                _ => TrySkip(data, ref at),
            };
            if (!ok)
            {
                return false;
            }
        }

        offset = direct ? at : offset;
        record = new GeoCityRecord(continent, country, subdivisions, city, location);
        return true;
    }

    /// <summary>The ASN record at <paramref name="offset"/>, or false when it has a shape left to MaxMind's reader.</summary>
    public static bool TryReadAsn(ReadOnlySpan<byte> data, int offset, DecodedValues? shared, out GeoAsnRecord? record)
    {
        record = null;
        if (!TryEnter(data, ref offset, Map, out var count, out var at, out var direct))
        {
            return false;
        }

        long? number = null;
        string? organization = null;
        var seen = 0;
        for (var i = 0; i < count; i++)
        {
            if (!TryString(data, ref at, out var key))
            {
                return false;
            }

            var ok = key switch
            {
                _ when key.SequenceEqual("autonomous_system_number"u8) => Once(ref seen, 1) && TryUint32(data, ref at, out number),
                _ when key.SequenceEqual("autonomous_system_organization"u8) => Once(ref seen, 2) && TryText(data, ref at, shared, out organization),
                _ => TrySkip(data, ref at),
            };
            if (!ok)
            {
                return false;
            }
        }

        offset = direct ? at : offset;
        record = new GeoAsnRecord(number, organization);
        return true;
    }

    private static bool TryPlace(ReadOnlySpan<byte> data, ref int offset, DecodedValues? shared, out MaxMindPlace? place)
    {
        place = null;
        if (!TryEnter(data, ref offset, Map, out var count, out var at, out var direct))
        {
            return false;
        }

        var start = at;
        if (!direct && shared is not null && shared.Places.TryGet(start, out place))
        {
            return true;
        }

        string? isoCode = null, code = null;
        MaxMindNames? names = null;
        var seen = 0;
        for (var i = 0; i < count; i++)
        {
            if (!TryString(data, ref at, out var key))
            {
                return false;
            }

            var ok = key switch
            {
                _ when key.SequenceEqual("iso_code"u8) => Once(ref seen, 1) && TryText(data, ref at, shared, out isoCode),
                _ when key.SequenceEqual("code"u8) => Once(ref seen, 2) && TryText(data, ref at, shared, out code),
                _ when key.SequenceEqual("names"u8) => Once(ref seen, 4) && TryNames(data, ref at, shared, out names),
                _ => TrySkip(data, ref at),
            };
            if (!ok)
            {
                return false;
            }
        }

        offset = direct ? at : offset;
        place = new MaxMindPlace(isoCode, code, names);
        if (!direct)
        {
            shared?.Places.Set(start, place);
        }

        return true;
    }

    private static bool TryNames(ReadOnlySpan<byte> data, ref int offset, DecodedValues? shared, out MaxMindNames? names)
    {
        names = null;
        if (!TryEnter(data, ref offset, Map, out var count, out var at, out var direct))
        {
            return false;
        }

        string? english = null;
        var seen = 0;
        for (var i = 0; i < count; i++)
        {
            if (!TryString(data, ref at, out var key))
            {
                return false;
            }

            var ok = key.SequenceEqual("en"u8) ? Once(ref seen, 1) && TryText(data, ref at, shared, out english) : TrySkip(data, ref at);
            if (!ok)
            {
                return false;
            }
        }

        offset = direct ? at : offset;
        names = new MaxMindNames(english);
        return true;
    }

    private static bool TryLocation(ReadOnlySpan<byte> data, ref int offset, DecodedValues? shared, out MaxMindLocation? location)
    {
        location = null;
        if (!TryEnter(data, ref offset, Map, out var count, out var at, out var direct))
        {
            return false;
        }

        double? latitude = null, longitude = null;
        string? timeZone = null;
        var seen = 0;
        for (var i = 0; i < count; i++)
        {
            if (!TryString(data, ref at, out var key))
            {
                return false;
            }

            var ok = key switch
            {
                _ when key.SequenceEqual("latitude"u8) => Once(ref seen, 1) && TryDouble(data, ref at, out latitude),
                _ when key.SequenceEqual("longitude"u8) => Once(ref seen, 2) && TryDouble(data, ref at, out longitude),
                _ when key.SequenceEqual("time_zone"u8) => Once(ref seen, 4) && TryText(data, ref at, shared, out timeZone),
                _ => TrySkip(data, ref at),
            };
            if (!ok)
            {
                return false;
            }
        }

        offset = direct ? at : offset;
        location = new MaxMindLocation(latitude, longitude, timeZone);
        return true;
    }

    private static bool TrySubdivisions(ReadOnlySpan<byte> data, ref int offset, DecodedValues? shared, out List<MaxMindPlace>? subdivisions)
    {
        subdivisions = null;
        if (!TryEnter(data, ref offset, Array, out var count, out var at, out var direct))
        {
            return false;
        }

        var list = new List<MaxMindPlace>(count);
        for (var i = 0; i < count; i++)
        {
            if (!TryPlace(data, ref at, shared, out var place))
            {
                return false;
            }

            list.Add(place!);
        }

        offset = direct ? at : offset;
        subdivisions = list;
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

    private static bool TryText(ReadOnlySpan<byte> data, ref int offset, DecodedValues? shared, out string? value)
    {
        var (type, size, at) = Resolve(data, ref offset, out var direct);
        value = null;
        if (type != Utf8String)
        {
            return false;
        }

        if (direct)
        {
            offset = at + (int)size;
        }
        else if (shared is not null && shared.Strings.TryGet(at, out value))
        {
            // Pointed-to strings are the shared ones (time zones, names, organisations); where they lie is their identity.
            return true;
        }

        value = System.Text.Encoding.UTF8.GetString(data.Slice(at, (int)size));
        if (!direct)
        {
            shared?.Strings.Set(at, value);
        }

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
}
