namespace Enrichers.Masking;

/// <summary>How the index maps a field masking must not break (see <see cref="IndexFields"/>).</summary>
internal enum IndexFieldShape
{
    /// <summary>Not a field the index needs: a value masking fails on becomes a marker.</summary>
    None,

    /// <summary>Mapped as <c>date</c>.</summary>
    Date,

    /// <summary>Mapped as <c>ip</c>.</summary>
    Ip,

    /// <summary>A <c>keyword</c> identifier, level or name.</summary>
    Keyword,
}
