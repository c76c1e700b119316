namespace Enrichers.Files;

/// <summary>A file loaded at start and replaced while the worker runs (a GeoIP database, a rules file): which
/// version is in use and which replacement was refused, so that a bad replacement is opened and reported once,
/// not at every check, and a later good one is still taken. Used by one checking thread at a time.</summary>
internal sealed class WatchedFile
{
    private static readonly FileIdentity Missing = new(null, -1, default, default);

    private FileIdentity _loaded;
    private FileIdentity? _refused;

    /// <param name="loaded">The identity of the version in use (read before it was opened).</param>
    public WatchedFile(string path, FileIdentity loaded)
    {
        Path = path;
        _loaded = loaded;
    }

    /// <summary>The configured path.</summary>
    public string Path { get; }

    /// <summary>Checks the file and, when it was replaced by a version not refused before, opens it with
    /// <paramref name="open"/>. Never throws: <paramref name="problem"/> says why a replacement was not taken
    /// (the exception's message; file content never appears there unless <paramref name="open"/> put it in).</summary>
    /// <param name="open">Opens and validates the file; throws <see cref="IOException"/> (other than
    /// <see cref="FileNotFoundException"/>) to be tried again later, any other exception to refuse the version.</param>
    public FileCheckOutcome Check<T>(Func<string, T> open, out T? replacement, out string? problem)
        where T : class
    {
        replacement = null;
        problem = null;
        FileIdentity identity;
        try
        {
            identity = FileIdentity.Of(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (_refused == Missing)
            {
                return FileCheckOutcome.Unchanged;
            }

            _refused = Missing;
            problem = ex.Message;
            return FileCheckOutcome.Unreadable;
        }

        if (identity == _loaded || identity == _refused)
        {
            return FileCheckOutcome.Unchanged;
        }

        try
        {
            replacement = open(Path);
            _loaded = identity;
            _refused = null;
            return FileCheckOutcome.Loaded;
        }
        catch (Exception ex) when (ex is IOException and not FileNotFoundException)
        {
            problem = ex.Message;
            return FileCheckOutcome.Retry;
        }
        catch (Exception ex)
        {
            _refused = identity;
            problem = ex.Message;
            return FileCheckOutcome.Refused;
        }
    }
}
