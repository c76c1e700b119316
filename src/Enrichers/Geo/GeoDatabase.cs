using MaxMind.Db;
using MaxMind.GeoIP2;

namespace Enrichers.Geo;

/// <summary>One opened and verified database file: a memory-mapped <see cref="DatabaseReader"/> shared by
/// all threads. Reference counted, so a reader replaced by a reload is disposed only after the last lookup
/// that was using it has finished.</summary>
internal sealed class GeoDatabase
{
    private int _references = 1;

    private GeoDatabase(string kind, string path, FileIdentity identity, DatabaseReader reader)
    {
        Kind = kind;
        Path = path;
        Identity = identity;
        Reader = reader;
        BuildTime = new DateTimeOffset(DateTime.SpecifyKind(reader.Metadata.BuildDate, DateTimeKind.Utc));
        DatabaseType = reader.Metadata.DatabaseType;
    }

    /// <summary><c>city</c> or <c>asn</c>.</summary>
    public string Kind { get; }

    public string Path { get; }

    public FileIdentity Identity { get; }

    public DatabaseReader Reader { get; }

    public DateTimeOffset BuildTime { get; }

    public string DatabaseType { get; }

    /// <summary>Opens the database at <paramref name="path"/> after verifying the whole file.</summary>
    /// <param name="requiredType">Text the metadata <c>database_type</c> must contain (<c>City</c>,
    /// <c>ASN</c>): MaxMind's reader refuses other lookups on it, so a swapped path is caught here.</param>
    /// <exception cref="FileNotFoundException">No file at the path.</exception>
    /// <exception cref="InvalidDataException">The file is not a usable database of that type.</exception>
    /// <exception cref="IOException">The file could not be read, or was replaced while it was read.</exception>
    public static GeoDatabase Open(string kind, string path, string requiredType)
    {
        var identity = FileIdentity.Of(path);
        var bytes = File.ReadAllBytes(path);
        MaxMindDatabaseVerifier.Verify(bytes);

        DatabaseReader reader;
        try
        {
            reader = new DatabaseReader(path, FileAccessMode.MemoryMapped);
        }
        catch (InvalidDatabaseException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }

        try
        {
            if (!reader.Metadata.DatabaseType.Contains(requiredType, StringComparison.Ordinal))
            {
                throw new InvalidDataException(
                    $"database_type is '{reader.Metadata.DatabaseType}', which does not contain '{requiredType}'");
            }

            if (FileIdentity.Of(path) != identity)
            {
                // Verified one file, mapped another: try again at the next check.
                throw new IOException("the file was replaced while it was being opened");
            }

            return new GeoDatabase(kind, path, identity, reader);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Reader.Dispose();
        }
    }
}
