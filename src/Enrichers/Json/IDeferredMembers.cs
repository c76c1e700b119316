namespace Enrichers.Json;

/// <summary>The members of an object an enricher adds whole (see <see cref="LogObject.Defer"/>), held as what they are
/// made of rather than as nodes: shared, immutable, so one instance serves every record it is given to.</summary>
internal interface IDeferredMembers
{
    /// <summary>Writes the object, braces included: exactly the bytes the members <see cref="AppendTo"/> makes would be
    /// written as.</summary>
    void WriteTo(ref JsonOutput output);

    /// <summary>Appends the members as new nodes (from <paramref name="target"/>'s pool, when it has one) to
    /// <paramref name="target"/>, which is empty.</summary>
    void AppendTo(LogObject target);
}
