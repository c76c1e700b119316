using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Enrichers.Json;

/// <summary>A JSON object: properties in input order. Lookups are linear, which beats hashing for the
/// 10–40 fields a log record has.</summary>
public sealed class LogObject : LogNode
{
    private readonly List<LogProperty> _members;

    // Members an enricher added whole and that nothing has read yet (see Defer): written from what they are made of,
    // turned into nodes by the first read or change.
    private IDeferredMembers? _deferred;

    // The member count when an enricher marked the object as holding only reference data (see
    // MarkReferenceOnly), -1 when unmarked. Every change of members voids it, and so would a change that forgot to:
    // the count would differ.
    private int _referenceOnlyCount = -1;

    public LogObject()
        : this(4)
    {
    }

    internal LogObject(int capacity) => _members = new List<LogProperty>(capacity);

    /// <summary>The session pool this object came from (see <see cref="LogNodePool"/>): properties added to
    /// it come from the same pool. Null for objects made outside a session.</summary>
    internal LogNodePool? Pool { get; init; }

    public override LogNodeKind Kind => LogNodeKind.Object;

    /// <summary>Empties a pooled object for the next record; the list keeps its capacity, so the fields
    /// enrichers append need no regrowth.</summary>
    internal void Reuse()
    {
        _members.Clear();
        _deferred = null;
        _referenceOnlyCount = -1;
    }

    /// <summary>The members, as nodes: every read and change goes through here, so deferred members (see
    /// <see cref="Defer"/>) become nodes before anything sees or changes them.</summary>
    private List<LogProperty> Members
    {
        get
        {
            if (_deferred is not null)
            {
                Materialize();
            }

            return _members;
        }
    }

    /// <summary>Gives an empty object its members as <paramref name="members"/>, which makes them nodes only when
    /// something reads or changes the object, and otherwise writes them itself. For an object an enricher made just
    /// now and fills whole with reference data (GeoIP's <c>client.geo</c>): nearly always it is only written, so its
    /// nodes would be made for nothing. Once made, the object is marked reference-only (see
    /// <see cref="MarkReferenceOnly"/>), as it would have been had they been made at once.</summary>
    /// <exception cref="InvalidOperationException">The object has members.</exception>
    internal void Defer(IDeferredMembers members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (_members.Count > 0 || _deferred is not null)
        {
            throw new InvalidOperationException("Only an empty object's members can be deferred.");
        }

        _deferred = members;
    }

    /// <summary>True while the members given by <see cref="Defer"/> have not been made nodes: nothing has read or
    /// changed the object since, so it holds exactly them.</summary>
    internal bool IsDeferred => _deferred is not null;

    /// <summary>Called first by every change of members: deferred members become nodes before the change, and the
    /// reference-only mark goes.</summary>
    private void Changing()
    {
        if (_deferred is not null)
        {
            Materialize();
        }

        _referenceOnlyCount = -1;
    }

    private void Materialize()
    {
        var deferred = _deferred!;
        _deferred = null;
        deferred.AppendTo(this);
        _referenceOnlyCount = _members.Count;
    }

    /// <summary>Marks an object an enricher made just now and filled only with reference data, numbers and objects
    /// so marked, under names of its own (GeoIP's <c>client.geo</c>): masking may then skip it when its configuration
    /// makes walking it a no-op. Any later change of the object's members voids the mark; a member's value set in
    /// place (<see cref="LogProperty.Value"/> is public) is not seen here, so masking still checks each value.</summary>
    internal void MarkReferenceOnly() => _referenceOnlyCount = Members.Count;

    /// <summary>True while the mark of <see cref="MarkReferenceOnly"/> holds: no member added, removed or replaced since.</summary>
    internal bool IsMarkedReferenceOnly
    {
        get
        {
            // Members first: deferred members become nodes, and are marked, as they are made.
            var count = Members.Count;
            return _referenceOnlyCount == count;
        }
    }

    private LogProperty NewProperty(string name, LogNode value) =>
        Pool is { } pool ? pool.Property(name, value) : new LogProperty(name, value);

    private LogProperty NewProperty(LogName name, LogNode value) =>
        Pool is { } pool ? pool.Property(name, value) : new LogProperty(name, value);

    public int Count => Members.Count;

    /// <summary>The properties in order. Changing a property's value in place is allowed.</summary>
    public IReadOnlyList<LogProperty> Properties => Members;

    public LogProperty this[int index] => Members[index];

    /// <summary>The properties as a span, for enrichers' scans (no interface call per property). Valid until
    /// the object's properties are added or removed.</summary>
    internal ReadOnlySpan<LogProperty> PropertySpan => CollectionsMarshal.AsSpan(Members);

    /// <summary>The index of the first property with this exact name, or -1.</summary>
    public int IndexOf(ReadOnlySpan<char> name)
    {
        if (Ascii.IsValid(name))
        {
            return IndexOfAscii(name);
        }

        var properties = CollectionsMarshal.AsSpan(Members);
        for (var i = 0; i < properties.Length; i++)
        {
            if (properties[i].NameEquals(name))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>As <see cref="IndexOf(ReadOnlySpan{char})"/> for a constant name: known to be ASCII, so it is not checked
    /// again at every lookup.</summary>
    internal int IndexOf(LogName name) => IndexOfAscii(name.Value);

    private int IndexOfAscii(ReadOnlySpan<char> name)
    {
        // Enrichers look up many fields per record, each a scan: for an ASCII name (nearly always) a property
        // is ruled out by comparing one int, and bytes are compared only when the lengths agree.
        var properties = CollectionsMarshal.AsSpan(Members);
        for (var i = 0; i < properties.Length; i++)
        {
            var p = properties[i];
            var length = p.AsciiLength;
            if (length == name.Length ? p.NameEqualsAscii(name) : length < 0 && p.NameEquals(name))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The value of the first property with this exact name (no dotted-path resolution).</summary>
    public LogNode? Get(ReadOnlySpan<char> name)
    {
        var i = IndexOf(name);
        return i < 0 ? null : Members[i].Value;
    }

    /// <summary>Sets a property: replaces the value in place when the name exists (keeping its position),
    /// appends it otherwise.</summary>
    public void Set(string name, LogNode value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Changing();
        if (!SetFound(IndexOf(name), value))
        {
            Members.Add(NewProperty(name, value));
        }
    }

    public void Set(string name, string value) => Set(name, Pool is { } pool ? pool.String(value) : new LogString(value));

    public void Set(string name, long value) => Set(name, LogLiteral.Number(value));

    /// <summary>Appends a property without looking for an existing one: for enrichers that already know the
    /// name is absent (they scanned the object once).</summary>
    internal void Append(string name, LogNode value)
    {
        Changing();
        Members.Add(NewProperty(name, value));
    }

    /// <summary>As <see cref="Set(string, LogNode)"/> with a constant name: a new property reads and writes the
    /// name's bytes (see <see cref="LogName"/>).</summary>
    internal void Set(LogName name, LogNode value)
    {
        Changing();
        if (!SetFound(IndexOf(name), value))
        {
            Members.Add(NewProperty(name, value));
        }
    }

    /// <summary>Puts <paramref name="value"/> in the property at <paramref name="index"/> when there is one (index ≥ 0),
    /// keeping its place; false when the name was not found.</summary>
    private bool SetFound(int index, LogNode value)
    {
        if (index < 0)
        {
            return false;
        }

        Members[index].Value = value;
        return true;
    }

    /// <summary>As <see cref="Append(string, LogNode)"/> with a constant name.</summary>
    internal void Append(LogName name, LogNode value)
    {
        Changing();
        Members.Add(NewProperty(name, value));
    }

    /// <summary>Appends the members whose value is not null, in order, without looking for them: the fields of an object
    /// an enricher made just now, in one step, with room for them made once.</summary>
    internal void AppendAll(ReadOnlySpan<LogName> names, ReadOnlySpan<LogNode?> values)
    {
        if (names.Length != values.Length)
        {
            throw new ArgumentException("One value per name, null for a name not written.", nameof(values));
        }

        Changing();
        Members.EnsureCapacity(Members.Count + names.Length);
        var pool = Pool;
        for (var i = 0; i < names.Length; i++)
        {
            if (values[i] is { } value)
            {
                Members.Add(pool is null ? new LogProperty(names[i], value) : pool.Property(names[i], value));
            }
        }
    }

    /// <summary>Puts a new property in the place of the one at <paramref name="index"/>: cheaper than removing
    /// one field and appending another (no shifting), and it keeps the new field where the old one was.</summary>
    internal void ReplaceAt(int index, string name, LogNode value)
    {
        Changing();
        Members[index] = NewProperty(name, value);
    }

    /// <summary>As <see cref="ReplaceAt(int, string, LogNode)"/> with a constant name.</summary>
    internal void ReplaceAt(int index, LogName name, LogNode value)
    {
        Changing();
        Members[index] = NewProperty(name, value);
    }

    /// <summary>Removes the first property with this exact name.</summary>
    public bool Remove(ReadOnlySpan<char> name)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            return false;
        }

        RemoveAt(i);
        return true;
    }

    public void RemoveAt(int index)
    {
        Changing();
        Members.RemoveAt(index);
    }

    /// <summary>The child object with this name, created (appended) when absent. Returns null when the
    /// name exists with a value that is not an object: producer data is never overwritten by structure.</summary>
    public LogObject? GetOrAddObject(string name) => GetOrAddObject(name, out _);

    /// <summary>As <see cref="GetOrAddObject(string)"/>; <paramref name="added"/> tells that the object is new
    /// (and empty), so fields can be appended to it without looking for them first.</summary>
    internal LogObject? GetOrAddObject(string name, out bool added)
    {
        var i = IndexOf(name);
        if (i >= 0)
        {
            added = false;
            return Members[i].Value as LogObject;
        }

        var child = Pool is { } pool ? pool.Object() : new LogObject();
        Changing();
        Members.Add(NewProperty(name, child));
        added = true;
        return child;
    }

    /// <summary>As <see cref="GetOrAddObject(string, out bool)"/> with a constant name.</summary>
    internal LogObject? GetOrAddObject(LogName name, out bool added)
    {
        var i = IndexOf(name);
        added = i < 0;
        return added ? AddObject(name) : Members[i].Value as LogObject;
    }

    /// <summary>Appends a new empty child object without looking for the name: for enrichers that know it is absent
    /// (the object was scanned once, or is new itself).</summary>
    internal LogObject AddObject(LogName name)
    {
        var child = Pool is { } pool ? pool.Object() : new LogObject();
        Changing();
        Members.Add(NewProperty(name, child));
        return child;
    }

    // The parser's hot path: an added member already voids a mark by the count.
    internal void AddParsed(LogProperty property) => Members.Add(property);

    internal override void WriteTo(ref JsonOutput output)
    {
        if (_deferred is { } deferred)
        {
            deferred.WriteTo(ref output);
            return;
        }

        output.WriteByte((byte)'{');
        var properties = CollectionsMarshal.AsSpan(Members);

        // Intact members that follow one another in the input, a comma between them, are written in one copy: the
        // run [runStart, runStart + runLength) of the input's bytes, whose comma (when it is not the first member) is
        // written before it.
        ref byte runStart = ref Unsafe.NullRef<byte>();
        var runLength = 0;
        var runComma = false;
        for (var i = 0; i < properties.Length; i++)
        {
            var p = properties[i];
            if (p.TryGetIntactMember(out var member))
            {
                ref var start = ref MemoryMarshal.GetReference(member);
                if (runLength > 0 && Unsafe.AreSame(ref start, ref Unsafe.Add(ref runStart, runLength + 1))
                    && Unsafe.Add(ref runStart, runLength) == (byte)',')
                {
                    // The byte between two addresses of the same input is that input's: a comma, so the run grows.
                    runLength += 1 + member.Length;
                    continue;
                }

                if (runLength > 0)
                {
                    output.WriteRawAfter(MemoryMarshal.CreateReadOnlySpan(ref runStart, runLength), runComma);
                }

                runStart = ref start;
                runLength = member.Length;
                runComma = i > 0;
                continue;
            }

            if (runLength > 0)
            {
                output.WriteRawAfter(MemoryMarshal.CreateReadOnlySpan(ref runStart, runLength), runComma);
                runLength = 0;
            }

            p.WriteMemberTo(ref output, i > 0);
        }

        if (runLength > 0)
        {
            output.WriteRawAfter(MemoryMarshal.CreateReadOnlySpan(ref runStart, runLength), runComma);
        }

        output.WriteByte((byte)'}');
    }
}
