namespace Enrichers.Geo;

/// <summary>A database was loaded or reloaded, or a replacement was refused (the previous database stays
/// in use). <see cref="Message"/> names the path and never contains record data.</summary>
/// <param name="Kind"><c>city</c> or <c>asn</c>.</param>
/// <param name="Path">The configured path.</param>
/// <param name="Succeeded">True when the new file is now in use.</param>
/// <param name="Message">One line for the log.</param>
/// <param name="BuildTime">The build time of the database now in use for this kind, if any.</param>
public sealed record GeoDatabaseEvent(string Kind, string Path, bool Succeeded, string Message, DateTimeOffset? BuildTime);
